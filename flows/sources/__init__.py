"""Readers for socek's inputs, one module per source, plus the shared HTTP helper and landing/replay."""
