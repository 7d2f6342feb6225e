"""The settings and contracts the SQL reads: ``meta.municipalities``, ``meta.parameters``, ``meta.datasets``."""

from __future__ import annotations

import pandas as pd

from flows.catalogue import catalogue_frame
from flows.config import Settings
from flows.datasets import DATASETS
from flows.warehouse.sql_runner import sql_fingerprint


def municipalities_frame(settings: Settings) -> pd.DataFrame:
    no_motion = {"motion_title": None, "motion_submitted_by": None, "motion_question_work": None,
                 "motion_question_cooperation": None}
    rows = [{"code": m.code, "name": m.name, "kolada_code": m.kolada_code, "scb_code": m.scb_code,
             "is_region": False, **(_motion(m.motion) if m.motion else no_motion)} for m in settings.municipalities]
    region = settings.region
    rows.append({"code": region.indicator_code, "name": region.name, "kolada_code": region.kolada_code,
                 "scb_code": region.county_code, "is_region": True, **no_motion})
    return pd.DataFrame(rows)


def _motion(motion) -> dict:
    return {"motion_title": motion.title, "motion_submitted_by": motion.submitted_by,
            "motion_question_work": motion.question_work, "motion_question_cooperation": motion.question_cooperation}


def parameters_frame(settings: Settings) -> pd.DataFrame:
    t = settings.thresholds
    values = {"first_year": t.first_year, "last_year": t.last_year, "min_person_count": t.min_person_count,
              "min_enterprises": t.min_enterprises, "dominance_share": t.dominance_share,
              "protection_share": t.protection_share,
              "source_stale_days": t.source_stale_days, "sql_fingerprint": sql_fingerprint()}
    return pd.DataFrame([{"name": k, "value": str(v)} for k, v in sorted(values.items())])


def datasets_frame() -> pd.DataFrame:
    """One row per inbox dataset, from its contract."""
    return pd.DataFrame([{"dataset": d.name, "label_sv": d.label_sv, "description": d.description,
                          "period_column": d.period_column, "is_register": d.period_column is None,
                          "continuous": d.continuous} for d in DATASETS.values()])


def write_settings(con, settings: Settings) -> None:
    """Rewrite every settings table of the build from the configuration, the contracts and the
    indicator catalogue (each run, so the SQL always reads what this run was configured with)."""
    from flows.warehouse.load import replace_table

    replace_table(con, "meta", "municipalities", municipalities_frame(settings))
    replace_table(con, "meta", "parameters", parameters_frame(settings))
    replace_table(con, "meta", "datasets", datasets_frame())
    replace_table(con, "meta", "indicator_catalogue", catalogue_frame())
