"""SCB PxWebApi v2 client: limits from ``/config``, json-stat2 tables, and population by municipality.

Formats are those in ``reference/data-sources.md`` §2. A data query is a POST to
``/tables/{id}/data?lang=sv&outputFormat=json-stat2`` with a ``{"selection": [...]}`` body. SCB refuses
queries over ``maxDataCells`` (HTTP 400 "Too many cells selected") and answers 429 over
``maxCallsPerTimeWindow`` per ``timeWindow`` seconds, so the limits are read from ``/config`` at run
time: large selections are split along their largest dimension and reassembled, and calls are spaced
by a sliding-window limiter (429 and ``Retry-After`` are handled by ``http.py``).

Population: ``TAB638`` covers reference years up to 2024 and ``TAB5557`` from 2025, when SCB moved to
the Cell Key Method (small noise per cell, so parts need not add up to totals); rows from the newer
table carry ``cell_key_noise = True``.

The two tables do NOT share all value codes. A live check of both tables, recorded in a public
project's notes (2026-09), found: the same variables (``Region, Civilstand, Alder, Kon, ContentsCode,
Tid``) in both, but in ``TAB5557`` the population content code is ``000007ME`` (``BE0101N1`` is
refused as "Non-existent value"), marital status has a total ``SC``, and the open age class is coded
``100+1`` instead of ``100+``. ``TAB638`` has no marital-status total, so its four classes are requested
and summed (exact: there is no noise before 2025). These codes are assumptions from that third-party
evidence, not from SCB's documentation; a wrong code fails loudly with HTTP 400 naming the table.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from math import prod
from typing import Any

import numpy as np
import pandas as pd

from flows.config import ScbSettings, Settings
from flows.errors import SourceError
from flows.sources.http import Fetched, HttpClient, Payload

KIND_CONFIG = "config"
DATA_KIND_PREFIX = "data/"
DATA_PARAMS = {"lang": "sv", "outputFormat": "json-stat2"}
CKM_FROM_YEAR = 2025
SEX_BY_CODE = {"1": "M", "2": "K"}
SINGLE_AGES = tuple(str(age) for age in range(100))
OPEN_AGE = "100+"


class JsonStatError(SourceError):
    """A json-stat2 document is inconsistent (sizes, indexes or values do not match)."""


class ScbFormatError(SourceError):
    """An SCB answer lacks what socek needs (limits in /config, expected variables in a table)."""


# Limits and throttling ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ApiLimits:
    """The limits SCB publishes in ``/config``; 0 calls or a 0 s window means no call limit."""

    max_data_cells: int
    max_calls: int
    time_window: float


def parse_limits(payload: Payload) -> ApiLimits:
    """Read ``maxDataCells``, ``maxCallsPerTimeWindow`` and ``timeWindow`` from a /config answer."""
    data = payload.data
    try:
        limits = ApiLimits(
            max_data_cells=int(data["maxDataCells"]),
            max_calls=int(data["maxCallsPerTimeWindow"]),
            time_window=float(data["timeWindow"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ScbFormatError(
            f"{payload.origin}: /config lacks a usable maxDataCells, maxCallsPerTimeWindow or timeWindow ({exc!r})"
        ) from None
    if limits.max_data_cells < 1:
        raise ScbFormatError(f"{payload.origin}: maxDataCells must be at least 1, got {limits.max_data_cells}")
    return limits


class CallLimiter:
    """Spaces calls so at most ``max_calls`` start in any ``window`` seconds (SCB counts per IP).

    Starts unlimited, because the limits are only known after the first call (``/config``), which is
    still recorded so it counts against the window.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._max_calls = 0
        self._window = 0.0

    def set_limit(self, max_calls: int, window_seconds: float) -> None:
        """Apply the published limit to the following calls."""
        self._max_calls = max_calls
        self._window = window_seconds

    def wait(self) -> None:
        """Sleep until one more call fits in the window, then record it."""
        now = self._clock()
        if self._max_calls > 0 and self._window > 0:
            self._forget_before(now - self._window)
            if len(self._calls) >= self._max_calls:
                self._sleep(self._calls[0] + self._window - now)
                now = self._clock()
                self._forget_before(now - self._window)
        self._calls.append(now)

    def _forget_before(self, moment: float) -> None:
        while self._calls and self._calls[0] <= moment:
            self._calls.popleft()


# Selections --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VariableSelection:
    """One entry of a PxWeb v2 ``selection``: a variable, its value codes and optionally a codelist."""

    variable_code: str
    value_codes: tuple[str, ...]
    codelist: str | None = None

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"variableCode": self.variable_code, "valueCodes": list(self.value_codes)}
        if self.codelist is not None:
            entry["codelist"] = self.codelist
        return entry


Selection = tuple[VariableSelection, ...]


def selection_body(selection: Selection) -> dict[str, Any]:
    """The POST body for a selection."""
    return {"selection": [variable.to_json() for variable in selection]}


def cell_count(selection: Selection) -> int:
    """Cells a selection asks for: the product of the value counts."""
    return prod(len(variable.value_codes) for variable in selection)


def split_selection(selection: Selection, max_cells: int) -> list[Selection]:
    """Split a selection into pieces of at most ``max_cells`` cells along its largest dimension.

    Pieces keep the codes' order and are contiguous, so concatenating their answers in order and
    sorting row-major (``reassemble``) gives back the unsplit answer.
    """
    if max_cells < 1:
        raise ValueError(f"max_cells must be at least 1, got {max_cells}")
    cells = cell_count(selection)
    if cells <= max_cells:
        return [selection]
    largest = max(range(len(selection)), key=lambda i: len(selection[i].value_codes))
    codes = selection[largest].value_codes
    other_cells = cells // len(codes)
    size = max(1, max_cells // other_cells)
    pieces: list[Selection] = []
    for start in range(0, len(codes), size):
        piece = replace(selection[largest], value_codes=codes[start : start + size])
        pieces.extend(split_selection(selection[:largest] + (piece,) + selection[largest + 1 :], max_cells))
    return pieces


# Fetching ----------------------------------------------------------------------------------------
def fetch_config(http: HttpClient, base_url: str) -> Fetched:
    """GET ``/config`` (limits, licence)."""
    return http.get_json(f"{base_url.rstrip('/')}/config")


def table_data_url(base_url: str, table_id: str) -> str:
    """The data endpoint of a table (query parameters are added by the caller)."""
    return f"{base_url.rstrip('/')}/tables/{table_id}/data"


def fetch_table(
    http: HttpClient, base_url: str, table_id: str, selection: Selection, max_cells: int
) -> list[Fetched]:
    """POST the selection, split into pieces within ``max_cells``; every piece or an error."""
    url = table_data_url(base_url, table_id)
    return [http.post_json(url, selection_body(piece), DATA_PARAMS) for piece in split_selection(selection, max_cells)]


# json-stat2 --------------------------------------------------------------------------------------
def _categories(dim_id: str, dimension: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """A dimension's codes in index order and their labels; index may be a dict, a list or absent."""
    category = dimension["category"]
    labels = {str(code): str(text) for code, text in (category.get("label") or {}).items()}
    index = category.get("index")
    if isinstance(index, dict):
        codes = [str(code) for code, _ in sorted(index.items(), key=lambda item: item[1])]
    elif isinstance(index, list):
        codes = [str(code) for code in index]
    elif index is None and len(labels) == 1:
        codes = list(labels)  # json-stat allows omitting the index of a single-category dimension
    else:
        raise JsonStatError(f"dimension {dim_id!r}: category.index must be an object or a list")
    return codes, {code: labels.get(code, code) for code in codes}


def _cell_values(raw: Any, cells: int) -> list[Any]:
    """The flat value list; the sparse object form {"position": value} is expanded with nulls."""
    if isinstance(raw, dict):
        values: list[Any] = [None] * cells
        for position, value in raw.items():
            values[int(position)] = value
        return values
    if len(raw) != cells:
        raise JsonStatError(f"'value' has {len(raw)} cells but the sizes imply {cells}")
    return list(raw)


def decode_jsonstat2(payload: dict) -> pd.DataFrame:
    """A json-stat2 dataset → one row per cell, row-major over ``id`` (last dimension fastest).

    Columns: one per dimension in ``id`` order with the category codes (text), then
    ``<dimension>_label`` per dimension, then ``value`` (nullable float; nulls kept).
    """
    try:
        ids = [str(dim_id) for dim_id in payload["id"]]
        sizes = [int(size) for size in payload["size"]]
        if len(ids) != len(sizes):
            raise JsonStatError(f"'id' has {len(ids)} dimensions but 'size' has {len(sizes)}")
        categories = [_categories(dim_id, payload["dimension"][dim_id]) for dim_id in ids]
        for dim_id, size, (codes, _) in zip(ids, sizes, categories):
            if len(codes) != size:
                raise JsonStatError(f"dimension {dim_id!r} has {len(codes)} categories but size {size}")
        values = _cell_values(payload["value"], prod(sizes))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise JsonStatError(f"not a usable json-stat2 dataset: missing or malformed {exc!r}") from None
    # Cells in row-major order (the last dimension varies fastest), as json-stat lays out ``value``.
    columns: dict[str, np.ndarray] = {}
    for position, (dim_id, (codes, labels)) in enumerate(zip(ids, categories)):
        inner, outer = prod(sizes[position + 1:]), prod(sizes[:position])
        for name, texts in ((dim_id, codes), (f"{dim_id}_label", [labels[c] for c in codes])):
            columns[name] = np.tile(np.repeat(np.array(texts, dtype=object), inner), outer)
    frame = pd.DataFrame({name: columns[name] for name in [*ids, *(f"{d}_label" for d in ids)]}).astype("str")
    frame["value"] = pd.array([None if v is None else float(v) for v in values], dtype="Float64")
    return frame


def dimension_columns(frame: pd.DataFrame) -> list[str]:
    """The code columns of a decoded json-stat2 frame (those with a ``_label`` partner)."""
    return [column for column in frame.columns if f"{column}_label" in frame.columns]


def reassemble(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate the answers to split queries into what one unsplit query would have returned.

    Codes are ordered by first appearance across the pieces (the split keeps them contiguous and in
    order); rows are then sorted row-major. Overlapping pieces are an error, not double counts.
    """
    if not frames:
        raise JsonStatError("no json-stat2 pieces to reassemble")
    dims = dimension_columns(frames[0])
    combined = pd.concat(frames, ignore_index=True)
    duplicated = combined.duplicated(subset=dims)
    if duplicated.any():
        first = combined.loc[duplicated, dims].iloc[0].to_dict()
        raise JsonStatError(f"split answers overlap (cell {first} appears twice)")
    order = {
        dim: {code: pos for pos, code in enumerate(dict.fromkeys(c for f in frames for c in pd.unique(f[dim])))}
        for dim in dims
    }
    # each code's rank as the sort key (categories in that order: their codes are the ranks)
    ordered = combined.sort_values(by=dims, key=lambda column: pd.Series(
        pd.Categorical(column, categories=list(order[column.name])).codes, index=column.index))
    return ordered.reset_index(drop=True)


def decode_payloads(payloads: Sequence[Payload]) -> pd.DataFrame:
    """Decode and reassemble the json-stat2 answers of one table; errors name the payload."""
    frames = []
    for payload in payloads:
        try:
            frames.append(decode_jsonstat2(payload.data))
        except JsonStatError as exc:
            raise JsonStatError(f"{payload.origin}: {exc}") from None
    return reassemble(frames)


# Population --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PopulationTable:
    """How one population table codes what socek asks for (see the module docstring)."""

    table_id: str
    contents_code: str
    marital_codes: tuple[str, ...]
    age_codes: tuple[str, ...]
    open_age_code: str
    municipality_codelist: str | None
    cell_key_noise: bool


def population_tables(scb: ScbSettings) -> tuple[PopulationTable, PopulationTable]:
    """The table up to 2024 and the one from 2025, with their codes."""
    until_2024 = PopulationTable(
        table_id=scb.population_table_until_2024,
        contents_code="BE0101N1",
        marital_codes=("OG", "G", "SK", "ÄNKL"),
        age_codes=SINGLE_AGES + ("100+",),
        open_age_code="100+",
        municipality_codelist=scb.region_codelist,
        cell_key_noise=False,
    )
    from_2025 = PopulationTable(
        table_id=scb.population_table_from_2025,
        contents_code="000007ME",
        marital_codes=("SC",),
        age_codes=SINGLE_AGES + ("100+1",),
        open_age_code="100+1",
        # Observed to accept plain Region codes; whether it offers the same codelist is unverified.
        municipality_codelist=None,
        cell_key_noise=True,
    )
    return until_2024, from_2025


def tables_for_years(scb: ScbSettings, years: Sequence[int]) -> list[tuple[PopulationTable, list[int]]]:
    """Which table serves which of the requested years (≤2024 → TAB638, ≥2025 → TAB5557)."""
    until_2024, from_2025 = population_tables(scb)
    split = [
        (until_2024, sorted(y for y in years if y < CKM_FROM_YEAR)),
        (from_2025, sorted(y for y in years if y >= CKM_FROM_YEAR)),
    ]
    return [(table, table_years) for table, table_years in split if table_years]


def population_selections(table: PopulationTable, region_codes: Sequence[str], years: Sequence[int]) -> list[Selection]:
    """Selections for all ages, both sexes and the table's marital classes.

    Municipalities (four digits) use the table's codelist where it has one; the county code (two
    digits) is not in a municipality codelist, so it goes in a query of its own without one.
    """
    municipal = [c for c in region_codes if len(c) == 4]
    groups = [(municipal, table.municipality_codelist), ([c for c in region_codes if len(c) != 4], None)]
    if table.municipality_codelist is None:
        groups = [(list(region_codes), None)]
    rest = (
        VariableSelection("Civilstand", table.marital_codes),
        VariableSelection("Alder", table.age_codes),
        VariableSelection("Kon", tuple(SEX_BY_CODE)),
        VariableSelection("ContentsCode", (table.contents_code,)),
        VariableSelection("Tid", tuple(str(y) for y in years)),
    )
    return [(VariableSelection("Region", tuple(codes), codelist),) + rest for codes, codelist in groups if codes]


def population_frame(frame: pd.DataFrame, table: PopulationTable) -> pd.DataFrame:
    """A decoded population table → ``region_code, sex, age, year, value, table_id, cell_key_noise``.

    Marital status is summed away (one class, the total, in TAB5557); sex 2/1 becomes K/M; the
    table's open age class becomes ``100+`` so both tables share one age code list.
    """
    needed = {"Region", "Kon", "Alder", "ContentsCode", "Tid"}
    if not needed <= set(frame.columns):
        raise ScbFormatError(
            f"table {table.table_id}: expected variables {sorted(needed)}, got {dimension_columns(frame)}"
        )
    rows = frame[frame["ContentsCode"] == table.contents_code]
    unknown_sex = sorted(set(rows["Kon"]) - set(SEX_BY_CODE))
    if unknown_sex:
        raise ScbFormatError(f"table {table.table_id}: unexpected Kon code(s) {unknown_sex}; expected 1 and 2")
    grouped = rows.groupby(["Region", "Tid", "Kon", "Alder"], sort=False, as_index=False)["value"].sum(min_count=1)
    result = pd.DataFrame(
        {
            "region_code": grouped["Region"].astype("str"),
            "sex": grouped["Kon"].map(SEX_BY_CODE).astype("str"),
            "age": grouped["Alder"].replace({table.open_age_code: OPEN_AGE}).astype("str"),
            "year": grouped["Tid"].astype("int64"),
            "value": grouped["value"].astype("Float64"),
            "table_id": pd.Series([table.table_id] * len(grouped), dtype="str"),
            "cell_key_noise": pd.Series([table.cell_key_noise] * len(grouped), dtype="bool"),
        }
    )
    return result.sort_values(["region_code", "year", "sex"], kind="stable").reset_index(drop=True)


def requested_years(settings: Settings) -> list[int]:
    """first_year .. last_year: population is the denominator for the indicator years."""
    return list(range(settings.thresholds.first_year, settings.thresholds.last_year + 1))


def requested_regions(settings: Settings) -> list[str]:
    """The configured municipalities' SCB codes plus the county code (``18``)."""
    return [m.scb_code for m in settings.municipalities] + [settings.region.county_code]


def data_kind(table_id: str) -> str:
    """The payload kind under which a table's answers are landed."""
    return f"{DATA_KIND_PREFIX}{table_id}"


def fetch_population_payloads(
    settings: Settings,
    region_codes: Sequence[str],
    years: Sequence[int],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, list[Fetched]]:
    """/config plus every population query for the codes and years, by kind, ready to be landed."""
    scb = settings.sources.scb
    limiter = CallLimiter(clock=clock, sleep=sleep)
    with HttpClient.from_settings(scb, sleep=sleep, before_attempt=limiter.wait) as http:
        config = fetch_config(http, scb.base_url)
        limits = parse_limits(config.as_payload())
        limiter.set_limit(limits.max_calls, limits.time_window)
        pages: dict[str, list[Fetched]] = {KIND_CONFIG: [config]}
        for table, table_years in tables_for_years(scb, years):
            for selection in population_selections(table, region_codes, table_years):
                pieces = fetch_table(http, scb.base_url, table.table_id, selection, limits.max_data_cells)
                pages.setdefault(data_kind(table.table_id), []).extend(pieces)
    return pages


def fetch_payloads(settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> dict[str, list[Fetched]]:
    """Everything socek needs from SCB for one run (all municipalities and the county)."""
    return fetch_population_payloads(settings, requested_regions(settings), requested_years(settings), sleep=sleep)


def decode_tables(payloads_by_kind: Mapping[str, Sequence[Payload]], scb: ScbSettings) -> dict[str, pd.DataFrame]:
    """Landed or live SCB payloads → ``{"scb_population": ...}``."""
    tables = {table.table_id: table for table in population_tables(scb)}
    frames = []
    for kind, payloads in payloads_by_kind.items():
        if kind == KIND_CONFIG:
            continue
        table_id = kind.removeprefix(DATA_KIND_PREFIX)
        if not kind.startswith(DATA_KIND_PREFIX) or table_id not in tables:
            raise ScbFormatError(f"unexpected SCB payload kind {kind!r}; expected config or data/<configured table>")
        frames.append(population_frame(decode_payloads(payloads), tables[table_id]))
    if not frames:
        raise ScbFormatError("no SCB population payloads to decode")
    return {"scb_population": pd.concat(frames, ignore_index=True)}


def fetch_population(
    settings: Settings,
    municipality_codes: Sequence[str],
    years: Sequence[int],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> pd.DataFrame:
    """Population by region, sex and age for the years, from TAB638 (≤2024) and TAB5557 (≥2025).

    ``municipality_codes`` are SCB region codes: four-digit kommunkoder and/or the two-digit county
    code. Nothing is landed; ``landing.collect_scb`` is the nightly path that keeps the payloads.
    """
    pages = fetch_population_payloads(settings, municipality_codes, years, sleep=sleep, clock=clock)
    payloads = {kind: [page.as_payload() for page in fetched] for kind, fetched in pages.items()}
    return decode_tables(payloads, settings.sources.scb)["scb_population"]
