"""What finding personal identity numbers costs: the scrub of a 1 M-row supplier ledger.

    .venv/bin/python -m bench.scrub [--rows 1000000]

Generates (once, under ``bench/data/scrub/``) a ledger in the canonical CSV layout with the bench's
mix of suppliers (0.3 % sole traders with Skatteverket's test numbers in ``leverantor_id``) and free
text that looks like numbers (dates with times, amounts, phone numbers), reads it with
``formats.read_table`` and times, best of three, the read alone and the read plus
``pseudonymise.scrub_table``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from bench.generate import DATA, ledger_month, ledger_pool, write_ledger_csv

KEY = b"bench-key-not-a-secret"
# Free text a ledger's invoice-number column may hold: nothing here is a personal identity number.
NOISE = ("2024-03-15 10.30", "070-123 45 67", "0701234567", "12 345 678,90", "5560360793", "556036-0793",
         "Dnr KS 2024/123", "OCR 4000123456789", "2024-01-01 - 2024-12-31")


def ledger(rows: int) -> Path:
    """The bench ledger of ``rows`` postings (written once)."""
    path = DATA / "scrub" / f"ledger-{rows}.csv"
    if path.is_file():
        return path
    rng = np.random.default_rng(13)
    pool = ledger_pool(rng, "1814", pd.DataFrame(columns=["municipality_code", "name", "org_nr"]), set())
    table = ledger_month(rng, pool, "1814", "Lekeberg", 2024, 3, rows, 0)
    invoices = table.column("fakturanummer").to_pylist()
    noisy = rng.random(rows) < 0.02
    invoices = [NOISE[i % len(NOISE)] if flag else value for i, (flag, value) in enumerate(zip(noisy, invoices))]
    table = table.set_column(table.column_names.index("fakturanummer"), "fakturanummer", pa.array(invoices, pa.string()))
    write_ledger_csv(table, path, "canonical")
    return path


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    from flows.intake.formats import read_table
    from flows.intake.pseudonymise import scrub_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    path = ledger(args.rows)
    raw = read_table(path)
    read = best_of(3, lambda: read_table(path))
    scrub = best_of(3, lambda: scrub_table(raw, KEY))
    print(f"{args.rows} rows: read {read:.2f} s, scrub {scrub:.2f} s ({100 * scrub / read:.0f} % of the read)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
