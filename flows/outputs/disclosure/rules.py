"""The primary rules (DESIGN §6): which figures may never be published as they are.

One function for every kind of figure socek publishes -- indicator cells, the cooperation timeline's
person counts, and the remainder of a cell once a named enterprise's printed part is subtracted -- so
the same thresholds mean the same thing everywhere. The thresholds are the run's ``meta.parameters``.

- count_persons: 1 to ``min_persons - 1`` persons behind the figure (a count, or the persons behind
  FTE or participant days);
- rate_persons: 1 to ``min_persons - 1`` persons in the numerator or in the base;
- money: fewer than ``min_enterprises`` enterprises with a non-zero part, or one of them above
  ``dominance_share`` of the total. Money without enterprise parts (procurement estimates) is public;
- anything else (enterprise counts, rates over enterprises, published statistics) is free.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from flows.outputs.disclosure.audit import Protection
from flows.outputs.disclosure.model import DisclosureModelError

SENSITIVE_MEASURES = ("count_persons", "rate_persons", "money")


@dataclass(frozen=True)
class Rules:
    min_persons: int
    min_enterprises: int
    dominance_share: float
    protection_share: float

    @property
    def protection(self) -> Protection:
        return Protection(min_persons=self.min_persons, money_share=self.protection_share)

    def describe(self) -> str:
        return (f"persons: the interval reaches 0 and {self.min_persons}; money and other magnitudes: "
                f"±{self.protection_share:.0%} of the value")


def read_rules(con: duckdb.DuckDBPyConnection) -> Rules:
    """The thresholds of the run (``meta.parameters``)."""
    values = dict(con.execute("select name, value from meta.parameters").fetchall())
    try:
        return Rules(min_persons=int(values["min_person_count"]), min_enterprises=int(values["min_enterprises"]),
                     dominance_share=float(values["dominance_share"]),
                     protection_share=float(values["protection_share"]))
    except KeyError as exc:
        raise DisclosureModelError(f"meta.parameters has no {exc.args[0]!r}: the build's settings were not "
                                   "written (warehouse.meta_tables.write_settings)") from None


def primary(frame: pd.DataFrame, rules: Rules) -> np.ndarray:
    """Boolean per row of ``frame`` (columns measure, value, numerator, denominator, persons, n_units,
    top_share): True where a primary rule hides the figure. A figure without a value is never primary."""
    measure = frame["measure"].to_numpy()
    value = frame["value"].to_numpy(dtype=float)
    persons = frame["persons"].to_numpy(dtype=float)
    persons = np.where(np.isnan(persons), value, persons)
    numerator = frame["numerator"].to_numpy(dtype=float)
    denominator = frame["denominator"].to_numpy(dtype=float)
    n_units = frame["n_units"].to_numpy(dtype=float)
    top_share = frame["top_share"].to_numpy(dtype=float)

    def few(x: np.ndarray, limit: float) -> np.ndarray:
        return (x > 0) & (x < limit)  # NaN compares False: unknown helpers never hide

    hidden = np.select(
        [measure == "count_persons", measure == "rate_persons", measure == "money"],
        [few(persons, rules.min_persons),
         few(numerator, rules.min_persons) | few(denominator, rules.min_persons),
         few(n_units, rules.min_enterprises) | (top_share > rules.dominance_share)],
        default=False)
    return hidden & ~np.isnan(value)
