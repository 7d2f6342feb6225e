"""Which Chromium prints the reports' PDFs (``flows.outputs.report.browser`` drives it), and the
setup that installs it.

``python -m flows.outputs.report.pdf`` (``make browser``, run by both ``make run`` and ``make test``)
makes Chromium available: when none is found, we are root and apt-get exists, it installs Debian's
``chromium``. It prints what it did and never fails the build; a run that then cannot print says so
as a warning in its record ("no PDF: Chromium is not installed").
"""

from __future__ import annotations

import os
import shutil
import subprocess

AUTO = "auto"  # chromium=AUTO: use the installed Chromium if there is one


PDF_TIMEOUT_SECONDS = 120  # one page
APT_TIMEOUT_SECONDS = 900


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


# --- setup: install Chromium when it is missing (make browser) ------------------------------------

def _apt(command: list[str]) -> bool:
    print("socek browser setup: $ " + " ".join(command), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        done = subprocess.run(command, env=env, timeout=APT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"socek browser setup: {command[0]} failed: {exc}", flush=True)
        return False
    if done.returncode != 0:
        print(f"socek browser setup: {' '.join(command[:2])} exited with {done.returncode}", flush=True)
    return done.returncode == 0


def ensure_chromium() -> str | None:
    """Install Chromium if it is missing and that is possible; the binary, or None with the reason printed."""
    found = find_chromium()
    if found:
        print(f"socek browser setup: Chromium present at {found}; reports get their PDF.")
        return found
    if os.geteuid() != 0:
        print("socek browser setup: Chromium is missing and we are not root; not installing. Reports will "
              "have no PDF (a warning in every run) until `apt-get install chromium` is run.")
        return None
    apt = shutil.which("apt-get")
    if not apt:
        print("socek browser setup: Chromium is missing and apt-get is not available; reports will have no PDF "
              "(a warning in every run) until a Chromium is installed or SOCEK_CHROMIUM names one.")
        return None
    if not _apt([apt, "update"]):
        print("socek browser setup: apt-get update failed; trying the install with the cached package lists.")
    if not _apt([apt, "install", "-y", "--no-install-recommends", "chromium"]):
        print("socek browser setup: could not install chromium; reports will have no PDF (a warning in every run).")
        return None
    found = find_chromium()
    print(f"socek browser setup: installed Chromium at {found}." if found
          else "socek browser setup: chromium installed but no binary found at /usr/bin/chromium.")
    return found


def main() -> int:
    try:
        ensure_chromium()
    except Exception as exc:  # noqa: BLE001 - never fail the build here; runs report a missing PDF
        print(f"socek browser setup: unexpected error, continuing without Chromium: {exc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
