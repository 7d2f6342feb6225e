"""Outputs belong to a build: written beside their final names first, moved into place after the
build is published, and checked against the published build by the next run.

A run writes every delivery folder and report of its build under a staging name
(``<final>.staged-<run_id>``) *before* it publishes; only after the publish are they moved into place
(``commit``). A run killed before its publish leaves only staged names, which the next run removes.
A run killed between its publish and the end of the commit leaves staged outputs of the published
build: the next run moves them into place (and records that the killed run ended with errors). And
whatever happened to the output folders in between (a kill, a hand that deleted a file), each run
compares what exists with what the published build should have produced (``stale_deliveries``,
``stale_reports``: missing, or carrying another run id) and writes what is missing or stale.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from flows.errors import SocekError

STAGED = ".staged-"
_STAGED = re.compile(r"^(?P<final>.+)\.staged-(?P<run_id>[^/]+)$")
_RUN_META = re.compile(r'<meta name="socek:run_id" content="([^"]*)">')


class CommitError(SocekError):
    """A staged output could not be moved into place."""


@dataclass(frozen=True)
class Staged:
    """An output written under its staging name, and where it belongs."""

    final: Path
    staged: Path


def staged_path(final: Path, run_id: str) -> Path:
    return final.with_name(f"{final.name}{STAGED}{run_id}")


def commit(items: list[Staged]) -> list[Path]:
    """Move each staged output into place (a folder replaces the folder of the same name)."""
    done = []
    for item in items:
        try:
            if item.staged.is_dir():
                old = item.final.with_name(item.final.name + ".replaced")
                if old.exists():
                    shutil.rmtree(old)
                if item.final.exists():
                    os.replace(item.final, old)
                os.replace(item.staged, item.final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(item.staged, item.final)
        except OSError as exc:
            raise CommitError(f"cannot move {item.staged} into place as {item.final}: {exc.strerror or exc}") from None
        done.append(item.final)
    return done


def leftovers(exports_root: Path, reports_root: Path) -> dict[str, list[Staged]]:
    """Staged outputs left behind by earlier runs, by run id (deliveries and report files)."""
    found: dict[str, list[Staged]] = {}
    candidates = list(Path(exports_root).glob(f"*{STAGED}*")) + list(Path(reports_root).glob(f"*/*{STAGED}*"))
    for path in sorted(candidates):
        match = _STAGED.match(path.name)
        if match:
            found.setdefault(match.group("run_id"), []).append(Staged(path.with_name(match.group("final")), path))
    return found


def discard(items: list[Staged]) -> None:
    for item in items:
        if item.staged.is_dir():
            shutil.rmtree(item.staged, ignore_errors=True)
        else:
            item.staged.unlink(missing_ok=True)


def report_run_id(html: Path) -> str | None:
    """The run id a report page says it was built from (None: missing or unreadable)."""
    try:
        with open(html, encoding="utf-8") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    match = _RUN_META.search(head)
    return match.group(1) if match else None


# A municipality's report is reports/<kommun>/redovisning-<år>.html, the county's (the region's code)
# reports/<region>/lansrapport-<år>.html.
MUNICIPALITY_REPORT, COUNTY_REPORT = "redovisning", "lansrapport"


def report_stem(code: str, county_code: str | None) -> str:
    return COUNTY_REPORT if code == county_code else MUNICIPALITY_REPORT


def stale_reports(reports_root: Path, codes: list[str], run_id: str, want_pdf: bool,
                  county_code: str | None = None) -> dict[str, str]:
    """Reports (municipalities', and the county's for ``county_code``) that are missing, belong to
    another build, or (``want_pdf``) lack a PDF at least as new as their page: code -> what is wrong."""
    stale = {}
    for code in codes:
        pages = sorted(Path(reports_root, code).glob(f"{report_stem(code, county_code)}-*.html"))
        current = [page for page in pages if report_run_id(page) == run_id]
        if not current:
            stale[code] = "no report of this build" if pages else "no report"
            continue
        if want_pdf:
            lacking = [page for page in current if not _pdf_is_current(page)]
            if lacking:
                stale[code] = f"{lacking[0].with_suffix('.pdf').name} is missing or older than its page"
    return stale


def _pdf_is_current(page: Path) -> bool:
    pdf = page.with_suffix(".pdf")
    try:
        return pdf.stat().st_mtime >= page.stat().st_mtime and pdf.stat().st_size > 0
    except OSError:
        return False
