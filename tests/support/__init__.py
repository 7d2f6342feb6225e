"""Helpers shared by socek's tests (a scripted local HTTP server)."""
