"""The DuckDB warehouse: open, create tables, load, transform with ``sql/``, check, publish."""
