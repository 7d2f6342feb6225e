"""Disclosure control engine (DESIGN §6, issue 13): the one import for callers.

Build a :class:`ModelBuilder` with every published cell and the linear relations an outsider knows,
choose secondary suppressions with :func:`protect` and prove the pattern with :func:`audit` (an
attacker's linear programs over everything published). The engine knows nothing about indicators;
the model built on top of it decides which cells and relations exist.

    builder = ModelBuilder()
    builder.add_cell("T", 9, kind="persons"); builder.add_cell("K", 7, kind="persons")
    builder.add_cell("M", 2, kind="persons")
    builder.add_sum("T", ["K", "M"])
    model = builder.build()
    status = protect(model, {model.index["M"]})        # ['F', 'D', 'C']: K goes too, M is in [0, 9]
    audit(model, status).raise_if_failed()
"""

from flows.outputs.disclosure.audit import (
                                            AuditResult,
                                            AuditSummary,
                                            CellAudit,
                                            Protection,
                                            audit,
)
from flows.outputs.disclosure.model import (
                                            FREE,
                                            KINDS,
                                            PRIMARY,
                                            SECONDARY,
                                            DisclosureError,
                                            DisclosureModelError,
                                            Model,
                                            ModelBuilder,
                                            primary_status,
                                            status_vector,
)
from flows.outputs.disclosure.secondary import (
                                            information_loss,
                                            protect,
                                            protect_with_audit,
)

__all__ = [
    "FREE", "PRIMARY", "SECONDARY", "KINDS",
    "DisclosureError", "DisclosureModelError",
    "Model", "ModelBuilder", "primary_status", "status_vector",
    "Protection", "AuditResult", "AuditSummary", "CellAudit", "audit",
    "protect", "protect_with_audit", "information_loss",
]
