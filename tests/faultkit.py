"""Helpers for the reliability and security tests: small private projects, CLI subprocesses,
content hashes of a warehouse and a personal-identity-number scan.

A *small project* is the shipped configuration cut down to three municipalities (1814 Lekeberg, the
story; 1880 Örebro and 1884 Nora, whose demo ledgers carry Skatteverket's official test personal
identity numbers) with the demo inbox at half scale, so a first run takes seconds, not a minute.
Reports are written without PDF (``SOCEK_CHROMIUM`` points at nothing) for the same reason.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import duckdb

from flows.common.personnummer import PREFILTER, PSEUDONYM, spans
from flows.config import Settings, load_config
from flows.demo.model import OFFICIAL_TEST_PERSONNUMMER
from tests.conftest import ROOT
from tests.e2e import write_config

SMALL_CODES = ("1814", "1880", "1884")
NO_CHROMIUM = "/nonexistent/chromium"
SOCEK = ROOT / ".venv" / "bin" / "socek"
# Skatteverket's official test numbers: the demo's own list, the only ones these tests look for.
TEST_PERSONNUMMER = OFFICIAL_TEST_PERSONNUMMER


# --- projects -------------------------------------------------------------------------------------

def write_small_config(folder: Path, codes: tuple[str, ...] = SMALL_CODES, *, webhook_url: str | None = None,
                       sources: dict[str, dict[str, object]] | None = None, environment: str = "demo") -> Path:
    """``folder/config/pipeline.toml``: the shipped config (see ``tests.e2e.write_config``, a demo
    environment unless ``environment="production"``) with only ``codes`` as municipalities, reports
    without PDF, an optional webhook, and ``sources`` overrides per section
    (``{"kolada": {"base_url": ...}}`` sets keys of ``[sources.kolada]``)."""
    config = write_config(folder, environment=environment, pdf="false")
    text = config.read_text(encoding="utf-8")
    head, *blocks = re.split(r"(?=^\[\[municipalities\]\]$)", text, flags=re.M)
    kept = []
    for block in blocks:
        body, rest = _split_block(block)
        code = re.search(r'^code = "(\d{4})"', body, flags=re.M).group(1)
        kept.append((body if code in codes else "") + rest)
    text = head + "".join(kept)
    if webhook_url:
        text = text.replace("[notify]\n", f'[notify]\nwebhook_url = "{webhook_url}"\n', 1)
    for section, values in (sources or {}).items():
        header = f"[sources.{section}]\n"
        assert header in text, header
        start = text.index(header) + len(header)
        end = text.find("\n[", start)
        block = text[start:end if end != -1 else len(text)]
        for key, value in values.items():
            line = f"{key} = {_toml(value)}"
            block, count = re.subn(rf"^{re.escape(key)} = .*$", line, block, count=1, flags=re.M)
            if not count:
                block = line + "\n" + block
        text = text[:start] + block + (text[end:] if end != -1 else "")
    config.write_text(text, encoding="utf-8")
    return config


def _split_block(block: str) -> tuple[str, str]:
    """A ``[[municipalities]]`` block and whatever follows it up to the next section."""
    match = re.search(r"\n(?=\n|\[)", block)
    return (block, "") if match is None else (block[:match.end()], block[match.end():])


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def small_project(folder: Path, *, scale: float = 0.5, **config_options) -> Settings:
    """A small project in ``folder``: config, demo inbox at ``scale`` and a local hashing key."""
    from flows.demo.deliveries import write_demo_inbox
    from flows.intake.pseudonymise import ensure_local_key

    settings = load_config(write_small_config(folder, **config_options))
    ensure_local_key(settings.path("secrets"))
    write_demo_inbox(settings, settings.path("inbox"), scale=scale)
    return settings


# --- the CLI as a subprocess ------------------------------------------------------------------------

def prefect_api_url() -> str | None:
    """The API URL of the session's Prefect test server (inside the ``prefect_server`` fixture)."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def cli_env(api_url: str | None = None, **extra: str) -> dict[str, str]:
    """Environment for ``socek`` subprocesses: no PDF, no stray fault variables, and the session's
    Prefect server when given (saves starting a temporary server per subprocess)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCEK_FAULT_", "PREFECT_"))}
    env.update(SOCEK_CHROMIUM=NO_CHROMIUM, GX_ANALYTICS_ENABLED="False", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


def run_cli(config: Path, *args: str, env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([str(SOCEK), "--config", str(config), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=config.parent.parent)


def start_cli(config: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    """Start ``socek`` in its own process group (so a kill reaches any child it started)."""
    return subprocess.Popen([str(SOCEK), "--config", str(config), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=config.parent.parent, start_new_session=True)


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 180) -> None:
    """Wait until ``path`` exists; fail with the process's output if it ends or time runs out."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            kill_group(process)
            out, err = process.communicate(timeout=30)
            raise AssertionError(f"{path} never appeared (exit {process.returncode})\n{out}\n{err}")
        time.sleep(0.1)


def kill_group(process: subprocess.Popen) -> None:
    """``kill -9`` the process group this test started (the run and any child of it)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


# --- what a warehouse holds ------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute("select schema_name, table_name from duckdb_tables() where not internal "
                       "and database_name = current_database() order by 1, 2").fetchall()


def content_hashes(published: Path, exclude: frozenset[tuple[str, str]] = frozenset({("meta", "runs")}),
                   ignore_columns: frozenset[str] = frozenset()) -> dict[str, str]:
    """Per table (``schema.table``), the row count and a hash of its rows as a multiset (row order
    does not matter), leaving out the tables in ``exclude`` and the columns in ``ignore_columns``."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        result = {}
        for schema, table in tables(con):
            if (schema, table) in exclude:
                continue
            columns = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                "and database_name = current_database() order by column_index", [schema, table]).fetchall()
                if c not in ignore_columns]
            row = "row(" + ", ".join(f'"{c}"' for c in columns) + ")"
            digest = con.execute(
                f"select count(*), coalesce(md5(string_agg(h, '' order by h)), '') from "
                f'(select md5(cast({row} as varchar)) as h from "{schema}"."{table}")').fetchone()
            result[f"{schema}.{table}"] = f"{digest[0]}:{digest[1]}"
        return result
    finally:
        con.close()


def personnummer_in_warehouse(published: Path) -> list[tuple[str, str]]:
    """Every personal identity number in any text column of any table or view: ``(where, number)``.

    DuckDB picks the candidate values with the detector's RE2 pre-filter (every typed form);
    ``personnummer.spans`` decides (date and check digit), so organisation numbers do not count, nor
    digit runs inside a pseudonym's hex digest.
    """
    con = duckdb.connect(str(published), read_only=True)
    try:
        columns: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in con.execute(
                "select schema_name, table_name, column_name from duckdb_columns() "
                "where data_type = 'VARCHAR' and not internal and database_name = current_database() "
                "order by 1, 2, column_index").fetchall():
            columns.setdefault((schema, table), []).append(column)
        found = []
        for (schema, table), names in columns.items():
            cells = ", ".join(f'{{\'c\': {_quote(n)}, \'v\': "{n}"}}' for n in names)
            values = con.execute(
                f"select distinct cell.c, cell.v from (select unnest([{cells}]) as cell "
                f'from "{schema}"."{table}") where regexp_matches(cell.v, ?)', [PREFILTER]).fetchall()
            found += [(f"{schema}.{table}.{column}", number) for column, value in values
                      for number in personnummer_in(value)]
        return found
    finally:
        con.close()


def personnummer_in(text: str) -> list[str]:
    """The personal identity numbers in ``text`` as written (pseudonyms left out)."""
    text = PSEUDONYM.sub("pnr:…", text)
    return [text[start:end] for start, end in spans(text)]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


# --- the quiet night: one small project run three times in this process, shared by several modules ---

# columns that name the run that wrote a row (meta.provenance.synthetic_since: the run that first loaded demo data)
# the columns naming the run that wrote a row, and what a run measured of itself (the disclosure
# step's seconds in meta.disclosure_audit)
RUN_IDENTITY = frozenset({"run_id", "_run_id", "_loaded_at", "synthetic_since", "seconds", "solver_seconds"})
_QUIET_NIGHT: dict | None = None


def quiet_night(base: Path) -> dict:
    """A small project (``base/quiet``) with a webhook, run three times on the same inputs in this
    process: a first run, a rerun, and a rerun with ``full_rebuild``. Computed once per session
    (the caller must hold the ``prefect_server`` fixture); returns what each run left behind."""
    global _QUIET_NIGHT
    if _QUIET_NIGHT is not None:
        return _QUIET_NIGHT
    from tests.support.httpserver import Reply, ScriptedServer

    hook = ScriptedServer()  # lives as long as the test session (daemon thread)
    hook.route("/hook", lambda request: Reply(json={"ok": True}), method="POST")
    hook.start()
    settings = small_project(base / "quiet", webhook_url=hook.url("/hook"))
    published, exports = settings.path("warehouse"), settings.path("exports")
    runs = []
    for number, full_rebuild in enumerate((False, False, True), start=1):
        removed = remove_some_outputs(settings) if number == 2 else []
        record = run_in_process(settings, full_rebuild=full_rebuild)
        runs.append({"record": record, "hashes": content_hashes(published),
                     "stable_hashes": content_hashes(published, ignore_columns=RUN_IDENTITY),
                     "exports": folder_bytes(exports), "reports": report_pages(settings),
                     "removed": removed, "hooks": len(hook.requests)})
        if len(runs) == 1:
            runs[0]["personnummer"] = personnummer_in_warehouse(published)
    _QUIET_NIGHT = {"settings": settings, "runs": runs, "hook": hook, "published": published}
    return _QUIET_NIGHT


def remove_some_outputs(settings: Settings) -> list[str]:
    """Delete Lekeberg's delivery folder and report page (as a crash or a hand might): a rerun with
    nothing new must write them again."""
    import shutil

    folder = next(settings.path("exports").glob("1814-*"))
    page = next((settings.path("reports") / "1814").glob("redovisning-*.html"))
    shutil.rmtree(folder)
    page.unlink()
    return [str(folder), str(page)]


def report_pages(settings: Settings) -> dict[str, bytes]:
    """Every council report page (the per-run validation reports aside)."""
    root = settings.path("reports")
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.glob("*/redovisning-*.html"))}


def without_run_id(files: dict[str, bytes]) -> dict[str, bytes]:
    """Delivery files with the build's run id (``socek:run_id``) and the checksum lines it changes left
    out: what a full rebuild of the same inputs must reproduce byte for byte."""
    result = {}
    for name, content in files.items():
        if name.endswith("datapackage.json"):
            content = re.sub(rb'\n  "socek:run_id": "[^"]*",?', b"", content)
        elif name.endswith("SHA256SUMS"):
            content = b"".join(line for line in content.splitlines(keepends=True) if not line.endswith(b"datapackage.json\n"))
        result[name] = content
    return result


def run_in_process(settings: Settings, **options) -> dict:
    """The nightly flow in this process on ``settings`` (no PDF); returns its record."""
    from flows.nightly import nightly

    saved = os.environ.get("SOCEK_CHROMIUM")
    os.environ["SOCEK_CHROMIUM"] = NO_CHROMIUM
    try:
        return nightly(config_path=str(settings.source_file), **options)
    finally:
        if saved is None:
            os.environ.pop("SOCEK_CHROMIUM", None)
        else:
            os.environ["SOCEK_CHROMIUM"] = saved
