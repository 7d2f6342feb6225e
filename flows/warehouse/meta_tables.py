"""The settings the SQL reads, as rows of ``meta.municipalities`` and ``meta.parameters``."""

from __future__ import annotations

import pandas as pd

from flows.config import Settings
from flows.warehouse.sql_runner import sql_fingerprint


def municipalities_frame(settings: Settings) -> pd.DataFrame:
    rows = [{"code": m.code, "name": m.name, "kolada_code": m.kolada_code, "scb_code": m.scb_code,
             "is_region": False} for m in settings.municipalities]
    region = settings.region
    rows.append({"code": region.indicator_code, "name": region.name, "kolada_code": region.kolada_code,
                 "scb_code": region.county_code, "is_region": True})
    return pd.DataFrame(rows)


def parameters_frame(settings: Settings) -> pd.DataFrame:
    t = settings.thresholds
    values = {"first_year": t.first_year, "last_year": t.last_year, "min_person_count": t.min_person_count,
              "min_enterprises": t.min_enterprises, "dominance_share": t.dominance_share,
              "source_stale_days": t.source_stale_days, "sql_fingerprint": sql_fingerprint()}
    return pd.DataFrame([{"name": k, "value": str(v)} for k, v in sorted(values.items())])
