"""All regional and national sources of a run, and how their tables are loaded.

Kolada and SCB come through ``flows.sources.api``, the bulk registers through ``flows.sources.bulk``.
Only a fallback makes the run end "with warnings" (values provisional, P); informational notes (an
unverified KPI id) are logged, not escalated.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timezone

import pandas as pd

from flows.config import Settings
from flows.sources.api import SourceResult, collect_kolada, collect_scb
from flows.sources.bulk import BULK, collect_bulk

log = logging.getLogger(__name__)


@dataclass
class ExternalData:
    """Every source's result for one run, ready to load."""

    results: dict[str, SourceResult]

    @property
    def synthetic(self) -> list[str]:
        """Sources replayed from recordings marked synthetic (the demo environment only)."""
        return sorted(name for name, r in self.results.items() if r.synthetic)

    @property
    def warnings(self) -> list[str]:
        return [r.warning for r in self.results.values() if r.provisional and r.warning]

    def status_frame(self, run_id: str) -> pd.DataFrame:
        return pd.DataFrame([{
            "source": name, "origin": r.origin, "provisional": r.provisional,
            "retrieved_at": r.retrieved_at.astimezone(timezone.utc).replace(tzinfo=None),
            "warning": r.warning, "run_id": run_id,
        } for name, r in sorted(self.results.items())])


def collect_all(settings: Settings, run_date: date, keep_orgnrs: set[str]) -> ExternalData:
    results = {
        "kolada": collect_kolada(settings, run_date),
        "scb": collect_scb(settings, run_date),
        BULK: collect_bulk(settings, run_date, keep_orgnrs),
    }
    for result in results.values():
        if result.warning and not result.provisional:
            log.info(result.warning)
    return ExternalData(results)


RAW_TABLES = {"kolada_values": "kolada", "kolada_kpis": "kolada", "scb_population": "scb",
              "bolagsverket_register": BULK, "scb_register": BULK}


def with_lineage(frame: pd.DataFrame, result: SourceResult, run_id: str) -> pd.DataFrame:
    """Add the lineage columns of the external raw tables."""
    extra = {"_retrieved_at": result.retrieved_at.astimezone(timezone.utc).replace(tzinfo=None), "_run_id": run_id}
    if "_source_file" not in frame.columns:
        extra["_source_file"] = result.source
    if "_sha256" not in frame.columns:
        extra["_sha256"] = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values.tobytes()).hexdigest()
    return frame.assign(**extra)


def unchanged(existing_hashes: set[str], frame: pd.DataFrame) -> bool:
    """True when the table already holds exactly these payloads (same hashes): keep it as it is,
    so a rerun on the same inputs leaves the warehouse byte-for-byte unchanged."""
    return bool(existing_hashes) and existing_hashes == set(frame["_sha256"].dropna().unique())


