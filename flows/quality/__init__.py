"""Validation of delivered files with Great Expectations, and the quarantine of what fails."""
