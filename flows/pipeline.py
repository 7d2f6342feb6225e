"""The nightly run as plain functions, one per stage; ``flows.nightly`` wraps them in Prefect.

intake (read and validate the new inbox deliveries, hold back shrinking registers) -> collect
(Kolada, SCB, bulk registers) -> load and transform (or, with nothing new, a copy of the published
database) -> outputs (deliveries and reports of the build, staged beside their places) -> publish
(checks, the run record written into the build, one atomic swap, kept as a generation) -> commit
(the staged outputs moved into place, then checked). Stages hand each other plain data and file
paths (never a database connection), so each can be called and tested on its own.

Run states (``meta.runs.status``): ``succeeded``; ``warnings`` (published, something to read);
``published_with_errors`` (published, but a later step failed: an output could not be put in place,
or the run was killed after its publish, which the next run records); ``failed`` (nothing
published); ``restored`` (``socek restore``).
"""

from __future__ import annotations

import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from flows.catalogue import catalogue_frame
from flows.common import faults
from flows.common.memory import release_unused
from flows.config import Settings
from flows.intake import deliveries, feeds, holdback, warm
from flows.intake.deliveries import Intake, Mapper
from flows.intake.pseudonymise import load_hash_key
from flows.intake.validation_report import add_disclosure_audit, write_validation_report
from flows.intake.worker import process_unit
from flows.outputs import build_outputs
from flows.outputs.build_outputs import BuildOutputs
from flows.outputs.delivery import ExportError, ensure_writable_folder
from flows.outputs.staging import discard
from flows.sources import collect as sources_mod
from flows.sources.collect import ExternalData
from flows.warehouse import checks, database, meta_tables, sql_runner
from flows.warehouse import load as loading
from flows.warehouse import publish as publishing
from flows.warehouse.sqlsafe import qualified

SUCCEEDED, WARNINGS, FAILED = "succeeded", "warnings", "failed"
PUBLISHED_WITH_ERRORS, RESTORED = "published_with_errors", "restored"


@dataclass
class RunState:
    """What one run knows about itself; becomes its meta.runs row."""

    run_id: str
    mode: str
    started_at: datetime
    today: date
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files_seen: int = 0
    files_new: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    build_file: Path | None = None
    published: bool = False
    outputs: list[str] = field(default_factory=list)
    built: BuildOutputs | None = None  # the outputs staged for the build this run publishes
    interrupted: list[str] = field(default_factory=list)  # earlier runs killed between publish and commit
    status: str = SUCCEEDED
    error: str | None = None
    finished_at: datetime | None = None
    full_rebuild: bool = False  # build from an empty database: every inbox file is read again
    copied: bool = False  # nothing new: the build is a copy of the published database

    @property
    def outcome(self) -> str:
        return WARNINGS if self.warnings else SUCCEEDED

    def record(self) -> dict:
        return {
            "run_id": self.run_id, "started_at": self.started_at.replace(tzinfo=None),
            "finished_at": (self.finished_at or datetime.now(timezone.utc)).replace(tzinfo=None),
            "status": self.status, "mode": self.mode, "files_seen": self.files_seen,
            "files_new": self.files_new, "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined, "warnings": "\n".join(self.warnings) or None,
            "error": self.error, "stage_timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def new_run(settings: Settings, mode: str | None = None, today: date | None = None) -> RunState:
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    local_today = today or started.astimezone(ZoneInfo(settings.schedule.timezone)).date()
    return RunState(run_id=run_id, mode=mode or settings.mode, started_at=started, today=local_today)


@contextmanager
def timed(run: RunState, stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        run.timings[stage] = run.timings.get(stage, 0.0) + time.perf_counter() - start


# --- stages ------------------------------------------------------------------------------------

def effective_settings(settings: Settings, run: RunState) -> Settings:
    """The settings with the run's mode (``socek run --live`` overrides the configured mode)."""
    return settings if settings.mode == run.mode else settings.model_copy(update={"mode": run.mode})


def intake(settings: Settings, run: RunState, mapper: Mapper | None = None) -> Intake:
    """Read and validate the new inbox deliveries per municipality (in parallel: ``mapper``, by
    default worker processes), hold back register deliveries that would shrink their register
    (``flows.intake.holdback``) and write the run's validation report."""
    published = settings.path("warehouse")
    known = database.known_files(published)
    if run.full_rebuild:  # the build starts empty, so every delivery must be read again
        known = known.iloc[0:0]
    pulled = feeds.fetch_feeds(settings, run.today)  # municipal feeds: land what changed (warnings, never raises)
    run.warnings.extend(pulled.warnings)
    try:
        result = deliveries.read_deliveries(settings, known, load_hash_key(settings.path("secrets")), process_unit,
                                            mapper=mapper,
                                            feeds=feeds.feed_deliveries(settings, run.warnings.append),
                                            warm_worker=warm.take(), warm_workers=warm.size())
    finally:
        warm.stop()  # the worker `socek run` may have warmed up: used by now, or not needed
    if result.files_new:
        release_unused()  # a big read's freed memory goes back before the later stages
    for part, seconds in result.cpu_seconds.items():
        run.timings[f"intake_{part}_cpu"] = seconds
    holdback.hold_back(result, database.register_rows(published, holdback.REGISTERS),
                       settings.thresholds.register_shrink_share, holdback.accepted_hashes(published))
    run.files_seen, run.files_new = result.files_seen, result.files_new
    run.rows_loaded, run.rows_quarantined = result.rows_loaded, result.rows_quarantined
    run.warnings.extend(result.warnings)
    write_validation_report(settings.path("reports") / "validation", result, run.run_id)
    return result


def collect(settings: Settings, run: RunState, result: Intake) -> ExternalData:
    """Collect the regional and national sources; the bulk registers keep the rows of every
    enterprise in a register (published, or read in this run)."""
    keep = database.registered_orgnrs(settings.path("warehouse")) | result.orgnrs
    sources = sources_mod.collect_all(effective_settings(settings, run), run.today, keep)
    run.warnings.extend(sources.warnings)
    return sources


def nothing_new(settings: Settings, run: RunState, result: Intake, sources: ExternalData) -> bool:
    """True when a build would reproduce the published database: no new file, every external
    payload unchanged and obtained the same way (live, replayed or fallen back: the P flags follow
    ``meta.source_status``), and the same municipalities, parameters (incl. the ``sql/`` fingerprint)
    and catalogue. Such a run copies the published database, writes the outputs it lacks and
    records itself (the rerun costs seconds, not a rebuild)."""
    published = settings.path("warehouse")
    if result.files_new or not published.exists():
        return False
    con = database.connect(published, read_only=True)
    try:
        if not database.provenance(con).get("run_id"):  # built before provenance was recorded
            return False
        status = {r[0]: (r[1], bool(r[2])) for r in con.execute(
            "select source, origin, provisional from meta.source_status").fetchall()}
        if status != {name: (r.origin, r.provisional) for name, r in sources.results.items()}:
            return False  # a source fell back (or came back): its values' flags change, so rebuild
        for table, source in sources_mod.RAW_TABLES.items():
            frame = sources_mod.with_lineage(sources.results[source].tables[table], sources.results[source], run.run_id)
            if not sources_mod.unchanged(database.payload_hashes(con, table), frame):
                return False
        expected = {"municipalities": meta_tables.municipalities_frame(settings),
                    "parameters": meta_tables.parameters_frame(settings),
                    "datasets": meta_tables.datasets_frame(),
                    "indicator_catalogue": catalogue_frame()}
        for table, frame in expected.items():
            current = con.execute(f"select * from meta.{table}").df()
            columns = [c for c in current.columns if c in frame.columns]
            if len(columns) != len(current.columns) or not _same_rows(current[columns], frame[columns]):
                return False
    except Exception:  # an older or damaged database: rebuild rather than guess
        return False
    finally:
        con.close()
    return True


def _same_rows(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    def canonical(frame: pd.DataFrame) -> list[tuple]:
        return sorted(tuple("" if pd.isna(v) else str(v) for v in row) for row in frame.itertuples(index=False))
    return len(left) == len(right) and canonical(left) == canonical(right)


def load(settings: Settings, run: RunState, result: Intake, sources: ExternalData,
         full_rebuild: bool = False) -> Path:
    """Copy the published database to a build file and load the new rows and records into it."""
    published = settings.path("warehouse")
    check_export_folder(settings)  # fail before an hour of building, not after it
    for stale in publishing.remove_stale_builds(published):  # left by a killed run (we hold the run lock)
        print(f"removed {stale}, left behind by an interrupted run")
    build = publishing.start_build(published, run.run_id, full_rebuild=full_rebuild)
    run.build_file = build
    loaded_at = run.started_at.replace(tzinfo=None)
    con = database.connect(build)
    try:
        con.execute("begin transaction")
        sql_runner.create_tables(con)
        if full_rebuild:
            keep_run_history(con, published)
        meta_tables.write_settings(con, settings)
        for batch in result.batches.values():
            loading.insert_file_records(con, batch.files, run.run_id)
            loading.insert_raw(con, batch, run.run_id, loaded_at)
            loading.insert_frame(con, "quarantine", batch.quarantine, run.run_id)
            loading.insert_frame(con, "validation_results", batch.results, run.run_id)
        loading.apply_supersession(con)
        load_external(con, sources, run.run_id)
        record_provenance(con, run, result, sources)
        faults.checkpoint("load")  # the crash tests kill the run here (see flows/faults.py)
        con.execute("commit")
    finally:
        con.close()
    return build


def copy_published(settings: Settings, run: RunState) -> Path:
    """With nothing new: the build is a copy of the published database (the run records itself in it
    and writes the outputs the published build lacks)."""
    published = settings.path("warehouse")
    for stale in publishing.remove_stale_builds(published):
        print(f"removed {stale}, left behind by an interrupted run")
    run.build_file = publishing.start_build(published, run.run_id)
    run.copied = True
    con = database.connect(run.build_file)
    try:
        sql_runner.create_tables(con)
    finally:
        con.close()
    return run.build_file


def record_provenance(con, run: RunState, result: Intake, sources: ExternalData) -> None:
    """This run built the data; the database is synthetic if it was before (a full rebuild starts
    clean) or if this run loaded a synthetic file or replayed synthetic recordings."""
    before = database.provenance(con)
    files = result.synthetic_loaded
    parts = ([f"{len(files)} synthetic file(s), e.g. {files[0].path}"] if files else [])
    parts += [f"synthetic recordings of {', '.join(sources.synthetic)}"] if sources.synthetic else []
    synthetic = bool(before.get("synthetic")) or bool(parts)
    row = {"run_id": run.run_id, "built_on": run.today, "synthetic": synthetic,
           "synthetic_since": before.get("synthetic_since") or (run.run_id if parts else None),
           "synthetic_reason": before.get("synthetic_reason") or ("; ".join(parts) or None)}
    loading.replace_table(con, "meta", "provenance", pd.DataFrame([row]))


def keep_run_history(con, published: Path) -> None:
    """A full rebuild starts from an empty database but keeps ``meta.runs``: the run history is a
    record of what happened, not something the inbox can reproduce."""
    if not published.exists():
        return
    previous = database.connect(published, read_only=True)
    try:
        runs = previous.execute("select * from meta.runs").df()
    finally:
        previous.close()
    con.register("_previous_runs", runs)
    try:
        con.execute("insert into meta.runs by name select * from _previous_runs")
    finally:
        con.unregister("_previous_runs")


def load_external(con, sources: ExternalData, run_id: str) -> None:
    """Replace each external raw table whose payloads changed; record how each source was obtained.

    The same bulk file yields more rows once a newly delivered register lists more org nrs (they
    are kept whatever their legal form or address), so a table is kept only when both its payload
    hashes and its row count are unchanged.
    """
    for table, source in sources_mod.RAW_TABLES.items():
        result = sources.results[source]
        frame = sources_mod.with_lineage(result.tables[table], result, run_id)
        held = con.execute(f"select count(*) from {qualified('raw', table)}").fetchone()[0]
        if sources_mod.unchanged(database.payload_hashes(con, table), frame) and held == len(frame):
            continue
        loading.replace_table(con, "raw", table, frame)
    loading.replace_table(con, "meta", "source_status", sources.status_frame(run_id))


def transform(settings: Settings, run: RunState) -> int:
    """Run every file of sql/ against the build file."""
    con = database.connect(run.build_file)
    try:
        return len(sql_runner.transform(con))
    finally:
        con.close()


def disclose(settings: Settings, run: RunState) -> None:
    """Disclosure control of the build: decide and audit the suppression pattern of everything it
    would publish (``outputs.disclosure.control``), then rebuild what is materialised from it. A
    pattern that fails the audit raises ``DisclosureError`` naming the cell: nothing is published."""
    # imported here: the disclosure engine (SciPy) is loaded only when a build is made
    from flows.outputs.disclosure import control

    con = database.connect(run.build_file)
    try:
        decision = control.disclose(con, run.run_id, load_hash_key(settings.path("secrets")),
                                    workers=settings.runner.workers)
    finally:
        con.close()
    print(f"disclosure control: {decision.parts} parts of the model hold a primary cell; the pattern of "
          f"{decision.parts_remembered} came from the build before (unchanged), {decision.parts - decision.parts_remembered} "
          "were decided now; the whole pattern was audited")
    rows = decision.audit_rows(run.run_id)
    add_disclosure_audit(settings.path("reports") / "validation", run.run_id,
                         rows.astype(object).where(rows.notna(), None).to_dict("records"))


def settle_earlier_outputs(settings: Settings, run: RunState) -> None:
    """Outputs staged by earlier runs: a run killed between its publish and the end of its commit
    left the outputs of the published build; move them into place and remember the run, so its
    record is corrected in this run's database. Outputs of runs that never published are removed."""
    latest = database.latest_run(settings.path("warehouse"))
    published_run = latest[0] if latest and latest[1] in (SUCCEEDED, WARNINGS) else None
    completed, moved = build_outputs.settle(settings, published_run)
    for run_id in completed:
        run.interrupted.append(run_id)
        run.warnings.append(f"run {run_id} was interrupted after publishing; {len(moved)} of its outputs were "
                            "moved into place now and it is recorded as published_with_errors")


def outputs(settings: Settings, run: RunState, everything: bool) -> BuildOutputs:
    """Write the outputs of the build (all of them after a new build, else what the published build
    lacks) beside their places; they go into place only after the publish."""
    write_record(run)  # the report names the run behind its figures: record it in the build first
    built = build_outputs.stage(settings, run.build_file, run.run_id, everything)
    run.built = built
    run.warnings.extend(built.warnings)
    return built


def write_record(run: RunState) -> None:
    con = database.connect(run.build_file)
    try:
        run.status = run.outcome
        run.finished_at = datetime.now(timezone.utc)
        loading.record_run(con, run.record())
        for run_id in run.interrupted:
            con.execute("update meta.runs set status = ?, error = coalesce(error || '; ', '') || ? "
                        "where run_id = ? and status <> ?",
                        [PUBLISHED_WITH_ERRORS, f"interrupted after publishing; its outputs were completed by run "
                                                f"{run.run_id}", run_id, PUBLISHED_WITH_ERRORS])
        con.execute("checkpoint")
    finally:
        con.close()


def publish(settings: Settings, run: RunState) -> None:
    """Check the build (accounting, every view selectable), record the run in it, swap it into place
    and keep it as a generation. A copy of the published database (nothing new) was checked when
    it was built, with the same SQL: only the run record is added."""
    if not run.copied:
        con = database.connect(run.build_file)
        try:
            checks.check_accounting(con)
            checks.check_views(con)
        finally:
            con.close()
    write_record(run)
    check_export_folder(settings)
    try:
        publishing.publish(run.build_file, settings.path("warehouse"), run.run_id, settings.warehouse.keep_generations)
    except publishing.GenerationError:
        run.published = True
        raise
    run.published = True


def commit(settings: Settings, run: RunState) -> None:
    """After the publish: move the staged outputs into place and check that every output of the
    published build exists. Anything wrong now is ``published_with_errors``: the data are published."""
    built = run.built
    if built is None:
        return
    problems = build_outputs.put_in_place(settings, built)
    run.outputs.extend(built.finals)
    if problems:
        run.status = PUBLISHED_WITH_ERRORS
        run.error = "published, but outputs are missing: " + "; ".join(problems)


def check_export_folder(settings: Settings) -> None:
    """An export folder that cannot be written fails the run before anything is published."""
    try:
        ensure_writable_folder(settings.path("exports"))
    except ExportError as exc:
        raise ExportError(f"{exc}; nothing was published, the last good database is unchanged") from None


def discard_build(run: RunState) -> None:
    """Remove an unpublished build file and the outputs staged for it (after a failure)."""
    if run.published:
        return
    if run.built is not None:
        discard(run.built.staged)
    if run.build_file:
        for path in (run.build_file, run.build_file.with_name(run.build_file.name + ".wal")):
            path.unlink(missing_ok=True)


def record_failure(settings: Settings, run: RunState, error: BaseException) -> None:
    """Record a failed run in meta.runs by a small publish of the published database.

    A run that fails after its publish is ``published_with_errors`` (its data are published; its
    record cannot change any more). Before the publish, only meta.runs changes; if there is no
    published database yet, nothing is written.
    """
    if run.published:
        run.status, run.error = PUBLISHED_WITH_ERRORS, f"{type(error).__name__}: {error}"
        run.finished_at = datetime.now(timezone.utc)
        return
    run.status, run.error = FAILED, f"{type(error).__name__}: {error}"
    run.finished_at = datetime.now(timezone.utc)
    published = settings.path("warehouse")
    discard_build(run)
    if not published.exists():
        return
    build = database.build_path(published, run.run_id + "-failed")
    try:
        publishing.start_build(published, run.run_id + "-failed")
        con = database.connect(build)
        try:
            sql_runner.create_tables(con)
            loading.record_run(con, run.record())
            con.execute("checkpoint")
        finally:
            con.close()
        publishing.publish(build, published, run.run_id, settings.warehouse.keep_generations)
    except Exception as exc:  # noqa: BLE001 - e.g. the disk that failed the run is still full
        # The run's own error stands and is reported; the published database stays as it was.
        for path in (build, build.with_name(build.name + ".wal")):
            path.unlink(missing_ok=True)
        run.error += f" (and the failure could not be recorded in meta.runs: {exc})"


def summary_markdown(run: RunState) -> str:
    """The run summary published as a Prefect artifact."""
    timings = "\n".join(f"| {k} | {v:.2f} s |" for k, v in run.timings.items())
    warnings = "\n".join(f"- {w}" for w in run.warnings[:100]) or "- none"
    return (f"# socek run {run.run_id}\n\n**Status:** {run.status}  \n**Mode:** {run.mode}\n\n"
            f"| files seen | new | rows loaded | rows quarantined |\n|---|---|---|---|\n"
            f"| {run.files_seen} | {run.files_new} | {run.rows_loaded} | {run.rows_quarantined} |\n\n"
            f"| stage | time |\n|---|---|\n{timings}\n\n## Warnings\n{warnings}\n")
