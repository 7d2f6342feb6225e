"""Kolada API v3 client (RKA): KPI metadata, municipalities and KPI values as tidy DataFrames.

Formats and limits are those recorded in ``reference/data-sources.md`` §1: comma-separated id lists
with at most 25 ids per path segment, ``per_page`` up to 5 000, pages linked by ``next_url`` (empty or
absent on the last page), ``from_date`` adding an ``isdeleted`` flag, ``value`` possibly ``null``,
``period`` an integer (or a string in older documentation), genders T/K/M.

Fetching returns the raw ``Fetched`` pages grouped by kind (``kpi``, ``municipality``, ``data``) so they
can be landed unchanged; decoding works on ``Payload`` objects, so live data and replayed snapshots go
through the same code.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import product
from typing import Any
from urllib.parse import urljoin

import pandas as pd

from flows.config import KoladaSettings, Settings
from flows.errors import SourceError
from flows.sources.http import Fetched, HttpClient, Payload

MAX_IDS_PER_SEGMENT = 25

KIND_KPI = "kpi"
KIND_MUNICIPALITY = "municipality"
KIND_DATA = "data"
KINDS = (KIND_KPI, KIND_MUNICIPALITY, KIND_DATA)

# KPI ids verified against the recorded Kolada v3 catalogue (data-sources.md §1, rKolada sysdata 2026-03),
# titles verbatim ("…" where the reference abbreviates).
VERIFIED_KPIS: dict[str, str] = {
    "N01951": "Invånare totalt, antal",
    "N02797": "Invånare 16-24 år som varken arbetar eller studerar, andel (%)",
    "N03926": "Långtidsarbetslösa i befolkningen, 25-65 år, andel (%)",
    "N03924": "Långtidsarbetslösa av arbetslösa, 25-65 år, andel (%)",
    "N03952": "Långtidsarbetslösa i befolkningen, 18-65 år, andel (%)",
    "N03951": "Långtidsarbetslösa i befolkningen, 18-24 år, andel (%)",
    "N03937": "Öppet arbetslösa av befolkningen, 18-65 år, andel (%)",
    "N03920": "Arbetslösa av befolkningen, 18-65 år, andel (%)",
    "N03935": "Arbetslösa av befolkningen, 18-24 år, andel (%)",
    "N03941": "Arbetslösa av arbetskraften (BAS), 18-65 år, andel (%)",
    "N03946": "Långtidsarbetslösa i arbetskraften (BAS), 18-65 år, andel (%)",
    "N01720": "Arbetslösa eller i åtgärd minst en dag under året, 16-64 år, andel (%)",
    "N02243": "Sysselsatta invånare 20-65 år, andel (%)",
    "N02280": "Arbetslöshet, 20-64 år, … (BAS), andel (%) (-2024)",
    # N02251 and N02252 share one row in the reference ("bostad / arbetsställe"): which is which is not recorded.
    "N02251": "Egenföretagare, andel av totalt sysselsatta (bostad / arbetsställe)",
    "N02252": "Egenföretagare, andel av totalt sysselsatta (bostad / arbetsställe)",
    "N00120": "Kommunens köp av egentlig verksamhet från föreningar och stiftelser, andel (%)",
    "N60092": "Regionens köp av verksamhet totalt från ideella föreningar och stiftelser, andel (%)",
    "U31804": "Unga vuxna med ekonomiskt bistånd, andel (%) av invånare 18-24 år",
    "N31848": "Biståndsmottagare, ekonomiskt bistånd, totalt, antal",
}

# Used by the project (SE19, SE20) but known only from domain.md §3.2 (rKolada docs), not from the
# verified catalogue table: accepted without a warning, confirmed at run time by the /kpi answer.
DOMAIN_KPIS: dict[str, str] = {
    "N31807": "Invånare som någon gång under året erhållit ekonomiskt bistånd, andel (%) av bef.",
    "N00999": "Nystartade företag, antal/1000 inv, 16-64 år",
}

# Ids known NOT to exist in the v3 catalogue, with the replacement to use.
MISSING_KPIS: dict[str, str] = {
    "N00914": "absent from the Kolada v3 catalogue (2026); use N02243 "
    "(Sysselsatta invånare 20-65 år, andel (%)) instead",
}


class UnknownKpiError(SourceError):
    """A configured KPI id is known not to exist in Kolada."""


class UnverifiedKpiWarning(UserWarning):
    """A configured KPI id is not in socek's table of verified ids; it may not exist."""


class KoladaFormatError(SourceError):
    """A Kolada answer does not have the documented v3 shape."""


# Catalogue checks ----------------------------------------------------------------------------------
def check_kpi_ids(kpi_ids: Sequence[str]) -> list[str]:
    """Stop on ids known not to exist; warn about (and return) ids socek has never verified.

    Why: Kolada answers an unknown id with an empty result, so a typo would silently give no data.
    """
    missing = [k for k in kpi_ids if k in MISSING_KPIS]
    if missing:
        reasons = "; ".join(f"{k} is {MISSING_KPIS[k]}" for k in missing)
        raise UnknownKpiError(f"sources.kolada.kpis in config/pipeline.toml: {reasons}")
    unverified = [k for k in kpi_ids if k not in VERIFIED_KPIS and k not in DOMAIN_KPIS]
    if unverified:
        warnings.warn(
            f"Kolada KPI id(s) {', '.join(unverified)} are not in socek's verified list; "
            "check them at kolada.se before relying on the values",
            UnverifiedKpiWarning,
            stacklevel=2,
        )
    return unverified


def missing_from_catalogue(kpi_ids: Sequence[str], kpis: pd.DataFrame) -> list[str]:
    """Requested ids that Kolada's own /kpi answer did not include (so no values will come)."""
    known = set(kpis["kpi_id"])
    return [k for k in kpi_ids if k not in known]


# What to ask for -----------------------------------------------------------------------------------
def requested_years(settings: Settings) -> list[int]:
    """first_year-2 .. last_year: the context indicators need a two-year baseline before the period."""
    return list(range(settings.thresholds.first_year - 2, settings.thresholds.last_year + 1))


def requested_areas(settings: Settings) -> list[str]:
    """The configured municipalities' Kolada ids plus the region's (``0018``)."""
    return [m.kolada_code for m in settings.municipalities] + [settings.region.kolada_code]


def chunked(ids: Sequence[str], size: int = MAX_IDS_PER_SEGMENT) -> list[list[str]]:
    """Split an id list into path segments of at most ``size`` ids (Kolada's limit is 25)."""
    if not ids:
        raise ValueError("an empty id list cannot form a Kolada path segment")
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def data_url(base_url: str, kpis: Sequence[str], areas: Sequence[str], years: Sequence[int | str]) -> str:
    """``/data/kpi/{kpis}/municipality/{areas}/year/{years}`` for one chunk of each."""
    return (
        f"{base_url.rstrip('/')}/data/kpi/{','.join(kpis)}"
        f"/municipality/{','.join(areas)}/year/{','.join(str(y) for y in years)}"
    )


def data_urls(base_url: str, kpis: Sequence[str], areas: Sequence[str], years: Sequence[int]) -> list[str]:
    """One data URL per combination of ≤25-id chunks of KPIs, areas and years."""
    year_codes = [str(y) for y in years]
    return [
        data_url(base_url, k, a, y)
        for k, a, y in product(chunked(kpis), chunked(areas), chunked(year_codes))
    ]


def entity_urls(base_url: str, entity: str, ids: Sequence[str]) -> list[str]:
    """``/{entity}/{ids}`` metadata URLs (``kpi`` or ``municipality``), ≤25 ids each."""
    return [f"{base_url.rstrip('/')}/{entity}/{','.join(chunk)}" for chunk in chunked(ids)]


# Fetching --------------------------------------------------------------------------------------------
def fetch_pages(http: HttpClient, url: str, params: Mapping[str, Any] | None = None) -> list[Fetched]:
    """Every page of one query, following ``next_url`` until it is absent or empty.

    Returns all pages or raises: a failed page fails the whole query (no partial data), and a
    ``next_url`` seen before raises instead of looping forever.
    """
    pages = [http.get_json(url, params)]
    seen = {pages[0].url}
    while next_url := _next_url(pages[-1]):
        next_url = urljoin(pages[-1].url, next_url)
        if next_url in seen:
            raise KoladaFormatError(f"{pages[-1].url}: next_url points back to {next_url} (a paging loop)")
        seen.add(next_url)
        pages.append(http.get_json(next_url))
    return pages


def _next_url(page: Fetched) -> str | None:
    _items(page.as_payload())  # a page that is not a v3 envelope stops the query here, naming its URL
    # v3 uses next_url; next_page is the v2 name, accepted so a v2 recording still replays.
    return page.data.get("next_url") or page.data.get("next_page") or None


def fetch_values(
    http: HttpClient,
    settings: KoladaSettings,
    kpis: Sequence[str],
    areas: Sequence[str],
    years: Sequence[int],
    from_date: date | None = None,
) -> list[Fetched]:
    """All value pages for the KPIs × areas × years, chunked to ≤25 ids per segment.

    ``from_date`` asks only for values changed since that day; Kolada then flags deletions with
    ``isdeleted`` (decoded into ``is_deleted``).
    """
    params: dict[str, Any] = {"per_page": settings.per_page}
    if from_date is not None:
        params["from_date"] = from_date.isoformat()
    pages: list[Fetched] = []
    for url in data_urls(settings.base_url, kpis, areas, years):
        pages.extend(fetch_pages(http, url, params))
    return pages


def fetch_kpis(http: HttpClient, settings: KoladaSettings, kpis: Sequence[str]) -> list[Fetched]:
    """KPI metadata pages (``/kpi/{ids}``)."""
    return [page for url in entity_urls(settings.base_url, "kpi", kpis) for page in fetch_pages(http, url)]


def fetch_municipalities(http: HttpClient, settings: KoladaSettings, areas: Sequence[str]) -> list[Fetched]:
    """Municipality/region metadata pages (``/municipality/{ids}``)."""
    return [
        page
        for url in entity_urls(settings.base_url, "municipality", areas)
        for page in fetch_pages(http, url)
    ]


def fetch_payloads(settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> dict[str, list[Fetched]]:
    """Everything socek needs from Kolada for one run, by kind, ready to be landed."""
    kolada = settings.sources.kolada
    areas = requested_areas(settings)
    with HttpClient.from_settings(kolada, sleep=sleep) as http:
        return {
            KIND_KPI: fetch_kpis(http, kolada, kolada.kpis),
            KIND_MUNICIPALITY: fetch_municipalities(http, kolada, areas),
            KIND_DATA: fetch_values(http, kolada, kolada.kpis, areas, requested_years(settings)),
        }


# Decoding ------------------------------------------------------------------------------------------
VALUE_COLUMNS = {
    "kpi_id": "str",
    "area_code": "str",
    "period": "int64",
    "gender": "str",
    "value": "Float64",
    "count": "Int64",
    "status": "str",
    "is_deleted": "bool",
}
KPI_COLUMNS = {
    "kpi_id": "str",
    "title": "str",
    "description": "str",
    "is_divided_by_gender": "boolean",
    "municipality_type": "str",
    "auspice": "str",
    "operating_area": "str",
    "publ_period": "str",
    "publication_date": "str",
}
MUNICIPALITY_COLUMNS = {"area_code": "str", "title": "str", "type": "str"}
GENDERS = {"T", "K", "M"}


def _frame(rows: list[dict[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([r[name] for r in rows], dtype=dtype) for name, dtype in columns.items()})


def _items(payload: Payload) -> list[dict[str, Any]]:
    data = payload.data
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise KoladaFormatError(f"{payload.origin}: expected a JSON object with a 'values' list (Kolada v3)")
    if not all(isinstance(item, dict) for item in data["values"]):
        raise KoladaFormatError(f"{payload.origin}: every entry of 'values' must be a JSON object")
    return data["values"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _flag(value: Any, origin: str, field: str) -> bool | None:
    """Booleans arrive as true/false (v3) or 0/1 (v2)."""
    if value is None or isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):
        return bool(int(value))
    raise KoladaFormatError(f"{origin}: {field} must be true/false or 0/1, got {value!r}")


def _number(value: Any, origin: str, field: str, kind: type) -> Any:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise KoladaFormatError(f"{origin}: {field} is not a number: {value!r}") from None
    if kind is int:
        if not number.is_integer():
            raise KoladaFormatError(f"{origin}: {field} must be a whole number, got {value!r}")
        return int(number)
    return number


def _value_rows(payload: Payload) -> Iterator[dict[str, Any]]:
    """One row per (kpi, area, period, gender) of one data page."""
    origin = payload.origin
    for item in _items(payload):
        where = f"{origin}: kpi {item.get('kpi')!r}, municipality {item.get('municipality')!r}"
        period = _number(item.get("period"), where, "period", int)
        if item.get("kpi") is None or item.get("municipality") is None or period is None:
            raise KoladaFormatError(f"{where}: each row needs kpi, municipality and period")
        for entry in item.get("values") or []:
            if not isinstance(entry, dict):
                raise KoladaFormatError(f"{where}, period {period}: each value must be a JSON object")
            gender = entry.get("gender")
            if gender not in GENDERS:
                raise KoladaFormatError(f"{where}, period {period}: gender must be T, K or M, got {gender!r}")
            deleted = entry.get("isdeleted", entry.get("is_deleted", item.get("isdeleted")))
            yield {
                "kpi_id": str(item["kpi"]),
                "area_code": str(item["municipality"]),
                "period": period,
                "gender": gender,
                "value": _number(entry.get("value"), where, "value", float),
                "count": _number(entry.get("count"), where, "count", int),
                "status": _text(entry.get("status")),
                "is_deleted": bool(_flag(deleted, where, "isdeleted")),
            }


def decode_values(payloads: Iterable[Payload]) -> pd.DataFrame:
    """Data pages → ``kpi_id, area_code, period, gender, value, count, status, is_deleted``.

    Null values are kept (a missing value is information); codes stay text.
    """
    return _frame([row for payload in payloads for row in _value_rows(payload)], VALUE_COLUMNS)


def decode_kpis(payloads: Iterable[Payload]) -> pd.DataFrame:
    """/kpi pages → one row per KPI with the metadata socek uses."""
    rows = [
        {
            "kpi_id": _text(item.get("id")),
            "title": _text(item.get("title")),
            "description": _text(item.get("description")),
            "is_divided_by_gender": _flag(item.get("is_divided_by_gender"), payload.origin, "is_divided_by_gender"),
            "municipality_type": _text(item.get("municipality_type")),
            # v3 renamed auspices -> auspice; the old name is read so v2 recordings still replay.
            "auspice": _text(item.get("auspice", item.get("auspices"))),
            "operating_area": _text(item.get("operating_area")),
            "publ_period": _text(item.get("publ_period")),
            "publication_date": _text(item.get("publication_date")),
        }
        for payload in payloads
        for item in _items(payload)
    ]
    return _frame(rows, KPI_COLUMNS)


def decode_municipalities(payloads: Iterable[Payload]) -> pd.DataFrame:
    """/municipality pages → ``area_code, title, type`` (K kommun, L region)."""
    rows = [
        {"area_code": _text(item.get("id")), "title": _text(item.get("title")), "type": _text(item.get("type"))}
        for payload in payloads
        for item in _items(payload)
    ]
    return _frame(rows, MUNICIPALITY_COLUMNS)


def decode_tables(payloads_by_kind: Mapping[str, Sequence[Payload]]) -> dict[str, pd.DataFrame]:
    """Landed or live Kolada payloads → ``kolada_values``, ``kolada_kpis``, ``kolada_municipalities``."""
    unknown = sorted(set(payloads_by_kind) - set(KINDS))
    if unknown:
        raise KoladaFormatError(f"unexpected Kolada payload kind(s) {unknown}; expected {list(KINDS)}")
    for kind in (KIND_KPI, KIND_DATA):
        if not payloads_by_kind.get(kind):
            raise KoladaFormatError(f"no Kolada '{kind}' payloads to decode")
    return {
        "kolada_values": decode_values(payloads_by_kind[KIND_DATA]),
        "kolada_kpis": decode_kpis(payloads_by_kind[KIND_KPI]),
        "kolada_municipalities": decode_municipalities(payloads_by_kind.get(KIND_MUNICIPALITY, [])),
    }
