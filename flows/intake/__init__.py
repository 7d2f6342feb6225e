"""Intake: find the municipalities' deliveries in the inbox, read them, map them onto the canonical
datasets, pseudonymise personal identity numbers, validate, and write the rows that pass."""
