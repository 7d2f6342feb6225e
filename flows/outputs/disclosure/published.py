"""The model of everything socek publishes, for disclosure control (docs/disclosure.md).

Cells: every indicator value of ``indicators.all_values`` (each municipality's delivery and the
county's), every person-based figure of the council report's cooperation timeline
(``indicators.cooperation_timeline``: placements, support-activity participants, the enterprise's
employees and participants), and two kinds of internal cells an outsider can reason about but that
are never published: a named enterprise's part of a cell (its grants and purchases are printed in the
report as public records) and the remainder of the other enterprises (``indicators.named_parts``).

Relations an outsider knows, each added only where the true values satisfy it (a structure that holds
in these data is assumed known: that only makes the attacker stronger), as an equality where it holds
exactly and as an inequality where only that holds:

- sex: T = K + M for counts and magnitudes (not for rates: their bases differ);
- breakdowns: total = sum of the parts, for counts, magnitudes and shares of one base (SE15's
  outcomes, SE04's wise/not wise); a part <= the total where the parts do not cover it;
- geography: the county = the sum of the covered municipalities for sums; for figures that count an
  enterprise once in the county (org_once) the same where no enterprise is in two municipalities (the
  published distinct counts tell), else the county lies between the largest municipality and their
  sum; distinct enterprise counts themselves are not sensitive, so they have no relation;
- averages: a share over both sexes or over the county lies between its parts' smallest and largest
  shares (their bases are not published, so nothing more is linear);
- shares of a public base: SE04's share in % is its SEK over the municipality's supplier payments,
  which municipalities publish, so SEK = base/100 * share;
- named enterprises: cell = named parts + others (for a share of sums, SE11, which has no linear
  remainder, the rules on the others decide the cell itself); the report's placements over all years
  = the sum of the years; each outcome, and their sum, <= those who left.

Counts, magnitudes and shares are non-negative where their value is (net money may be negative).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from flows.outputs.disclosure.model import ABS_TOL, REL_TOL, Model, ModelBuilder
from flows.outputs.disclosure.rules import Rules, primary

CELL_KEY = ("indicator_id", "municipality_code", "period", "sex", "breakdown", "breakdown_value", "unit")
TIMELINE_KEY = ("municipality_code", "org_nr", "event_type", "event_kind", "period", "event_id")
# shares of a base anyone can look up: SE04's base is the municipality's supplier payments, which
# municipalities publish as open data
PUBLIC_BASE = {"SE04": "SEK"}
MAGNITUDE_UNITS = ("FTE", "days")
OUTCOMES = ("ended_to_unsubsidised_work", "ended_to_subsidised_work", "ended_to_studies")
TIMELINE_GROUP, INTERNAL_GROUP = "timeline", "(internal)"
# a named enterprise's part of an indicator cell that the report prints as a timeline figure:
# SE14's is its placements, SE12's its participants and SE13's its employees (annual report)
TIMELINE_MEASURE = {("SE14", "persons"): "persons_started", ("SE14", "days"): "participant_days",
                    ("SE12", "persons"): "participants", ("SE13", "persons"): "employees"}
TIMELINE_PERSON_TYPES = ("placements", "annual_report")  # timeline figures that are parts of indicator cells


@dataclass(frozen=True)
class Published:
    """The model, the primary cells, and which model cell is which published figure."""

    model: Model
    primary: np.ndarray
    groups: list[str]  # per model cell: indicator id, "timeline" or "(internal)"
    cells: pd.DataFrame  # indicators.all_values in model order (cells 0..len-1)
    timeline: pd.DataFrame  # the timeline's person-based figures, model cells len(cells)..

    @property
    def relations(self) -> int:
        return self.model.eq.shape[0] + self.model.le.shape[0]


def cell_key(row) -> str:
    return "|".join(str(row[c]) for c in CELL_KEY)


def timeline_key(row) -> str:
    event_id = row["event_id"] if isinstance(row["event_id"], str) else ""
    return "|".join(["timeline", row["municipality_code"], row["org_nr"], row["event_type"], row["event_kind"],
                     row["period"], event_id])


def read_cells(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every indicator value with the helpers of the rules and its county rollup rule."""
    return con.execute("""
        select v.indicator_id, v.municipality_code, v.period, v.sex, v.breakdown, v.breakdown_value, v.unit,
               v.measure, v.value, v.numerator, v.denominator, v.persons, v.n_units, v.top_share,
               coalesce(m.is_region, false) as is_region, r.numerator_rollup
        from indicators.all_values as v
        left join meta.municipalities as m on m.code = v.municipality_code
        left join (select distinct indicator_id, unit, numerator_rollup from indicators.municipal_cells) as r
          using (indicator_id, unit)
        order by all""").df()


def read_timeline(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The timeline's person-based figures (placements, support-activity participants, the enterprise's
    employees and participants; its money is public and not modelled)."""
    return con.execute("""
        select municipality_code, org_nr, event_type, event_kind, period, event_id, unit, value, persons
        from indicators.cooperation_timeline
        where event_type in ('placements', 'support_activity')
           or (event_type = 'annual_report' and unit = 'persons')
        order by all""").df()


def read_named_parts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("select * from indicators.named_parts order by all").df()


def build_published(con: duckdb.DuckDBPyConnection, rules: Rules) -> Published:
    """Read the build's figures and model them (see the module docstring)."""
    return model_published(read_cells(con), read_timeline(con), read_named_parts(con), rules)


def model_published(cells: pd.DataFrame, timeline: pd.DataFrame, named: pd.DataFrame, rules: Rules) -> Published:
    """The model from the three frames (``read_cells``, ``read_timeline``, ``read_named_parts``): the
    indicator cells first (in their order), then the timeline's, then the internal cells."""
    builder = _Builder()
    cells, timeline, named = (_row_friendly(f.reset_index(drop=True)) for f in (cells, timeline, named))
    cells["key"] = [cell_key(r) for r in cells.to_dict("records")]
    hidden = list(primary(cells, rules))
    bases = _public_bases(cells)
    for row in cells.to_dict("records"):
        kind = _cell_kind(row)
        if row["key"] in bases and not math.isnan(row["value"]) and row["value"] <= bases[row["key"]]:
            kind["upper"] = bases[row["key"]]  # an amount of a public base: at most the base
        builder.cell(row["key"], row["value"], **kind, group=row["indicator_id"])
    twins = _link_public_base(builder, cells)
    _sex(builder, cells)
    _breakdowns(builder, cells)
    _geography(builder, cells)
    _averages(builder, cells)

    timeline["key"] = [timeline_key(r) for r in timeline.to_dict("records")]
    timeline_hidden = _timeline_primary(timeline, rules)
    for row in timeline.to_dict("records"):
        magnitude = row["unit"] == "days"
        builder.cell(row["key"], row["value"], kind="money" if magnitude else "persons", lower=0.0,
                     group=TIMELINE_GROUP)
    hidden += list(timeline_hidden)
    _timeline_relations(builder, timeline)

    hidden += _named(builder, cells, timeline, named, hidden, rules)
    for share, twin in twins.items():  # a share of a public base is its amount in other units
        hidden[share] = hidden[twin]
    model = builder.build()
    return Published(model=model, primary=np.asarray(hidden, dtype=bool), groups=builder.groups,
                     cells=cells, timeline=timeline)


def _row_friendly(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as Python objects: the model is built row by row, and pandas'
    Arrow-backed strings cost a conversion per value each time rows are taken out."""
    return frame.astype({c: object for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)})


def _cell_kind(row: dict) -> dict:
    """Engine kind and a-priori bounds of an indicator cell."""
    value, measure, unit = row["value"], row["measure"], row["unit"]
    non_negative = 0.0 if (math.isnan(value) or value >= 0) else -math.inf
    percent_cap = math.inf if unit != "%" or (not math.isnan(value) and value > 100) else 100.0
    if measure == "rate_persons":
        base = row["denominator"]
        per = base / 100.0 if base and not math.isnan(base) and base > 0 else 1.0
        return {"kind": "persons", "lower": non_negative, "upper": percent_cap, "persons_per_unit": per}
    if measure == "count_persons":
        kind = "money" if unit in MAGNITUDE_UNITS else "persons"
        return {"kind": kind, "lower": non_negative}
    if measure == "money":
        return {"kind": "money", "lower": non_negative, "upper": percent_cap}
    return {"kind": "other"}


class _Builder:
    """The engine's builder, plus the group of each cell and relations added only where they hold."""

    def __init__(self) -> None:
        self.inner = ModelBuilder()
        self.values: dict[str, float] = {}
        self.groups: list[str] = []

    def cell(self, key: str, value: float, *, group: str, missing: bool | None = None, **kind) -> None:
        value = float(value) if value is not None and not pd.isna(value) else math.nan
        missing = math.isnan(value) if missing is None else missing
        self.inner.add_cell(key, value, missing=missing, **kind)
        self.values[key] = value
        self.groups.append(group)

    def relation(self, coefs: dict[str, float], name: str, *, inequality_too: bool = False,
                 equality: bool = True) -> str | None:
        """``sum(coef * cell) == 0`` where it holds (and ``equality``: the structure is a sum); ``<= 0``
        where only that holds and ``inequality_too``. A relation over a cell without a value is left
        out: its structure cannot be checked. Returns "=", "<=" or None (left out)."""
        values = [self.values[k] for k in coefs]
        if any(math.isnan(v) for v in values):
            return None
        residual = sum(c * v for c, v in zip(coefs.values(), values))
        tol = ABS_TOL + REL_TOL * sum(abs(c * v) for c, v in zip(coefs.values(), values))
        if equality and abs(residual) <= tol:
            self.inner.add_equality(coefs, 0.0, name=name)
            return "="
        if inequality_too and residual <= tol:
            self.inner.add_inequality(coefs, 0.0, name=name)
            return "<="
        return None

    def at_most(self, part: str, whole: str, name: str) -> str | None:
        """``part <= whole``: an inequality even where the two happen to be equal."""
        return self.relation({part: 1.0, whole: -1.0}, name, inequality_too=True, equality=False)

    def sum_of(self, total: str, parts: Iterable[str], name: str, *, inequality_too: bool = False) -> str | None:
        coefs = {p: 1.0 for p in parts}
        coefs[total] = coefs.get(total, 0.0) - 1.0
        return self.relation(coefs, name, inequality_too=inequality_too)

    def build(self) -> Model:
        return self.inner.build()


def _sensitive(cells: pd.DataFrame) -> list[dict]:
    """The cells the rules can hide (money with enterprise parts; not procurement estimates)."""
    sensitive = cells["measure"].isin(["count_persons", "rate_persons", "money"]) & ~(
        (cells["measure"] == "money") & cells["n_units"].isna() & (cells["unit"] != "%"))
    return cells[sensitive].to_dict("records")


def _additive(cells: pd.DataFrame) -> list[dict]:
    """Counts and magnitudes (not shares)."""
    return [r for r in _sensitive(cells) if r["unit"] != "%" and r["measure"] != "rate_persons"]


def _grouped(rows: list[dict], by: tuple[str, ...]) -> list[list[dict]]:
    """Rows grouped by the columns ``by``, groups in key order, rows in their given order."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row[c] for c in by), []).append(row)
    return [groups[k] for k in sorted(groups)]


def _sex(builder: _Builder, cells: pd.DataFrame) -> None:
    by = ("indicator_id", "municipality_code", "period", "breakdown", "breakdown_value", "unit")
    for group in _grouped(_additive(cells), by):
        keys = {r["sex"]: r["key"] for r in group}
        if {"T", "K", "M"} <= keys.keys():
            builder.sum_of(keys["T"], [keys["K"], keys["M"]], f"sex {keys['T']}")


def _breakdowns(builder: _Builder, cells: pd.DataFrame) -> None:
    """Total = sum of a breakdown's parts (counts, magnitudes, and shares of one base), or part <=
    total where the parts do not cover it."""
    for group in _grouped(_sensitive(cells), ("indicator_id", "municipality_code", "period", "sex", "unit")):
        totals = [r["key"] for r in group if r["breakdown"] == "total"]
        if len(totals) != 1:
            continue
        total_key = totals[0]
        for parts in _grouped([r for r in group if r["breakdown"] != "total"], ("breakdown",)):
            keys = [r["key"] for r in parts]
            exact = builder.sum_of(total_key, keys, f"breakdown {parts[0]['breakdown']} of {total_key}",
                                   inequality_too=True)
            if exact != "=" and len(keys) > 1:  # with the sum exact, each part <= total follows
                for key in keys:
                    builder.at_most(key, total_key, f"{key} <= {total_key}")


def _geography(builder: _Builder, cells: pd.DataFrame) -> None:
    """County rows against the covered municipalities' cells, by the indicator's rollup rule."""
    by = ("indicator_id", "period", "sex", "breakdown", "breakdown_value", "unit")
    for group in _grouped(_additive(cells), by):
        county = [r for r in group if r["is_region"]]
        municipal = [r["key"] for r in group if not r["is_region"] and not math.isnan(r["value"])]
        if len(county) != 1 or not municipal:
            continue
        county_key, rollup = county[0]["key"], county[0]["numerator_rollup"]
        if rollup == "sum":
            builder.sum_of(county_key, municipal, f"county {county_key}")
        elif rollup == "org_once":
            # an enterprise in two municipalities counts once in the county, so the county is at most
            # their sum; where no enterprise is in two (the distinct counts of SE01 tell), it is the sum
            if builder.sum_of(county_key, municipal, f"county {county_key}") != "=":
                builder.relation({county_key: 1.0, **{k: -1.0 for k in municipal}},
                                 f"county {county_key} <= sum", inequality_too=True, equality=False)
                for key in municipal:
                    builder.at_most(key, county_key, f"{key} <= county")


def _averages(builder: _Builder, cells: pd.DataFrame) -> None:
    """A share over both sexes, or over the county, is a weighted average of the parts' shares, so it
    lies between the smallest and the largest of them: with all but one part published, an outsider
    learns on which side of the total the hidden one is. Added as the two inequalities the true values
    satisfy (smallest part <= total <= largest part)."""
    shares = [r for r in _sensitive(cells) if (r["unit"] == "%" or r["measure"] == "rate_persons")
              and r["indicator_id"] not in PUBLIC_BASE and not math.isnan(r["value"])]
    sex_groups = _grouped(shares, ("indicator_id", "municipality_code", "period", "breakdown", "breakdown_value", "unit"))
    for group in sex_groups:
        whole = [r for r in group if r["sex"] == "T"]
        _between(builder, whole, [r for r in group if r["sex"] in ("K", "M")], "sex")
    for group in _grouped(shares, ("indicator_id", "period", "sex", "breakdown", "breakdown_value", "unit")):
        _between(builder, [r for r in group if r["is_region"]], [r for r in group if not r["is_region"]], "county")


def _between(builder: _Builder, whole: list[dict], parts: list[dict], what: str) -> None:
    if len(whole) != 1 or len(parts) < 2:
        return
    low = min(parts, key=lambda r: (r["value"], r["key"]))
    high = max(parts, key=lambda r: (r["value"], r["key"]))
    builder.at_most(low["key"], whole[0]["key"], f"{what} average {whole[0]['key']} >= smallest part")
    builder.at_most(whole[0]["key"], high["key"], f"{what} average {whole[0]['key']} <= largest part")


def _public_bases(cells: pd.DataFrame) -> dict[str, float]:
    """Amount cell key -> its public base (the municipality's or county's supplier payments)."""
    bases = {}
    for indicator, amount_unit in PUBLIC_BASE.items():
        rows = cells[cells["indicator_id"] == indicator]
        share_base = {tuple(r[c] for c in CELL_KEY[1:6]): r["denominator"]
                      for r in rows[rows["unit"] == "%"].to_dict("records")}
        for r in rows[rows["unit"] == amount_unit].to_dict("records"):
            base = share_base.get(tuple(r[c] for c in CELL_KEY[1:6]))
            if base is not None and not pd.isna(base) and base > 0:
                bases[r["key"]] = float(base)
    return bases


def _link_public_base(builder: _Builder, cells: pd.DataFrame) -> dict[int, int]:
    """SEK = base/100 * share for shares of a public base; returns share row -> amount row."""
    twins = {}
    for indicator, amount_unit in PUBLIC_BASE.items():
        rows = cells[cells["indicator_id"] == indicator]
        amounts = {tuple(r[c] for c in CELL_KEY[1:6]): (i, r["key"])
                   for i, r in zip(rows.index, rows.to_dict("records")) if r["unit"] == amount_unit}
        for index, share in zip(rows.index, rows.to_dict("records")):
            twin = amounts.get(tuple(share[c] for c in CELL_KEY[1:6]))
            base = share["denominator"]
            if share["unit"] != "%" or twin is None or pd.isna(base) or base <= 0:
                continue
            if builder.relation({twin[1]: 1.0, share["key"]: -base / 100.0}, f"public base {share['key']}") == "=":
                twins[index] = twin[0]
    return twins


def _timeline_primary(timeline: pd.DataFrame, rules: Rules) -> np.ndarray:
    """Person counts and the days of 1-4 persons; and every outcome of 1-4 persons who left (even
    0: "none of the three who left found work" is about each of them)."""
    frame = timeline.assign(measure="count_persons", numerator=np.nan, denominator=np.nan,
                            n_units=np.nan, top_share=np.nan)
    hidden = primary(frame, rules)
    ended = timeline["event_kind"] == "persons_ended"
    few_left = set(map(tuple, timeline.loc[ended & hidden, ["municipality_code", "org_nr", "period"]].to_numpy()))
    of_few = np.array([(r["event_kind"] in OUTCOMES and (r["municipality_code"], r["org_nr"], r["period"]) in few_left
                        and not math.isnan(r["value"])) for r in timeline.to_dict("records")], dtype=bool)
    return hidden | of_few


def _timeline_relations(builder: _Builder, timeline: pd.DataFrame) -> None:
    placements = timeline[timeline["event_type"] == "placements"]
    for (muni, org, kind), group in placements.groupby(["municipality_code", "org_nr", "event_kind"], sort=True):
        over = group[group["period"].str.contains("-")]
        if len(over) == 1:
            builder.sum_of(over["key"].iloc[0], group[~group["period"].str.contains("-")]["key"],
                           f"timeline {muni} {org} {kind} over the years")
    for _, group in placements.groupby(["municipality_code", "org_nr", "period"], sort=True):
        keys = dict(zip(group["event_kind"], group["key"]))
        if "persons_ended" not in keys:
            continue
        outcomes = [keys[k] for k in OUTCOMES if k in keys]
        for key in outcomes:
            builder.at_most(key, keys["persons_ended"], f"{key} <= left")
        builder.relation({**{k: 1.0 for k in outcomes}, keys["persons_ended"]: -1.0},
                         f"outcomes of {keys['persons_ended']}", inequality_too=True, equality=False)


def _named(builder: _Builder, cells: pd.DataFrame, timeline: pd.DataFrame, named: pd.DataFrame,
           hidden: list[bool], rules: Rules) -> list[bool]:
    """Cell = named parts + others for each cell with a named enterprise (a county cell's named parts
    are its municipalities'); returns the primary flags of the cells it adds (the others' remainder
    is primary by the rules, the named parts never are)."""
    added: list[bool] = []
    if named.empty:
        return added
    position = {key: i for i, key in enumerate(cells["key"])}
    timeline_keys = {(r["municipality_code"], r["org_nr"], r["event_kind"], r["period"]): r["key"]
                     for r in timeline.to_dict("records") if r["event_type"] in TIMELINE_PERSON_TYPES}
    named = named.assign(key=[cell_key(r) for r in named.to_dict("records")])
    named = named.assign(part_key=[cell_key({**r, "municipality_code": r["part_municipality"]})
                                   if r["role"] == "named" else None for r in named.to_dict("records")])
    terms_of: dict[tuple[str, str], str] = {}  # (municipal cell, org) -> the model cell of that part
    county = set(cells.loc[cells["is_region"], "key"])
    cell_rows = dict(zip(cells["key"], cells.to_dict("records")))
    groups: dict[str, dict] = {}
    for part in named.to_dict("records"):
        group = groups.setdefault(part["key"], {"others": None, "named": []})
        if part["role"] == "others":
            group["others"] = group["others"] or part
        else:
            group["named"].append(part)
    # municipal cells first, so a county cell finds its municipalities' parts; each in key order
    keys = [k for k in sorted(groups, key=lambda k: (k in county, k))
            if k in cell_rows and not math.isnan(builder.values[k])]
    # the rules on each cell's others (its remainder), row by row as the rules work, in one frame
    remainders = pd.DataFrame([{**groups[k]["others"], "measure": cell_rows[k]["measure"], "numerator": np.nan,
                                "denominator": np.nan} for k in keys])
    remainder_hidden = primary(remainders, rules) if keys else np.zeros(0, dtype=bool)
    for key, is_primary in zip(keys, (bool(h) for h in remainder_hidden)):
        cell, parts = cell_rows[key], groups[key]
        if cell["unit"] == "%":  # a share of sums: the rules on the others decide the cell itself
            hidden[position[key]] = is_primary
            continue
        kind = _cell_kind(cell)
        terms: dict[str, float] = {key: -1.0}
        for part in parts["named"]:
            if key in county:
                terms[terms_of[(part["part_key"], part["org_nr"])]] = 1.0
                continue
            term, flag = _named_part(builder, key, part, kind, timeline_keys)
            if flag is not None:
                added.append(flag)
            terms_of[(key, part["org_nr"])] = term
            terms[term] = 1.0
        builder.cell(f"{key}|others", parts["others"]["value"], group=INTERNAL_GROUP, missing=not is_primary, **kind)
        added.append(is_primary)
        terms[f"{key}|others"] = 1.0
        builder.relation(terms, f"named parts of {key}")
        if cell["measure"] == "money":  # the named part is public: the rules apply to the others only
            hidden[position[key]] = False
    return added


def _named_part(builder: _Builder, key: str, part: dict, kind: dict,
                timeline_keys: dict) -> tuple[str, bool | None]:
    """The model cell of a named enterprise's part of a municipal cell, and the primary flag of a cell
    added for it (None: the part is a timeline figure already in the model)."""
    part_key = f"{key}|named {part['org_nr']}"
    measure = TIMELINE_MEASURE.get((part["indicator_id"], part["unit"]))
    printed = timeline_keys.get((part["municipality_code"], part["org_nr"], measure, part["period"]))
    if printed is None:  # money: the report prints it as a public record
        builder.cell(part_key, part["value"], group=INTERNAL_GROUP, must_publish=True, **kind)
        return part_key, False
    if builder.values[printed] == part["value"]:  # the report's placements are this part
        return printed, None
    # the report counts more (e.g. other referrers): the part is unknown, at most that
    builder.cell(part_key, part["value"], group=INTERNAL_GROUP, missing=True, **kind)
    builder.at_most(part_key, printed, f"{part_key} <= report")
    return part_key, False
