"""socek: the regional indicator database for social enterprises in Region Örebro län."""

__version__ = "0.1.0"
