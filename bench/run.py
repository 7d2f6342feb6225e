"""``make bench``: measure socek against a bare-DuckDB baseline on the same generated files.

Steps, in one run, on one workspace (``bench/generate.py``):

(a) full rebuild: ``socek run --full-rebuild`` from an empty warehouse, every file but the last month;
(b) nightly: the last month's ledger file of every municipality arrives; ``socek run``;
(c) rerun: ``socek run`` again with nothing new;
(d) baseline: bare DuckDB ``read_csv`` over the files of (a) + the same ``sql/`` (``bench/baseline.py``);
then the analyst query ``select * from indicators.indicator_values where municipality_code = '1814'``
on the published file (median of repeated runs in a fresh read-only connection).

Each step is a separate process, timed from launch to exit (Prefect start-up included), with the
peak resident memory of the whole process tree (sampled every 50 ms). Results go to
``bench/results-<scale>.json`` and ``bench/results.md`` (all scales measured so far, then the
hand-written analysis in ``bench/analysis.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

from bench.generate import ROOT, generate, preset

BENCH = ROOT / "bench"
QUERY = "select * from indicators.indicator_values where municipality_code = '1814'"
OUTPUTS = ("warehouse", "exports", "reports", "landing")


class TreeSampler:
    """Peak RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak, self.peak_single = pid, interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                self.peak_single = max(self.peak_single, rss)
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed_process(command: list[str], log: Path, env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run a command to completion; wall time, exit code and peak tree RSS."""
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        with TreeSampler(proc.pid) as sampler:
            code = proc.wait()
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 2), "exit_code": code, "peak_rss_mb": round(sampler.peak / 2**20),
            "peak_single_process_rss_mb": round(sampler.peak_single / 2**20), "log": str(log.relative_to(ROOT))}


def bench_env(workspace: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "PREFECT_HOME": str(workspace / ".prefect"),  # kept between runs, as on a production host
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def latest_run(published: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        row = con.execute("""select run_id, status, files_seen, files_new, rows_loaded, rows_quarantined,
                                    stage_timings from meta.runs order by started_at desc limit 1""").fetchone()
    finally:
        con.close()
    keys = ["run_id", "status", "files_seen", "files_new", "rows_loaded", "rows_quarantined", "stage_timings"]
    record = dict(zip(keys, row))
    record["stage_timings"] = json.loads(record["stage_timings"] or "{}")
    return record


def socek_run(workspace: Path, label: str, extra: list[str], log_dir: Path) -> dict:
    config = workspace / "config" / "pipeline.toml"
    command = [sys.executable, "-m", "flows.cli", "--config", str(config), "run", *extra]
    result = timed_process(command, log_dir / f"{label}.log", env=bench_env(workspace))
    if result["exit_code"] not in (0, 3):
        raise SystemExit(f"bench: step {label} failed (exit {result['exit_code']}); see {result['log']}")
    result.update(latest_run(workspace / "warehouse" / "socek.duckdb"))
    rows = result["rows_loaded"] + result["rows_quarantined"]
    result["rows_per_s"] = round(rows / result["wall_s"]) if rows else 0
    return result


def query_median(published: Path, repeats: int = 25) -> dict:
    """Median wall time of the analyst query on the published file, each in a fresh connection."""
    import duckdb

    times, rows = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        con = duckdb.connect(str(published), read_only=True)
        rows = len(con.execute(QUERY).fetchall())
        con.close()
        times.append(time.perf_counter() - start)
    warm = []
    con = duckdb.connect(str(published), read_only=True)
    for _ in range(repeats):
        start = time.perf_counter()
        con.execute(QUERY).fetchall()
        warm.append(time.perf_counter() - start)
    con.close()
    return {"query": QUERY, "rows": rows, "median_ms_with_connect": round(statistics.median(times) * 1000, 1),
            "median_ms_open_connection": round(statistics.median(warm) * 1000, 1), "repeats": repeats}


def reset(workspace: Path, generated: dict) -> None:
    """Remove everything a previous bench run produced; take the new month out of the inbox."""
    for name in OUTPUTS:
        shutil.rmtree(workspace / name, ignore_errors=True)
    for path in (workspace / "pending").rglob("*.csv"):
        (workspace / "inbox" / path.relative_to(workspace / "pending")).unlink(missing_ok=True)


def deliver_new_month(workspace: Path) -> int:
    count = 0
    for path in sorted((workspace / "pending").rglob("*.csv")):
        target = workspace / "inbox" / path.relative_to(workspace / "pending")
        shutil.copyfile(path, target)
        count += 1
    return count


def machine() -> dict:
    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "cpu": platform.processor() or platform.machine()}


def run(scale: str, steps: str = "abcd", keep: bool = False) -> dict:
    p = preset(scale)
    workspace = generate(scale)
    generated = json.loads((workspace / "generated.json").read_text(encoding="utf-8"))
    log_dir = workspace / "logs"
    log_dir.mkdir(exist_ok=True)
    reset(workspace, generated)
    results: dict = {"scale": p.name, "generated": generated, "machine": machine(),
                     "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "steps": {}}
    if "a" in steps:
        print("bench: (a) full rebuild ...", flush=True)
        results["steps"]["a_full_rebuild"] = socek_run(workspace, "a_full_rebuild", ["--full-rebuild"], log_dir)
        print(f"bench: (a) {results['steps']['a_full_rebuild']['wall_s']} s", flush=True)
    if "d" in steps:
        print("bench: (d) bare-DuckDB baseline ...", flush=True)
        database = workspace / "baseline.duckdb"
        command = [sys.executable, "-m", "bench.baseline", "--config", str(workspace / "config" / "pipeline.toml"),
                   "--database", str(database)]
        log = log_dir / "d_baseline.log"
        result = timed_process(command, log, env=bench_env(workspace))
        if result["exit_code"] != 0:
            raise SystemExit(f"bench: baseline failed; see {result['log']}")
        result.update(json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1]))
        result["rows_per_s"] = round(result["rows"] / result["wall_s"])
        results["steps"]["d_baseline"] = result
        database.unlink(missing_ok=True)
        print(f"bench: (d) {result['wall_s']} s", flush=True)
    if "b" in steps:
        print("bench: (b) nightly with one new month ...", flush=True)
        delivered = deliver_new_month(workspace)
        results["steps"]["b_new_month"] = socek_run(workspace, "b_new_month", [], log_dir)
        results["steps"]["b_new_month"]["files_delivered"] = delivered
        print(f"bench: (b) {results['steps']['b_new_month']['wall_s']} s", flush=True)
    if "c" in steps:
        print("bench: (c) rerun with nothing new ...", flush=True)
        results["steps"]["c_nothing_new"] = socek_run(workspace, "c_nothing_new", [], log_dir)
        print(f"bench: (c) {results['steps']['c_nothing_new']['wall_s']} s", flush=True)
    published = workspace / "warehouse" / "socek.duckdb"
    if published.exists():
        results["query"] = query_median(published)
    s = results["steps"]
    ratios = {}
    if "a_full_rebuild" in s and "d_baseline" in s:
        ratios["a_over_d"] = round(s["a_full_rebuild"]["wall_s"] / s["d_baseline"]["wall_s"], 2)
    if "a_full_rebuild" in s and "c_nothing_new" in s:
        ratios["c_over_a"] = round(s["c_nothing_new"]["wall_s"] / s["a_full_rebuild"]["wall_s"], 3)
    results["ratios"] = ratios
    out = BENCH / f"results-{p.name}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_markdown()
    if not keep:
        for name in ("exports", "reports", "landing"):
            shutil.rmtree(workspace / name, ignore_errors=True)
    return results


TARGETS = {"a_over_d": 3.0, "b_wall_s": 45.0, "c_over_a": 0.10, "rss_mb": 2048, "query_ms": 50.0}


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def scale_section(r: dict) -> str:
    s, g, m = r["steps"], r["generated"], r["machine"]
    lines = [f"## Scale `{r['scale']}` (measured {r['measured_at']})", "",
             f"Machine: {m['cores']} cores, {m['memory_gb']} GB RAM, Python {m['python']}, {m['platform']}.", "",
             f"Data: {g['ledger_rows']:,} ledger postings in {g['ledger_files']:,} monthly CSV files "
             f"({g['ledger_bytes'] / 1e6:,.0f} MB), {g['register_rows']:,} register rows in {g['register_files']} files, "
             f"{g['enterprises']} enterprises, bulk zips {g['bulk_bytes'] / 1e6:,.1f} MB "
             f"({r['generated']['params']['preset']['bulk_noise_rows']:,} organisations besides the registers'); "
             f"new month: {g['new_month_files']} files, {g['new_month_rows']:,} postings.", "",
             "| step | wall (s) | peak RSS, process tree (MB) | rows | rows/s | stage timings (s) |",
             "|---|---:|---:|---:|---:|---|"]
    names = {"a_full_rebuild": "(a) full rebuild", "b_new_month": "(b) nightly, one new month",
             "c_nothing_new": "(c) rerun, nothing new", "d_baseline": "(d) bare DuckDB baseline"}
    for key in ("a_full_rebuild", "b_new_month", "c_nothing_new", "d_baseline"):
        if key not in s:
            continue
        step = s[key]
        rows = step.get("rows", step.get("rows_loaded", 0) + step.get("rows_quarantined", 0))
        timings = step.get("stage_timings") or step.get("timings") or {}
        stages = ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
        lines.append(f"| {names[key]} | {step['wall_s']:.1f} | {step['peak_rss_mb']:,} | {rows:,} | "
                     f"{step['rows_per_s']:,} | {stages} |")
    lines += ["", "| target | measured | |", "|---|---|---|"]
    ratios = r.get("ratios", {})
    if "a_over_d" in ratios:
        lines.append(f"| full rebuild <= 3 x baseline (a/d) | {ratios['a_over_d']:.2f} | {_mark(ratios['a_over_d'] <= 3)} |")
    if "a_full_rebuild" in s:
        rss = s["a_full_rebuild"]["peak_rss_mb"]
        lines.append(f"| full rebuild peak RSS <= 2 GB | {rss:,} MB | {_mark(rss <= 2048)} |")
    if "b_new_month" in s:
        b = s["b_new_month"]["wall_s"]
        lines.append(f"| nightly with one new month <= 45 s (Prefect start-up included) | {b:.1f} s | {_mark(b <= 45)} |")
    if "c_over_a" in ratios:
        lines.append(f"| rerun with nothing new <= 10 % of full rebuild (c/a) | {ratios['c_over_a'] * 100:.1f} % | "
                     f"{_mark(ratios['c_over_a'] <= 0.10)} |")
    if "query" in r:
        q = r["query"]
        lines.append(f"| analyst query median < 50 ms | {q['median_ms_with_connect']} ms incl. opening the file, "
                     f"{q['median_ms_open_connection']} ms on an open connection ({q['rows']:,} rows) | "
                     f"{_mark(q['median_ms_with_connect'] < 50)} |")
    return "\n".join(lines) + "\n"


def write_markdown() -> Path:
    results = []
    for path in sorted(BENCH.glob("results-*.json")):
        results.append(json.loads(path.read_text(encoding="utf-8")))
    order = {"demo": 0}
    results.sort(key=lambda r: (order.get(r["scale"], 1), r["scale"]))
    parts = ["# socek benchmark results", "",
             "Written by `make bench SCALE=...` (`bench/run.py`); see `bench/README.md` for what each step "
             "measures. Numbers are from the machine named in each section.", ""]
    parts += [scale_section(r) for r in results]
    analysis = BENCH / "analysis.md"
    if analysis.is_file():
        parts.append(analysis.read_text(encoding="utf-8"))
    out = BENCH / "results.md"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="socek benchmark (see bench/README.md)")
    parser.add_argument("--scale", default="1", help="1 (the demo), county, or county:F")
    parser.add_argument("--steps", default="abcd", help="which of a, b, c, d to run (default all)")
    parser.add_argument("--keep", action="store_true", help="keep exports and reports of the last step")
    args = parser.parse_args(argv)
    results = run(args.scale, args.steps, args.keep)
    print(json.dumps({"scale": results["scale"], "ratios": results["ratios"],
                      **{k: v["wall_s"] for k, v in results["steps"].items()},
                      "query": results.get("query", {}).get("median_ms_with_connect")}, indent=2))
    print(f"bench: wrote {BENCH / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
