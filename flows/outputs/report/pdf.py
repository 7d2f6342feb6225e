"""A PDF beside the HTML, printed by headless Chromium when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flows.outputs.report.data import ReportError

AUTO = "auto"  # chromium=AUTO: use the installed Chromium if there is one


PDF_TIMEOUT_SECONDS = 120


def find_chromium() -> str | None:
    """The Chromium to print with: $SOCEK_CHROMIUM, /usr/bin/chromium, or one on PATH."""
    override = os.environ.get("SOCEK_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_base_args(chromium: str, profile_dir: str) -> list[str]:
    """Headless, sandbox-free (we may be root), and quiet: no background traffic of its own."""
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-dev-shm-usage", f"--user-data-dir={profile_dir}"]


def print_pdf(html_path: Path, pdf_path: Path, chromium: str, timeout: float = PDF_TIMEOUT_SECONDS) -> Path:
    """Print the page to PDF with headless Chromium (A4 from the page's print CSS)."""
    partial = pdf_path.with_name(pdf_path.name + ".partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="socek-chromium-") as profile:
        command = chromium_base_args(chromium, profile) + [
            "--no-pdf-header-footer", f"--print-to-pdf={partial}", Path(html_path).resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise ReportError(f"Chromium did not print {html_path} within {timeout:.0f} s") from None
        except OSError as exc:
            raise ReportError(f"cannot start Chromium ({chromium}): {exc}") from None
    if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ReportError(f"Chromium failed to print {html_path} (exit {done.returncode}): {' | '.join(tail)}")
    os.replace(partial, pdf_path)
    return pdf_path
