"""Disclosure control: a linear model of what is published, an attacker's audit and secondary suppression."""
