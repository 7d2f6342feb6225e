"""``make bench``: measure socek against a bare-DuckDB baseline on the same generated files.

Steps, in one run, on one workspace (``bench/generate.py``):

(a) full rebuild: ``socek run --full-rebuild`` from an empty warehouse, every file but the last month;
(d) baseline: bare DuckDB ``read_csv`` over the files of (a) + the same ``sql/`` (``bench/baseline.py``);
(b) nightly: the last month's ledger file of every municipality arrives; ``socek run``;
(c) rerun: ``socek run`` again with nothing new;
(t) the rerun once more without ``PREFECT_API_URL``: Prefect's temporary server, started by the run;
(e) one delivery at the file limit: a 1 GiB grants file arrives; ``socek run``;
then the analyst query ``select * from indicators.indicator_values where municipality_code = '1814'``
on the published file (median of repeated runs in a fresh read-only connection).

Steps (a) to (e) run against a long-lived Prefect server that the bench starts first (``prefect
server start``, as on a production host, where ``socek serve`` needs one): its start-up is not part
of any step, and its memory is reported on its own. Step (t) shows what the temporary server costs
a run that has none configured. Each step is a separate process, timed from launch to exit, with the
peak resident memory of its whole process tree (sampled every 50 ms), the largest single process,
and the tree's make-up at its peak (the flow, intake workers, Chromium, a temporary Prefect server).
Results go to ``bench/results-<scale>.json`` and ``bench/results.md`` (all scales measured so far,
then the hand-written analysis in ``bench/analysis.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import psutil

from bench.generate import (
    LARGE_CODE,
    ROOT,
    generate,
    preset,
    write_config,
    write_large_delivery,
)

BENCH = ROOT / "bench"
QUERY = "select * from indicators.indicator_values where municipality_code = '1814'"
OUTPUTS = ("warehouse", "exports", "reports", "landing")
LARGE_IN_INBOX = Path("inbox") / LARGE_CODE / "grants"


def process_kind(proc: psutil.Process, root: int) -> str:
    """What a process of a step's tree is: the run itself, an intake worker, Chromium, Prefect's
    temporary server, or something else."""
    if proc.pid == root:
        return "flow"
    try:
        command = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "other"
    if "chrom" in command:
        return "browser"
    if "multiprocessing" in command:
        return "workers"
    if "prefect" in command or "uvicorn" in command:
        return "prefect server"
    return "other"


class TreeSampler:
    """Peak RSS of a process and all its descendants, sampled in a thread: the sum, the largest single
    process, and the sum per kind of process at the moment of the peak."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak, self.peak_single = pid, interval, 0, 0
        self.at_peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        kinds: dict[int, str] = {}
        while not self._stop.is_set():
            total, by_kind = 0, {}
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                kind = kinds.setdefault(proc.pid, process_kind(proc, self.pid))
                by_kind[kind] = by_kind.get(kind, 0) + rss
                total += rss
                self.peak_single = max(self.peak_single, rss)
            if total > self.peak:
                self.peak, self.at_peak = total, by_kind
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
            "peak_single_process_rss_mb": round(sampler.peak_single / 2**20),
            "peak_by_kind_mb": {k: round(v / 2**20) for k, v in sorted(sampler.at_peak.items())},
            "log": str(log.relative_to(ROOT))}


class PrefectServer:
    """A long-lived Prefect server for the steps (started and stopped by the bench, by its own pid)."""

    def __init__(self, workspace: Path, log: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = dict(os.environ, PREFECT_HOME=str(workspace / ".prefect-server"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_UI_ENABLED="false")
        env.pop("PREFECT_API_URL", None)
        prefect = Path(sys.executable).with_name("prefect")
        self.log = open(log, "w", encoding="utf-8")
        self.process = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PrefectServer":
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: prefect server start exited with {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        self._thread.start()
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise SystemExit("bench: the Prefect server did not answer within 180 s")

    def _sample(self) -> None:
        root = psutil.Process(self.process.pid)
        while not self._stop.is_set():
            try:
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            except psutil.NoSuchProcess:
                break
            self.peak = max(self.peak, total)
            self._stop.wait(0.5)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group of the server this bench started
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self.log.close()


def bench_env(workspace: Path, api_url: str | None) -> dict:
    """A step's environment: the long-lived server's ``PREFECT_API_URL``, or none (the run starts
    Prefect's temporary server, with the workspace's ``PREFECT_HOME`` kept between runs, as on a
    production host)."""
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    env.update({
        "PREFECT_HOME": str(workspace / ".prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "False",
        "PYTHONUNBUFFERED": "1",
    })
    if api_url:
        env["PREFECT_API_URL"] = api_url
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


STAGES = ("intake", "collect", "load", "transform", "disclose", "outputs", "publish", "commit")


def socek_run(workspace: Path, label: str, extra: list[str], log_dir: Path, api_url: str | None) -> dict:
    config = workspace / "config" / "pipeline.toml"
    command = [sys.executable, "-m", "flows.cli", "--config", str(config), "run", *extra]
    result = timed_process(command, log_dir / f"{label}.log", env=bench_env(workspace, api_url))
    if result["exit_code"] not in (0, 3):
        raise SystemExit(f"bench: step {label} failed (exit {result['exit_code']}); see {result['log']}")
    result.update(latest_run(workspace / "warehouse" / "socek.duckdb"))
    result["prefect"] = "long-lived server" if api_url else "temporary server"
    rows = result["rows_loaded"] + result["rows_quarantined"]
    result["rows_per_s"] = round(rows / result["wall_s"]) if rows else 0
    result["us_per_row"] = round(result["wall_s"] / rows * 1e6, 2) if rows else None
    # everything but the pipeline's own stages: interpreter and imports, Prefect's flow and task runs
    # (and, without a server, its start), the run lock; the publish and commit are not in the record
    inside = sum(v for k, v in result["stage_timings"].items() if k in STAGES)
    result["outside_stages_s"] = round(result["wall_s"] - inside, 1)
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


def reset(workspace: Path) -> None:
    """Remove everything a previous bench run produced; take the new month and the large delivery out
    of the inbox."""
    for name in OUTPUTS:
        shutil.rmtree(workspace / name, ignore_errors=True)
    for path in (workspace / "pending").rglob("*.csv"):
        (workspace / "inbox" / path.relative_to(workspace / "pending")).unlink(missing_ok=True)
    for path in (workspace / "large").rglob("*.csv"):
        (workspace / "inbox" / path.relative_to(workspace / "large")).unlink(missing_ok=True)


def deliver_new_month(workspace: Path) -> int:
    count = 0
    for path in sorted((workspace / "pending").rglob("*.csv")):
        target = workspace / "inbox" / path.relative_to(workspace / "pending")
        shutil.copyfile(path, target)
        count += 1
    return count


def deliver_large(workspace: Path) -> dict:
    """Put the 1 GiB delivery into the inbox (a hard link: the bytes are written once)."""
    source = write_large_delivery(workspace)
    target = workspace / LARGE_IN_INBOX / source.name
    target.unlink(missing_ok=True)
    os.link(source, target)
    return {"file": str(target.relative_to(workspace)), "bytes": target.stat().st_size}


def machine() -> dict:
    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "cpu": platform.processor() or platform.machine(), "load_before": [round(x, 2) for x in os.getloadavg()]}


def run(scale: str, steps: str = "adbcte", keep: bool = False) -> dict:
    p = preset(scale)
    workspace = generate(scale)
    write_config(workspace, p)  # the shipped configuration as it is now (runner, DuckDB limits)
    generated = json.loads((workspace / "generated.json").read_text(encoding="utf-8"))
    log_dir = workspace / "logs"
    log_dir.mkdir(exist_ok=True)
    reset(workspace)
    results: dict = {"scale": p.name, "generated": generated, "machine": machine(),
                     "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "steps": {}}
    s = results["steps"]
    with PrefectServer(workspace, log_dir / "prefect-server.log") as server:
        if "a" in steps:
            print("bench: (a) full rebuild ...", flush=True)
            s["a_full_rebuild"] = socek_run(workspace, "a_full_rebuild", ["--full-rebuild"], log_dir, server.url)
            print(f"bench: (a) {s['a_full_rebuild']['wall_s']} s", flush=True)
        if "d" in steps:
            print("bench: (d) bare-DuckDB baseline ...", flush=True)
            s["d_baseline"] = baseline(workspace, log_dir)
            print(f"bench: (d) {s['d_baseline']['wall_s']} s", flush=True)
        if "b" in steps:
            print("bench: (b) nightly with one new month ...", flush=True)
            delivered = deliver_new_month(workspace)
            s["b_new_month"] = socek_run(workspace, "b_new_month", [], log_dir, server.url)
            s["b_new_month"]["files_delivered"] = delivered
            print(f"bench: (b) {s['b_new_month']['wall_s']} s", flush=True)
        if "c" in steps:
            print("bench: (c) rerun with nothing new ...", flush=True)
            s["c_nothing_new"] = socek_run(workspace, "c_nothing_new", [], log_dir, server.url)
            print(f"bench: (c) {s['c_nothing_new']['wall_s']} s", flush=True)
        if "t" in steps:
            print("bench: (t) rerun with nothing new, Prefect's temporary server ...", flush=True)
            s["t_temporary_server"] = socek_run(workspace, "t_temporary_server", [], log_dir, None)
            print(f"bench: (t) {s['t_temporary_server']['wall_s']} s", flush=True)
        published = workspace / "warehouse" / "socek.duckdb"
        if published.exists():
            results["query"] = query_median(published)
        if "e" in steps:
            large = deliver_large(workspace)
            print(f"bench: (e) one delivery of {large['bytes'] / 2**30:.2f} GiB ...", flush=True)
            s["e_large_delivery"] = socek_run(workspace, "e_large_delivery", [], log_dir, server.url) | large
            print(f"bench: (e) {s['e_large_delivery']['wall_s']} s", flush=True)
        results["prefect_server_peak_rss_mb"] = round(server.peak / 2**20)
    results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    ratios = {}
    if "a_full_rebuild" in s and "d_baseline" in s:
        ratios["a_over_d"] = round(s["a_full_rebuild"]["wall_s"] / s["d_baseline"]["wall_s"], 2)
    if "a_full_rebuild" in s and "c_nothing_new" in s:
        ratios["c_over_a"] = round(s["c_nothing_new"]["wall_s"] / s["a_full_rebuild"]["wall_s"], 3)
    if "c_nothing_new" in s and "t_temporary_server" in s:
        ratios["temporary_server_s"] = round(s["t_temporary_server"]["wall_s"] - s["c_nothing_new"]["wall_s"], 1)
    results["ratios"] = ratios
    out = BENCH / f"results-{p.name}.json"
    if out.is_file():  # the run before, for the reproduction check (only the one before: no chain)
        before = json.loads(out.read_text(encoding="utf-8"))
        before.pop("previous", None)
        results["previous"] = before
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_markdown()
    if not keep:
        for name in ("exports", "reports", "landing"):
            shutil.rmtree(workspace / name, ignore_errors=True)
    return results


def baseline(workspace: Path, log_dir: Path) -> dict:
    database = workspace / "baseline.duckdb"
    command = [sys.executable, "-m", "bench.baseline", "--config", str(workspace / "config" / "pipeline.toml"),
               "--database", str(database)]
    log = log_dir / "d_baseline.log"
    result = timed_process(command, log, env=bench_env(workspace, None))
    if result["exit_code"] != 0:
        raise SystemExit(f"bench: baseline failed; see {result['log']}")
    result.update(json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1]))
    result["rows_per_s"] = round(result["rows"] / result["wall_s"])
    result["us_per_row"] = round(result["wall_s"] / result["rows"] * 1e6, 2)
    database.unlink(missing_ok=True)
    return result


TARGETS = {"a_over_d": 1.5, "b_wall_s": 25.0, "c_over_a": 0.05, "rss_mb": 1536, "query_ms": 50.0,
           "per_row_drift": 0.10}
NAMES = {"a_full_rebuild": "(a) full rebuild", "d_baseline": "(d) bare DuckDB baseline",
         "b_new_month": "(b) nightly, one new month", "c_nothing_new": "(c) rerun, nothing new",
         "t_temporary_server": "(t) rerun, nothing new, temporary Prefect server",
         "e_large_delivery": "(e) one 1 GiB delivery arrives"}


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def reproduction(r: dict) -> str:
    """The run against the one before it at the same scale: each step's wall time and peak RSS."""
    before = r["previous"]["steps"]
    lines = [f"### Scale `{r['scale']}`: this run against the one before ({r['previous']['measured_at']})", "",
             "| step | wall (s) now / before | change | peak RSS (MB) now / before | change |", "|---|---|---:|---|---:|"]
    for key, name in NAMES.items():
        if key in r["steps"] and key in before:
            now, then = r["steps"][key], before[key]
            lines.append(f"| {name} | {now['wall_s']:.1f} / {then['wall_s']:.1f} | {now['wall_s'] / then['wall_s'] - 1:+.1%} | "
                         f"{now['peak_rss_mb']:,} / {then['peak_rss_mb']:,} | "
                         f"{now['peak_rss_mb'] / then['peak_rss_mb'] - 1:+.1%} |")
    return "\n".join(lines) + "\n"


def scale_section(r: dict, reference: dict | None = None, title: str = "") -> str:
    s, g, m = r["steps"], r["generated"], r["machine"]
    load = f"; load average {m['load_before']} before, {m.get('load_after')} after" if m.get("load_before") else ""
    lines = [f"## Scale `{r['scale']}`{title} (measured {r['measured_at']})", "",
             f"Machine: {m['cores']} cores, {m['memory_gb']} GB RAM, Python {m['python']}, {m['platform']}{load}.", "",
             f"Data: {g['ledger_rows']:,} ledger postings in {g['ledger_files']:,} monthly CSV files "
             f"({g['ledger_bytes'] / 1e6:,.0f} MB), {g['register_rows']:,} register rows in {g['register_files']} files, "
             f"{g['enterprises']} enterprises, bulk zips {g['bulk_bytes'] / 1e6:,.1f} MB "
             f"({r['generated']['params']['preset']['bulk_noise_rows']:,} organisations besides the registers'); "
             f"new month: {g['new_month_files']} files, {g['new_month_rows']:,} postings.", "",
             "| step | wall (s) | µs/row | peak RSS, process tree (MB) | largest process (MB) | tree at its peak (MB) "
             "| outside the stages (s) | stage timings (s) |",
             "|---|---:|---:|---:|---:|---|---:|---|"]
    for key, name in NAMES.items():
        if key not in s:
            continue
        step = s[key]
        timings = step.get("stage_timings") or step.get("timings") or {}
        stages = ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
        kinds = ", ".join(f"{k} {v:,}" for k, v in step.get("peak_by_kind_mb", {}).items())
        per_row = f"{step['us_per_row']:.2f}" if step.get("us_per_row") else ""
        outside = f"{step['outside_stages_s']:.1f}" if "outside_stages_s" in step else ""
        lines.append(f"| {name} | {step['wall_s']:.1f} | {per_row} | {step['peak_rss_mb']:,} | "
                     f"{step.get('peak_single_process_rss_mb', 0):,} | {kinds} | {outside} | {stages} |")
    if "prefect_server_peak_rss_mb" in r:
        lines += ["", f"The long-lived Prefect server (not part of any step's tree) peaked at "
                      f"{r['prefect_server_peak_rss_mb']:,} MB."]
    lines += ["", "| target | measured | |", "|---|---|---|"]
    ratios = r.get("ratios", {})
    if "a_over_d" in ratios:
        lines.append(f"| full rebuild <= {TARGETS['a_over_d']} x baseline (a/d) | {ratios['a_over_d']:.2f} | "
                     f"{_mark(ratios['a_over_d'] <= TARGETS['a_over_d'])} |")
    if "b_new_month" in s:
        b = s["b_new_month"]["wall_s"]
        lines.append(f"| nightly with one new month <= {TARGETS['b_wall_s']:.0f} s (Prefect included) | {b:.1f} s | "
                     f"{_mark(b <= TARGETS['b_wall_s'])} |")
    if "c_over_a" in ratios:
        lines.append(f"| rerun with nothing new <= {TARGETS['c_over_a']:.0%} of full rebuild (c/a) | "
                     f"{ratios['c_over_a'] * 100:.1f} % | {_mark(ratios['c_over_a'] <= TARGETS['c_over_a'])} |")
    socek_steps = [k for k in s if k != "d_baseline"]
    if socek_steps:
        worst = max(socek_steps, key=lambda k: s[k]["peak_rss_mb"])
        rss = s[worst]["peak_rss_mb"]
        lines.append(f"| peak RSS of the process tree <= {TARGETS['rss_mb']:,} MB in every step | {rss:,} MB "
                     f"({NAMES[worst]}) | {_mark(rss <= TARGETS['rss_mb'])} |")
    if "e_large_delivery" in s:
        e = s["e_large_delivery"]
        lines.append(f"| a {e['bytes'] / 2**30:.2f} GiB delivery read within {TARGETS['rss_mb']:,} MB | "
                     f"{e['peak_rss_mb']:,} MB, {e['wall_s']:.0f} s | {_mark(e['peak_rss_mb'] <= TARGETS['rss_mb'])} |")
    if reference is not None and s.get("a_full_rebuild", {}).get("us_per_row") \
            and reference["steps"].get("a_full_rebuild", {}).get("us_per_row"):
        mine, theirs = s["a_full_rebuild"]["us_per_row"], reference["steps"]["a_full_rebuild"]["us_per_row"]
        drift = mine / theirs - 1
        lines.append(f"| cost per row of (a) within {TARGETS['per_row_drift']:.0%} of scale `{reference['scale']}` | "
                     f"{mine:.2f} against {theirs:.2f} µs/row ({drift:+.1%}) | "
                     f"{_mark(abs(drift) <= TARGETS['per_row_drift'])} |")
    if "temporary_server_s" in ratios:
        lines.append(f"| Prefect's temporary server (t - c) | {ratios['temporary_server_s']:.1f} s a run | |")
    if "query" in r:
        q = r["query"]
        lines.append(f"| analyst query median < {TARGETS['query_ms']:.0f} ms | {q['median_ms_with_connect']} ms incl. "
                     f"opening the file, {q['median_ms_open_connection']} ms on an open connection ({q['rows']:,} rows) | "
                     f"{_mark(q['median_ms_with_connect'] < TARGETS['query_ms'])} |")
    return "\n".join(lines) + "\n"


def write_markdown() -> Path:
    results = []
    for path in sorted(BENCH.glob("results-*.json")):
        results.append(json.loads(path.read_text(encoding="utf-8")))
    order = {"demo": 0, "county": 1}
    results.sort(key=lambda r: (order.get(r["scale"], 2), r["scale"]))
    county = next((r for r in results if r["scale"] == "county"), None)
    parts = ["# socek benchmark results", "",
             "Written by `make bench SCALE=...` (`bench/run.py`); see `bench/README.md` for what each step "
             "measures. Numbers are from the machine named in each section; the load average says how busy it was.", ""]
    for r in results:
        parts.append(scale_section(r, county if r["scale"].startswith("county-") else None))
        if "previous" in r:
            parts.append(scale_section(r["previous"], county if r["scale"].startswith("county-") else None,
                                       ", the run before"))
            parts.append(reproduction(r))
    analysis = BENCH / "analysis.md"
    if analysis.is_file():
        parts.append(analysis.read_text(encoding="utf-8"))
    out = BENCH / "results.md"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="socek benchmark (see bench/README.md)")
    parser.add_argument("--scale", default="1", help="1 (the demo), county, or county:F")
    parser.add_argument("--steps", default="adbcte", help="which of a, d, b, c, t, e to run (default all)")
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
