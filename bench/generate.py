"""Generate a benchmark workspace: registers, a large supplier ledger in monthly files, bulk files.

Scales (``--scale``):

- ``1`` (or ``demo``): the demo's registers (``flows.demo.registers``, scale 1, 2019-2025) and a ledger of the
  demo's volume (~42 k postings), bulk files with the demo's 2 000 noise organisations.
- ``county``: 12 municipalities x 10 years (2016-2025), the demo registers at scale 6.8 (~500
  enterprises), ~8 M supplier-ledger postings in monthly CSV files (~0.9 GB) in five publisher
  layouts, and a Bolagsverket-format bulk file of ~2 M lines.
- ``county:F`` (e.g. ``county:0.25``, ``county:3``): the county preset with the ledger and the bulk file
  scaled by F (registers and years unchanged): a shorter run, or a larger one (``county:3``, 24 M
  postings, shows how the cost per row holds up).

Everything is synthetic and deterministic for the seed, written under ``bench/data/<name>/``
(gitignored, never committed)::

    config/pipeline.toml   the pipeline config of the workspace (paths below, years of the preset)
    inbox/                 every delivery up to the month before the last one
    pending/               the last month's ledger file of every municipality (the "new month")
    large/                 one grants delivery of about 1 GiB (written when bench step e first needs it)
    snapshots/             Kolada/SCB recorded responses and the two bulk zips
    generated.json         what was generated (reused when the parameters are the same)

The ledger is generated column-wise with numpy and written with a vectorised writer in each
publisher's CSV layout (``config/profiles``): canonical (UTF-8, ``,``), canonical-sv (cp1252,
``;``, decimal comma, space thousands, CRLF), lankadedata (``;``, bare CR line ends, ``-`` for no
invoice number), openup (``;``, ``YYYYMM`` dates, masked ``*`` ids) and goteborg (UTF-16 LE with
BOM, ``,`` with quoted decimal-comma amounts, ``SAKNAS``). The registers go through
``flows.demo.layouts.write_table`` like the demo's.
"""

from __future__ import annotations

import argparse
import calendar
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
GENERATOR_VERSION = 3

# Which CSV layout each municipality's ledger comes in (all five publisher CSV layouts occur).
LEDGER_LAYOUTS = {
    "1880": "lankadedata", "1883": "goteborg", "1881": "lankadedata", "1861": "openup",
    "1864": "openup", "1882": "canonical-sv", "1884": "canonical-sv", "1885": "goteborg",
}
DEFAULT_LEDGER_LAYOUT = "canonical"
# Demo postings per month at scale 1 (flows.demo.SIZES), used as each municipality's share.
SOLE_TRADER_SHARE = 0.003
SOCIAL_SHARE = 0.01
SUPPLIERS_PER_DEMO_SUPPLIER = 40


@dataclass(frozen=True)
class Preset:
    name: str
    first_year: int
    last_year: int
    register_scale: float
    ledger_rows: int  # postings over all months and municipalities (approximate)
    bulk_noise_rows: int  # organisations in both bulk files besides the registers' own


def preset(scale: str) -> Preset:
    """The preset a ``--scale`` value names (see the module docstring)."""
    text = str(scale).strip().lower()
    if text in ("1", "1.0", "demo"):
        return Preset("demo", 2019, 2025, 1.0, 42_000, 2_000)
    if text == "county":
        return Preset("county", 2016, 2025, 6.8, 8_000_000, 2_000_000)
    if text.startswith("county:"):
        factor = float(text.split(":", 1)[1])
        if not 0 < factor <= 10:
            raise ValueError(f"county:F needs 0 < F <= 10, got {factor}")
        return Preset(f"county-{factor:g}", 2016, 2025, 6.8, round(8_000_000 * factor),
                      round(2_000_000 * factor))
    raise ValueError(f"unknown scale {scale!r}: use 1, county or county:F")


# --- config ---------------------------------------------------------------------------------------

def write_config(workspace: Path, p: Preset) -> Path:
    """The shipped config with every path inside the workspace and the preset's years. The benchmark's
    data are synthetic, so it runs in the demo environment, offline, on its own recordings."""
    text = (ROOT / "config" / "pipeline.toml").read_text(encoding="utf-8")
    text = text.replace('environment = "production"', 'environment = "demo"', 1)
    text = text.replace('mode = "live"', 'mode = "offline"', 1)
    text = text.replace("[paths]\n", '[paths]\nsnapshots = "snapshots"\n', 1)
    text = text.replace("first_year = 2019", f"first_year = {p.first_year}")
    text = text.replace("last_year = 2025", f"last_year = {p.last_year}")
    config = workspace / "config" / "pipeline.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return config


# --- the ledger -----------------------------------------------------------------------------------

def months(p: Preset) -> list[tuple[int, int]]:
    return [(y, m) for y in range(p.first_year, p.last_year + 1) for m in range(1, 13)]


def _orgnrs(rng: np.random.Generator, count: int, first_digit: int, taken: set[str]) -> list[str]:
    """Valid, unused org nrs (Luhn check digit, digits 3-4 at least 20)."""
    from flows.common.identifiers import luhn_check_digit

    out: list[str] = []
    while len(out) < count:
        body = f"{first_digit}{rng.integers(0, 10)}{rng.integers(20, 100)}{rng.integers(0, 100000):05d}"
        number = body + str(luhn_check_digit(body))
        if number not in taken:
            taken.add(number)
            out.append(number)
    return out


@dataclass
class LedgerPool:
    """One municipality's suppliers: names, ids as delivered, cumulative weights."""

    names: np.ndarray
    ids: np.ndarray  # object array, None for blank
    cum: np.ndarray
    social_names: np.ndarray
    social_ids: np.ndarray


def ledger_pool(rng: np.random.Generator, code: str, enterprises, taken: set[str]) -> LedgerPool:
    from flows.demo.model import DEFAULT_SIZE, NAME_WORDS, SIZES, SUPPLIER_TRADES

    count = SIZES.get(code, DEFAULT_SIZE).suppliers * SUPPLIERS_PER_DEMO_SUPPLIER
    ids = _orgnrs(rng, count, 5, taken)
    names = [f"{NAME_WORDS[i % len(NAME_WORDS)]} {SUPPLIER_TRADES[(i // len(NAME_WORDS)) % len(SUPPLIER_TRADES)]} "
             f"{i // (len(NAME_WORDS) * len(SUPPLIER_TRADES)) + 1} AB (fiktivt)" for i in range(count)]
    weights = rng.pareto(1.5, count) + 1.0
    mine = enterprises[enterprises["municipality_code"] == code]
    return LedgerPool(np.array(names, dtype=object), np.array(ids, dtype=object), np.cumsum(weights) / weights.sum(),
                      mine["name"].to_numpy(dtype=object), mine["org_nr"].to_numpy(dtype=object))


def ledger_month(rng: np.random.Generator, pool: LedgerPool, code: str, name: str, year: int, month: int,
                 rows: int, voucher_start: int) -> pa.Table:
    """One month of one municipality's postings as canonical columns (dates as date32, amounts as cents)."""
    from flows.config import municipality_title
    from flows.demo.model import (
        ACCOUNTS,
        ADMINISTRATIONS,
        KNOWN_BUYER_ORG_NR,
        OFFICIAL_TEST_PERSONNUMMER,
        SOLE_TRADER_NAMES,
    )

    pick = np.searchsorted(pool.cum, rng.random(rows))
    pick = np.minimum(pick, len(pool.names) - 1)
    supplier, supplier_id = pool.names[pick], pool.ids[pick]
    kind = rng.random(rows)
    if len(pool.social_names):
        social = kind < SOCIAL_SHARE
        which = rng.integers(0, len(pool.social_names), rows)
        supplier = np.where(social, pool.social_names[which], supplier)
        supplier_id = np.where(social, pool.social_ids[which], supplier_id)
    sole = (kind >= SOCIAL_SHARE) & (kind < SOCIAL_SHARE + SOLE_TRADER_SHARE)
    which = rng.integers(0, len(SOLE_TRADER_NAMES), rows)
    supplier = np.where(sole, np.array(SOLE_TRADER_NAMES, dtype=object)[which], supplier)
    supplier_id = np.where(sole, np.array(OFFICIAL_TEST_PERSONNUMMER[:3], dtype=object)[which], supplier_id)
    blank = kind > 0.997
    supplier_id = np.where(blank, None, supplier_id)
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if date(year, month, d).weekday() < 5]
    epoch = np.array([(date(year, month, d) - date(1970, 1, 1)).days for d in days], dtype=np.int32)
    posting = np.sort(epoch[rng.integers(0, len(epoch), rows)])
    cents = np.round(rng.lognormal(9.0, 1.2, rows) * 100).astype(np.int64) + 1
    cents = np.where(rng.random(rows) < 0.03, -cents, cents)
    account = rng.integers(0, len(ACCOUNTS), rows)
    invoice = rng.integers(10000, 9_999_999, rows).astype(str).astype(object)
    invoice = np.where(rng.random(rows) < 0.05, None, invoice)
    vouchers = np.char.add(f"{year % 100:02d}", np.char.zfill((voucher_start + np.arange(rows)).astype(str), 6))
    buyer = KNOWN_BUYER_ORG_NR.get(code)
    return pa.table({
        "kopare_id": pa.array([buyer] * rows, pa.string()),
        "kopare": pa.array([municipality_title(name)] * rows, pa.string()),
        "verifikationsnummer": pa.array(vouchers.astype(object), pa.string()),
        "leverantor": pa.array(supplier, pa.string()),
        "leverantor_id": pa.array(supplier_id, pa.string()),
        "konto_nr": pa.array(np.array([a[0] for a in ACCOUNTS], dtype=object)[account], pa.string()),
        "konto_text": pa.array(np.array([a[1] for a in ACCOUNTS], dtype=object)[account], pa.string()),
        "bokforingsdatum": pa.array(posting, pa.date32()),
        "forvaltning": pa.array(np.array(ADMINISTRATIONS, dtype=object)[rng.integers(0, len(ADMINISTRATIONS), rows)],
                                pa.string()),
        "fakturanummer": pa.array(invoice, pa.string()),
        "nettobelopp": pa.array(cents, pa.int64()),
        "kommun_id": pa.array([code] * rows, pa.string()),
    })


# --- the vectorised CSV writer ----------------------------------------------------------------

_LINE_ENDS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def _amount_text(cents: np.ndarray, decimal: str, thousands: str) -> list[str]:
    """Amounts in the publisher's notation: ``-12 345,50``."""
    out = []
    for value in cents.tolist():
        text = f"{value / 100:,.2f}"
        out.append(text.replace(",", "\0").replace(".", decimal).replace("\0", thousands))
    return out


def write_ledger_csv(table: pa.Table, path: Path, profile_name: str) -> int:
    """Write postings in a publisher's CSV layout (header order, names, value notation, encoding)."""
    from flows.common.identifiers import format_orgnr
    from flows.datasets import DATASETS
    from flows.demo.layouts import _slots
    from flows.intake.profiles import get_profile

    profile = get_profile(profile_name)
    layout = profile.file
    assert layout.format == "csv", profile_name
    contract = DATASETS["supplier_invoices"]
    rows = table.num_rows
    cells: list[pa.Array] = []
    headers = []
    for slot in _slots(profile, contract):
        headers.append(slot.header)
        if slot.column is None or slot.column not in table.column_names:
            cells.append(pa.array([""] * rows, pa.string()))
            continue
        column = table.column(slot.column).combine_chunks()
        if slot.column == "bokforingsdatum":
            text = pc.strftime(column, format=profile.date_formats[0])
        elif slot.column == "nettobelopp":
            text = pa.array(_amount_text(column.to_numpy(), profile.decimal, profile.thousands), pa.string())
        else:
            text = column
            if profile_name == "openup" and slot.column == "leverantor_id":
                pnr = pc.match_substring_regex(text, r"^(19|20)\d{10}$")
                text = pc.if_else(pc.fill_null(pnr, False), pa.scalar("*"), text)
            if layout.orgnr_dash and slot.column == "leverantor_id":
                text = pa.array([format_orgnr(v) if v and len(v) == 10 else v for v in text.to_pylist()], pa.string())
        markers = profile.blank_values.get(slot.column)
        text = pc.fill_null(text, markers[0] if markers else "")
        needs = pc.match_substring_regex(text, '["\r\n' + ("\\t" if layout.delimiter == "\t" else layout.delimiter) + "]")
        if pc.any(needs).as_py():
            quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
            text = pc.if_else(needs, quoted, text)
        cells.append(text.cast(pa.string()))
    lines = pc.binary_join_element_wise(*cells, layout.delimiter)
    ending = _LINE_ENDS[layout.line_ending]
    body = layout.delimiter.join(headers) + ending + ending.join(lines.to_pylist()) + ending
    data = ("\ufeff" + body).encode(layout.encoding) if layout.encoding.startswith("utf-16") else body.encode(layout.encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


# --- one delivery at the file limit ----------------------------------------------------------------

LARGE_CODE = "1882"  # delivers its registers as Swedish Excel CSV (canonical-sv: cp1252, ';', CRLF)
LARGE_NAME = "bidrag_2016-2025.csv"
GRANT_TYPES = ("association_grant", "start_grant", "project_grant", "operating_grant", "other")


def write_large_delivery(workspace: Path, target_bytes: int = 1 << 30, seed: int = 42, log=print) -> Path:
    """One grants delivery of at most ``target_bytes`` and less than 16 MB short of it (default
    1 GiB, the file limit ``[intake] max_file_bytes``, which a larger file would exceed) from one
    municipality, in its canonical-sv layout, with a few rows that must be quarantined: a key repeated
    far apart, an impossible date, a negative amount. Written once, in blocks, then reused."""
    from flows.common.synthetic import SYNTHETIC_COLUMN, SYNTHETIC_VALUE

    target = workspace / "large" / LARGE_CODE / "grants" / LARGE_NAME
    if target.is_file() and target_bytes - (16 << 20) <= target.stat().st_size <= target_bytes:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 1 << 30])
    orgnrs = np.array(_orgnrs(rng, 5000, 8, set()), dtype=object)
    epoch = (date(2016, 1, 1) - date(1970, 1, 1)).days
    header = ["grant_id", "municipality_code", "org_nr", "decision_date", "amount_sek", "grant_type", SYNTHETIC_COLUMN]
    partial = target.with_name(target.name + ".partial")
    written, number, block = 0, 0, 500_000
    log(f"bench: a grants delivery of {target_bytes / 2**30:.1f} GiB ({target})")
    last = (f"BIG-{LARGE_CODE}-{1:09d};{LARGE_CODE};{orgnrs[0]};2025-06-30;1 000,00;other;"
            f"{SYNTHETIC_VALUE}\r\n").encode("cp1252")  # the second row's key again, at the end
    room = target_bytes - len(last)
    with open(partial, "wb") as out:
        head = (";".join(header) + "\r\n").encode("cp1252")
        out.write(head)
        written = len(head)
        while written < room:
            ids = np.char.add(f"BIG-{LARGE_CODE}-", np.char.zfill((number + np.arange(block)).astype(str), 9))
            days = pa.array(epoch + rng.integers(0, 3650, block).astype(np.int32), pa.date32())
            cents = rng.integers(100_00, 2_000_000_00, block)
            amounts = [f"{c / 100:,.2f}".replace(",", " ").replace(".", ",") for c in cents.tolist()]
            columns = [pa.array(ids.astype(object), pa.string()), pa.array([LARGE_CODE] * block, pa.string()),
                       pa.array(orgnrs[rng.integers(0, len(orgnrs), block)], pa.string()),
                       pc.strftime(days, format="%Y-%m-%d"), pa.array(amounts, pa.string()),
                       pa.array(np.array(GRANT_TYPES, dtype=object)[rng.integers(0, len(GRANT_TYPES), block)],
                                pa.string()),
                       pa.array([SYNTHETIC_VALUE] * block, pa.string())]
            if number == 0:  # the rows that must be quarantined
                columns[0] = pc.if_else(pa.array(np.arange(block) == 7), pa.scalar(ids[1]), columns[0])
                columns[3] = pc.if_else(pa.array(np.arange(block) == 11), pa.scalar("2024-02-30"), columns[3])
                columns[4] = pc.if_else(pa.array(np.arange(block) == 13), pa.scalar("-500,00"), columns[4])
            lines = pc.binary_join_element_wise(*columns, ";")
            data = ("\r\n".join(lines.to_pylist()) + "\r\n").encode("cp1252")
            full = written + len(data) > room
            if full:  # the last block: whole lines up to the limit
                cut = data.rfind(b"\r\n", 0, room - written)
                data = data[:cut + 2] if cut >= 0 else b""
            out.write(data)
            written += len(data)
            number += block
            if full:
                break
        out.write(last)
    partial.replace(target)
    return target


# --- the whole workspace ------------------------------------------------------------------------

def _params(p: Preset, seed: int) -> dict:
    return {"preset": asdict(p), "seed": seed, "version": GENERATOR_VERSION}


def workspace_for(scale: str) -> Path:
    return DATA / preset(scale).name


def generate(scale: str, seed: int = 42, force: bool = False, log=print) -> Path:
    """Write (or reuse) the workspace of a scale; returns its folder."""
    p = preset(scale)
    workspace = DATA / p.name
    stamp = workspace / "generated.json"
    if not force and stamp.is_file():
        done = json.loads(stamp.read_text(encoding="utf-8"))
        if done.get("params") == _params(p, seed):
            log(f"bench: reusing the generated data in {workspace}")
            return workspace
    if workspace.exists():
        shutil.rmtree(workspace)
    workspace.mkdir(parents=True)
    started = time.perf_counter()
    config = write_config(workspace, p)

    from flows.config import load_config
    from flows.datasets import DATASETS
    from flows.demo.bulk import write_bulk_snapshots
    from flows.demo.deliveries import plan_deliveries, write_planned
    from flows.demo.registers import build_demo, bulk_enterprises
    from flows.demo.snapshots import write_api_snapshots
    from flows.intake.pseudonymise import ensure_local_key

    settings = load_config(config)
    ensure_local_key(settings.path("secrets"))
    inbox, pending, snapshots = workspace / "inbox", workspace / "pending", workspace / "snapshots"
    codes = sorted(settings.municipality_codes)

    log(f"bench: registers at scale {p.register_scale} ({p.first_year}-{p.last_year})")
    demo = build_demo(settings, seed, p.register_scale)
    register_files = register_rows = 0
    for planned in plan_deliveries(demo, codes):
        if planned.dataset == "supplier_invoices":
            continue
        write_planned(planned, inbox)
        register_files += 1
        register_rows += len(planned.rows)
    for code in codes:
        chosen = {"supplier_invoices": LEDGER_LAYOUTS.get(code, DEFAULT_LEDGER_LAYOUT)}
        from flows.demo.deliveries import profile_for
        chosen.update({name: profile_for(code, name) for name in DATASETS if name != "supplier_invoices"})
        lines = [f'{name} = "{prof}"' for name, prof in chosen.items() if prof != "canonical"]
        if lines:
            (inbox / code).mkdir(parents=True, exist_ok=True)
            (inbox / code / "profiles.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    log(f"bench: ledger of ~{p.ledger_rows:,} postings in monthly files")
    import pandas as pd

    from flows.demo.model import DEFAULT_SIZE, SIZES

    enterprises = pd.DataFrame([{"org_nr": e.org_nr, "name": e.name, "municipality_code": e.municipality_code}
                                for e in demo.enterprises])
    total_weight = sum(SIZES.get(c, DEFAULT_SIZE).postings_per_month for c in codes)
    all_months = months(p)
    taken = set(enterprises["org_nr"])
    ledger_files = ledger_rows = ledger_bytes = 0
    new_month_rows = 0
    for code in codes:
        rng = np.random.default_rng([seed, int(code)])
        pool = ledger_pool(rng, code, enterprises, taken)
        per_month = p.ledger_rows * SIZES.get(code, DEFAULT_SIZE).postings_per_month / total_weight / len(all_months)
        layout = LEDGER_LAYOUTS.get(code, DEFAULT_LEDGER_LAYOUT)
        voucher = 0
        name = settings.municipality(code).name
        for index, (year, month) in enumerate(all_months):
            if month == 1:
                voucher = 0
            rows = max(1, int(round(per_month * rng.uniform(0.9, 1.1))))
            table = ledger_month(rng, pool, code, name, year, month, rows, voucher + 1)
            voucher += rows
            last = index == len(all_months) - 1
            target = (pending if last else inbox) / code / "supplier_invoices" / f"leverantorsreskontra_{year}-{month:02d}.csv"
            ledger_bytes += write_ledger_csv(table, target, layout)
            ledger_files += 1
            ledger_rows += rows
            new_month_rows += rows if last else 0

    log(f"bench: external snapshots, Bolagsverket bulk file with {p.bulk_noise_rows:,} other organisations")
    write_api_snapshots(snapshots, settings, seed)
    write_bulk_snapshots(snapshots, bulk_enterprises(demo), seed, noise_rows=p.bulk_noise_rows)
    generated = {
        "params": _params(p, seed),
        "register_files": register_files, "register_rows": register_rows,
        "ledger_files": ledger_files, "ledger_rows": ledger_rows, "ledger_bytes": ledger_bytes,
        "new_month_files": len(codes), "new_month_rows": new_month_rows,
        "enterprises": len(demo.enterprises),
        "bulk_bytes": sum(f.stat().st_size for f in (snapshots / "bolagsverket").glob("*.zip")),
        "seconds": round(time.perf_counter() - started, 1),
    }
    stamp.write_text(json.dumps(generated, indent=2), encoding="utf-8")
    log(f"bench: generated in {generated['seconds']} s: {json.dumps(generated)}")
    return workspace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    generate(args.scale, args.seed, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
