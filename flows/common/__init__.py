"""Small helpers every stage may use; they import nothing of socek's but ``errors``."""
