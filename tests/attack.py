"""An outsider's attack on what socek publishes, written independently of the suppression code.

The attacker reads only the delivered ``indikatorvarden.csv`` files (every municipality's and the
county's) and the numbers printed in the HTML council reports, writes down what any reader knows
about how the tables hang together, and for every suppressed figure solves two linear programs:
the smallest and the largest value it can have in any table consistent with everything published.

What the attacker knows (its own list, from the documentation, not from socek's disclosure model):

- T = K + M for counts and amounts (persons, participant days, FTE, kronor);
- the parts of an exhaustive breakdown add up to its total (wise/not wise, agreement and grant
  types, age bands and referrers, and SE15's outcome shares of one base);
- the county is the sum of the municipalities it covers for sums; for SE12/SE13 (an enterprise once
  in the county) only where the county's SE01 count equals the municipalities' sum (no enterprise in
  two), else the county is between the largest municipality and the sum;
- a share over both sexes lies between the two sexes' shares;
- SE04's share and amount have one base per municipality and year: any published pair gives it;
- the report's named enterprise: its grants, agreements and purchases are parts of SE09, SE08 and
  SE04 (the rest is the other enterprises, at least 0), its placements per year add up to its total
  over the years, each outcome is at most those who left, and its starts are part of SE14; its own
  employees and participants (its annual report) are parts of SE13 and SE12. A figure the report
  prints in two tables (the starts and participants beside the agreements' goals) is known when
  either shows it.

Everything is at least 0; shares are at most 100 %.

``python -m tests.attack EXPORTS REPORTS`` prints the narrowest intervals found (run it by hand on
county-scale data: docs/disclosure.md).
"""

from __future__ import annotations

import csv
import html
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

from flows.outputs.report.labels import AGREEMENT_LABELS, GRANT_LABELS, PLACEMENT_LABELS

SUM_UNITS = ("persons", "days", "FTE", "SEK")
EXHAUSTIVE = {("SE04", "wise"), ("SE08", "agreement_type"), ("SE09", "grant_type"), ("SE14", "age_band"),
              ("SE14", "referrer"), ("SE15", "outcome")}
SUMMED_IN_COUNTY = ("SE04", "SE08", "SE09", "SE14")
ONCE_IN_COUNTY = ("SE12", "SE13")
OUTCOMES = ("ended_to_unsubsidised_work", "ended_to_subsidised_work", "ended_to_studies")
# rounding of what is printed: the CSV to 6 decimals, the report to whole kronor, persons and days
CSV_ROUNDING, REPORT_ROUNDING = 1e-6, 0.5


@dataclass
class Figure:
    key: tuple
    value: float | None  # None: not published
    status: str  # F shown, C / D suppressed, L / M missing
    unit: str


@dataclass
class Published:
    figures: dict[tuple, Figure] = field(default_factory=dict)
    # (coefficients, sense "=" or "<=", right-hand side, tolerance)
    relations: list[tuple[dict[tuple, float], str, float, float]] = field(default_factory=list)

    def add(self, coefs: dict[tuple, float], sense: str, rhs: float = 0.0, tol: float = 0.0) -> None:
        if all(k in self.figures and self.figures[k].status not in ("L", "M") for k in coefs):
            self.relations.append((coefs, sense, rhs, tol))

    def suppressed(self) -> list[tuple]:
        return sorted(k for k, f in self.figures.items() if f.status in ("C", "D"))


def _number(text: str) -> float | None:
    text = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("kr", "")
    text = text.replace("%", "").replace("\u2212", "-").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


# --- what is published --------------------------------------------------------------------------

def read_exports(folder: Path, pub: Published) -> None:
    for path in sorted(folder.glob("*/indikatorvarden.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = ("csv", row["indicator_id"], row["municipality_code"], row["period"], row["sex"],
                       row["breakdown"], row["breakdown_value"], row["unit"])
                value = float(row["value"]) if row["value"] else None
                status = row["conf_status"] if row["conf_status"] in ("C", "D") else (
                    "F" if value is not None else row["obs_status"])
                pub.figures[key] = Figure(key, value, status, row["unit"])


_TABLE = re.compile(r"<caption>(?P<caption>[^<]*)</caption>(?P<body>.*?)</table>", re.S)
_ROW = re.compile(r"<tr><th scope=\"row\">(?P<head>[^<]*)</th>(?P<cells>.*?)</tr>", re.S)
_CELL = re.compile(r"<td[^>]*class=\"(?P<cls>[^\"]*)\"[^>]*>(?P<text>.*?)</td>", re.S)
_EVENT = re.compile(r"<li[^>]*data-event=\"(?P<type>[^\"]+)\"[^>]*><span class=\"when\">(?P<when>[^<]*)</span>"
                    r"\s*–\s*(?P<text>.*?)</li>", re.S)
_ENTERPRISE = re.compile(r"<h3>(?P<name>[^<]*)</h3><p>Organisationsnummer (?P<org>\d{6}-\d{4})")


def read_reports(folder: Path, pub: Published) -> None:
    for path in sorted(folder.glob("*/redovisning-*.html")):
        page = path.read_text(encoding="utf-8")
        municipality = path.parent.name
        parts = _ENTERPRISE.split(page)
        # split yields [before, name, org, section, name, org, section, ...]
        for i in range(1, len(parts) - 2, 3):
            org = parts[i + 1].replace("-", "")
            _read_enterprise(pub, municipality, org, parts[i + 2].split("<h3>")[0])


def _read_enterprise(pub: Published, municipality: str, org: str, text: str) -> None:
    tables = {m["caption"]: m["body"] for m in _TABLE.finditer(text)}
    for caption, body in tables.items():
        if caption.startswith("Kommunens pengar"):
            for row in _ROW.finditer(body):
                cells = [(c["cls"], c["text"]) for c in _CELL.finditer(row["cells"])]
                amount = _number(html.unescape(re.sub("<[^>]+>", "", cells[0][1])))
                if amount is not None:
                    pub.figures[("report", municipality, org, row["head"], "purchases")] = Figure(
                        ("report", municipality, org, row["head"], "purchases"), amount, "F", "SEK")
        if caption.startswith("Personer i arbetsintegrering"):
            _person_columns(pub, municipality, org, body, {i: kind for i, kind in enumerate(PLACEMENT_LABELS)})
        if caption.startswith("Mål och utfall"):  # goal, started, participants by the enterprise's report
            _person_columns(pub, municipality, org, body, {1: "persons_started", 2: "participants"})
        if caption.startswith("Företagets utveckling"):  # turnover, shares, revenue, employees, participants
            _person_columns(pub, municipality, org, body, {4: "employees", 5: "participants"})
    grants: dict[tuple, float] = defaultdict(float)
    agreements: list[tuple[int, int | None, str, float]] = []
    for event in _EVENT.finditer(text):
        words = html.unescape(re.sub("<[^>]+>", "", event["text"]))
        year = int(event["when"].split()[-1])
        if event["type"] == "grant":
            found = re.match(r"Bidrag: (?P<label>.+?) på (?P<amount>[\d\s\u00a0]+)\u00a0?kr\.", words)
            if found:
                kind = {v: k for k, v in GRANT_LABELS.items()}[found["label"]]
                grants[(year, kind)] += _number(found["amount"])
        elif event["type"] == "agreement":
            found = re.match(r"Avtal: (?P<label>.+?), (?P<amount>[\d\s\u00a0]+)\u00a0?kr per år, "
                             r"(?:till och med \d+ \w+ (?P<end>\d{4})|tills vidare)", words)
            if found:
                kind = {v: k for k, v in AGREEMENT_LABELS.items()}[found["label"]]
                agreements.append((year, int(found["end"]) if found["end"] else None, kind, _number(found["amount"])))
    _named_parts(pub, municipality, org, grants, agreements)


def _person_columns(pub: Published, municipality: str, org: str, body: str, columns: dict[int, str]) -> None:
    """The person figures of a table's rows (a year, or a span of years), by column; a figure shown
    in any table is known, whatever another table does with it."""
    for row in _ROW.finditer(body):
        period = html.unescape(row["head"]).replace("–", "-")
        for index, cell in enumerate(_CELL.finditer(row["cells"])):
            if index not in columns:
                continue
            kind = columns[index]
            key = ("report", municipality, org, period, kind)
            unit = "days" if kind == "participant_days" else "persons"
            cls, shown = cell["cls"], cell["text"]
            if key in pub.figures and pub.figures[key].status == "F":
                continue
            if "suppressed" in cls:  # the reason says which rule: derivable (D) or small (C)
                status = "D" if "räknas fram" in html.unescape(cell.group(0)) else "C"
                pub.figures[key] = Figure(key, None, status, unit)
            elif "missing" in cls:
                pub.figures.setdefault(key, Figure(key, None, "L", unit))
            else:
                value = _number(html.unescape(re.sub("<[^>]+>", "", shown)))
                if value is not None:
                    pub.figures[key] = Figure(key, value, "F", unit)


def _named_parts(pub: Published, municipality: str, org: str, grants: dict, agreements: list) -> None:
    """The named enterprise's printed money is part of the municipality's cells (the rest >= 0)."""
    def at_least(cell: tuple, amount: float) -> None:
        if cell in pub.figures:  # cell >= amount, allowing for the report's whole kronor
            pub.add({cell: -1.0}, "<=", -amount + REPORT_ROUNDING)

    def indicator(ind: str, year: int, breakdown: str, value: str) -> tuple:
        return ("csv", ind, municipality, str(year), "T", breakdown, value, "SEK")

    for (year, kind), amount in grants.items():
        at_least(indicator("SE09", year, "grant_type", kind), amount)
    for year in {y for y, _ in grants}:
        at_least(indicator("SE09", year, "total", "_T"), sum(a for (y, _), a in grants.items() if y == year))
    years = [int(k[3]) for k in pub.figures if k[:3] == ("report", municipality, org) and k[3].isdigit()]
    for start, end, kind, amount in agreements:
        for year in range(start, (end or max(years, default=start)) + 1):
            at_least(indicator("SE08", year, "agreement_type", kind), amount)
    for key, figure in list(pub.figures.items()):
        if key[:3] == ("report", municipality, org) and key[4] == "purchases" and figure.value is not None:
            at_least(indicator("SE04", int(key[3]), "total", "_T"), figure.value)
    placements = defaultdict(dict)
    for key in pub.figures:
        if key[:3] == ("report", municipality, org) and key[4] in PLACEMENT_LABELS:
            placements[key[4]][key[3]] = key
    for kind, by_period in placements.items():
        over = [p for p in by_period if "-" in p]
        if len(over) == 1:
            pub.add({by_period[over[0]]: -1.0, **{by_period[p]: 1.0 for p in by_period if "-" not in p}}, "=")
    for period in {p for by_period in placements.values() for p in by_period}:
        ended = placements["persons_ended"].get(period)
        outcomes = [placements[o][period] for o in OUTCOMES if period in placements.get(o, {})]
        if ended:
            pub.add({**{o: 1.0 for o in outcomes}, ended: -1.0}, "<=")
        started = placements["persons_started"].get(period)
        total = ("csv", "SE14", municipality, period, "T", "total", "_T", "persons")
        if started and total in pub.figures:
            pub.add({started: 1.0, total: -1.0}, "<=")
    for kind, indicator_id in (("employees", "SE13"), ("participants", "SE12")):
        for key in [k for k in pub.figures if k[:3] == ("report", municipality, org) and k[4] == kind]:
            total = ("csv", indicator_id, municipality, key[3], "T", "total", "_T", "persons")
            if total in pub.figures:
                pub.add({key: 1.0, total: -1.0}, "<=")


# --- what anyone knows about the tables ---------------------------------------------------------

def knowledge(pub: Published) -> None:
    csv_figures = [f for k, f in pub.figures.items() if k[0] == "csv"]
    by = defaultdict(list)
    for f in csv_figures:
        _, ind, area, period, sex, breakdown, value, unit = f.key
        by[("sex", ind, area, period, breakdown, value, unit)].append(f)
        by[("breakdown", ind, area, period, sex, unit)].append(f)
        by[("county", ind, period, sex, breakdown, value, unit)].append(f)
    tol = lambda n: CSV_ROUNDING * (n + 1) * 10  # noqa: E731 - a tolerance per relation of n figures
    for group_key, group in by.items():
        kind, ind = group_key[0], group_key[1]
        unit = group_key[-1]
        if kind == "sex" and unit in SUM_UNITS:
            sexes = {f.key[4]: f.key for f in group}
            if {"T", "K", "M"} <= sexes.keys():
                pub.add({sexes["T"]: -1.0, sexes["K"]: 1.0, sexes["M"]: 1.0}, "=", 0.0, tol(3))
        if kind == "sex" and unit == "%" and ind == "SE15":
            _between(pub, group)
        if kind == "breakdown":
            totals = [f.key for f in group if f.key[5] == "total"]
            if len(totals) != 1:
                continue
            parts = defaultdict(list)
            for f in group:
                if (ind, f.key[5]) in EXHAUSTIVE:
                    parts[f.key[5]].append(f.key)
            for keys in parts.values():
                pub.add({totals[0]: -1.0, **{k: 1.0 for k in keys}}, "=", 0.0, tol(len(keys)))
        if kind == "county" and unit in SUM_UNITS and ind in SUMMED_IN_COUNTY + ONCE_IN_COUNTY:
            county = [f.key for f in group if f.key[2] == "0018"]
            areas = [f.key for f in group if f.key[2] != "0018" and f.status not in ("L", "M")]
            if len(county) != 1 or not areas:
                continue
            if ind in SUMMED_IN_COUNTY or _no_overlap(pub, group_key[2]):
                pub.add({county[0]: -1.0, **{k: 1.0 for k in areas}}, "=", 0.0, tol(len(areas)))
            else:
                pub.add({county[0]: 1.0, **{k: -1.0 for k in areas}}, "<=", 0.0, tol(len(areas)))
                for k in areas:
                    pub.add({k: 1.0, county[0]: -1.0}, "<=", 0.0, tol(2))
    _public_base(pub)


def _no_overlap(pub: Published, period: str) -> bool:
    """No enterprise is in two municipalities' registers: the county's SE01 count is their sum."""
    counts = [f for k, f in pub.figures.items()
              if k[:2] == ("csv", "SE01") and k[3] == period and k[5] == "total" and k[7] == "count"]
    county = [f.value for f in counts if f.key[2] == "0018"]
    municipal = [f.value for f in counts if f.key[2] != "0018"]
    return bool(county) and None not in municipal and county[0] == sum(municipal)


def _between(pub: Published, group: list[Figure]) -> None:
    sexes = {f.key[4]: f for f in group}
    if not {"T", "K", "M"} <= sexes.keys() or sexes["T"].value is None:
        return
    for one, other in (("K", "M"), ("M", "K")):
        shown, hidden = sexes[one], sexes[other]
        if shown.value is not None and hidden.status in ("C", "D"):
            total = sexes["T"].value
            if shown.value < total:  # the other is at least the total
                pub.add({hidden.key: -1.0}, "<=", -total + 1e-4)
            elif shown.value > total:
                pub.add({hidden.key: 1.0}, "<=", total + 1e-4)
            else:  # equal shares: the other is the same share
                pub.add({hidden.key: 1.0}, "=", total, 1e-4)


def _public_base(pub: Published) -> None:
    """SE04: amount = base * share / 100, the base from any published pair of the municipality's year."""
    pairs = defaultdict(dict)
    for key, f in pub.figures.items():
        if key[:2] == ("csv", "SE04") and f.status not in ("L", "M"):
            pairs[(key[2], key[3])][(key[4], key[5], key[6], key[7])] = f
    for cells in pairs.values():
        bases = [cells[(s, b, v, "SEK")].value * 100 / cells[(s, b, v, "%")].value
                 for (s, b, v, u) in cells if u == "%" and (s, b, v, "SEK") in cells
                 and cells[(s, b, v, "%")].value and cells[(s, b, v, "SEK")].value is not None]
        if not bases:
            continue
        base = bases[0]
        for (s, b, v, u), f in cells.items():
            if u == "%" and (s, b, v, "SEK") in cells:
                pub.add({cells[(s, b, v, "SEK")].key: 1.0, f.key: -base / 100}, "=", 0.0, base * 1e-6 + 1e-3)


# --- the linear programs ------------------------------------------------------------------------

def intervals(pub: Published) -> dict[tuple, tuple[float, float]]:
    """(min, max) of every suppressed figure over the tables consistent with what is published."""
    unknown = {k for k, f in pub.figures.items() if f.status in ("C", "D")}
    parent = {k: k for k in unknown}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for coefs, *_ in pub.relations:
        members = [k for k in coefs if k in unknown]
        for k in members[1:]:
            parent[find(k)] = find(members[0])
    components = defaultdict(list)
    for k in unknown:
        components[find(k)].append(k)
    result = {}
    for members in components.values():
        result.update(_solve(pub, sorted(members)))
    return result


def _solve(pub: Published, members: list[tuple]) -> dict[tuple, tuple[float, float]]:
    index = {k: i for i, k in enumerate(members)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for coefs, sense, rhs, tol in pub.relations:
        if not any(k in index for k in coefs):
            continue
        row = np.zeros(len(members))
        constant = 0.0
        for k, c in coefs.items():
            if k in index:
                row[index[k]] += c
            else:
                constant += c * pub.figures[k].value
        if sense == "=" and tol == 0:
            a_eq.append(row)
            b_eq.append(rhs - constant)
        elif sense == "=":
            a_ub += [row, -row]
            b_ub += [rhs - constant + tol, -(rhs - constant) + tol]
        else:
            a_ub.append(row)
            b_ub.append(rhs - constant + tol)
    bounds = [(0, 100 if pub.figures[k].unit == "%" else None) for k in members]
    out = {}
    for k in members:
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(members))
            c[index[k]] = sign
            res = linprog(c, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None,
                          A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None, bounds=bounds, method="highs")
            if res.status == 3:  # unbounded
                ends.append(-np.inf if sign > 0 else np.inf)
            elif res.status != 0:
                raise AssertionError(f"the attacker's tables are inconsistent around {k}: {res.message}")
            else:
                ends.append(sign * res.fun)
        out[k] = (ends[0], ends[1])
    return out


def attack(exports: Path, reports: Path | None = None) -> tuple[Published, dict[tuple, tuple[float, float]]]:
    pub = Published()
    read_exports(exports, pub)
    if reports is not None:
        read_reports(reports, pub)
    knowledge(pub)
    return pub, intervals(pub)


def main(argv: list[str]) -> int:
    exports, reports = Path(argv[0]), Path(argv[1]) if len(argv) > 1 else None
    started = time.perf_counter()
    pub, found = attack(exports, reports)
    seconds = time.perf_counter() - started
    narrow = sorted(found.items(), key=lambda item: item[1][1] - item[1][0])[:20]
    print(f"{len(pub.figures)} figures, {len(pub.relations)} relations, {len(found)} suppressed, "
          f"{seconds:.1f} s; narrowest intervals:")
    for key, (lo, hi) in narrow:
        print(f"  {'|'.join(key)}: [{lo:g}, {hi:g}] ({pub.figures[key].status})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
