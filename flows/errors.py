"""Exceptions an operator or analyst can act on. Each message names the file, key or rule at fault."""


class SocekError(Exception):
    """Base class for every error socek reports to a user."""


class ConfigError(SocekError):
    """The configuration file is missing, unreadable or has a bad key or value."""


class InboxError(SocekError):
    """A delivered file cannot be used at all (unreadable, wrong layout, unsafe path).

    ``rule`` names the reason in ``meta.quarantine``; ``rows_read`` is how many rows were read before
    the file was refused (they are counted as quarantined, so nothing goes missing).
    """

    rule = "file:unreadable"
    rows_read = 0
    synthetic = False  # the file carries the demo's synthetic marker (flows.common.synthetic)


class SourceError(SocekError):
    """A regional or national source (Kolada, SCB, Bolagsverket) failed after its retries."""


class WarehouseError(SocekError):
    """Building, checking or publishing the DuckDB warehouse failed."""


class AccountingError(WarehouseError):
    """Rows were lost: rows read != rows loaded + rows quarantined for some file."""


class AlreadyRunningError(SocekError):
    """Another socek run holds the run lock."""
