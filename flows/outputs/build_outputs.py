"""Every output of one build: which deliveries and reports (every municipality's and the county's) to
write, written beside their places before the build is published, moved into place after it, and
checked (``flows.outputs.staging``).

A run that built new data writes every output. A run that found nothing new writes only what the
published build lacks: a delivery or report that is missing or carries another run id, a report
whose PDF is missing or older than its page. Nothing here writes an output of synthetic data to a
production folder.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flows.common import faults
from flows.config import Settings
from flows.outputs.delivery import (
    ExportError,
    ensure_writable_folder,
    stage_deliveries,
    stale_deliveries,
)
from flows.outputs.identity_guard import IdentityInOutputError
from flows.outputs.report.data import ReportError
from flows.outputs.report.pdf import AUTO
from flows.outputs.report.write import ReportJob, stage_reports
from flows.outputs.staging import (
    CommitError,
    Staged,
    commit,
    discard,
    leftovers,
    stale_reports,
)
from flows.warehouse.database import published_provenance


class SyntheticExportError(ExportError):
    """A database holding synthetic demo data, asked to write to a production folder."""


@dataclass
class BuildOutputs:
    """The outputs one run writes for the build it publishes."""

    build_run_id: str
    built_on: date
    staged: list[Staged] = field(default_factory=list)
    deliveries: list[str] = field(default_factory=list)  # kommunkoder written
    reports: list[str] = field(default_factory=list)
    failed_reports: dict[str, str] = field(default_factory=dict)  # kommunkod -> why (warned about)
    warnings: list[str] = field(default_factory=list)

    @property
    def finals(self) -> list[str]:
        return [str(item.final) for item in self.staged]


def refuse_synthetic(settings: Settings, source: dict, database: Path) -> None:
    """A database that loaded synthetic data never writes to the outputs of a production configuration."""
    if source.get("synthetic") and not settings.is_demo:
        raise SyntheticExportError(
            f"{database} holds synthetic demo data (meta.provenance: since run {source.get('synthetic_since')}, "
            f"{source.get('synthetic_reason')}); refusing to write it to the production folders "
            f"{settings.path('exports')} and {settings.path('reports')}. Use the demo configuration "
            "(config/demo.toml), or rebuild from real deliveries with `socek run --full-rebuild`")


def stage(settings: Settings, database: Path, run_id: str, everything: bool) -> BuildOutputs:
    """Write the outputs of the build in ``database`` under staging names (all of them, or with
    ``everything`` false only the missing and stale ones); a delivery that cannot be written (or
    would carry a personal identity number) is an error, a report that cannot be rendered or
    printed (or would carry one) a warning."""
    source = published_provenance(database)
    refuse_synthetic(settings, source, database)
    if not source.get("run_id"):
        raise ExportError(f"{database}: meta.provenance names no build; cannot tell which outputs belong to it")
    out = BuildOutputs(source["run_id"], source["built_on"])
    exports, reports = settings.path("exports"), settings.path("reports")
    # one delivery and one report per code: every municipality's, then the county's (the region's code)
    codes = delivery_codes = settings.delivery_codes
    deliveries = delivery_codes if everything else sorted(
        stale_deliveries(exports, delivery_codes, out.built_on, out.build_run_id))
    stale = {} if everything else stale_reports(reports, codes, out.build_run_id, settings.report.pdf,
                                                settings.region.indicator_code)
    report_codes = codes if everything else [code for code in codes if code in stale]
    if deliveries:
        ensure_writable_folder(exports)
    try:
        with closing(stage_deliveries(database, exports, deliveries, out.built_on, run_id)) as written:
            for code, staged_delivery in zip(deliveries, written):
                out.staged.append(staged_delivery)
                out.deliveries.append(code)
                faults.checkpoint("export")  # the crash tests kill the run here: nothing is published yet
        jobs = [ReportJob(code) for code in report_codes]
        staged = stage_reports(database, reports, jobs, run_id, chromium=AUTO if settings.report.pdf else None)
        for job in jobs:
            report = staged[job.code]
            if isinstance(report, (ReportError, IdentityInOutputError, OSError)):
                out.failed_reports[job.code] = str(report)
                out.warnings.append(f"report {job.code}: {report}")
                continue
            out.staged.extend(report.outputs)
            out.reports.append(job.code)
            if report.pdf_problem:
                kept = report.html_path.with_suffix(".pdf")
                old = f"; the older {kept.name} is left as it was" if kept.exists() else ""
                out.warnings.append(f"report {job.code}: {report.pdf_problem}{old}")
            faults.checkpoint("report")
    except BaseException:
        discard(out.staged)
        raise
    return out


def put_in_place(settings: Settings, out: BuildOutputs) -> list[str]:
    """Move the staged outputs into place after the publish, then check that every output of the
    build exists; returns what is still wrong (empty: complete)."""
    try:
        for item in out.staged:
            commit([item])
            faults.checkpoint("commit")  # the crash tests kill the run here: published, outputs half moved
    except CommitError as exc:
        return [str(exc)]
    return check(settings, out.build_run_id, out.built_on, skip_reports=set(out.failed_reports))


def check(settings: Settings, build_run_id: str, built_on: date, skip_reports: set[str] = frozenset()) -> list[str]:
    """What is missing or stale among the outputs of a build (the PDFs aside: a missing PDF is a warning)."""
    codes = settings.delivery_codes  # the municipalities' reports and the county report
    wrong = [f"delivery {code}: {why}" for code, why in
             stale_deliveries(settings.path("exports"), settings.delivery_codes, built_on, build_run_id).items()]
    wrong += [f"report {code}: {why}" for code, why in
              stale_reports(settings.path("reports"), [c for c in codes if c not in skip_reports], build_run_id,
                            want_pdf=False, county_code=settings.region.indicator_code).items()]
    return wrong


def settle(settings: Settings, published_run: str | None) -> tuple[list[str], list[Path]]:
    """Staged outputs left behind by earlier runs: those of ``published_run`` (the run that published
    the current database, killed before it had moved them all) are moved into place; the others
    belong to runs that never published and are removed. Returns the completed run ids and the
    outputs moved."""
    completed, moved = [], []
    for run_id, items in leftovers(settings.path("exports"), settings.path("reports")).items():
        if run_id == published_run:
            moved += commit(items)
            completed.append(run_id)
        else:
            discard(items)
    return completed, moved
