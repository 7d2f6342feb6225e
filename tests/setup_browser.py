"""Make headless Chromium available for the browser tests (``python -m tests.setup_browser``).

``make test`` runs this before pytest. When no Chromium is found (``flows.outputs.report.sections.find_chromium``:
$SOCEK_CHROMIUM, /usr/bin/chromium, or one on PATH), we are root and apt is available, it installs
Debian's ``chromium`` (apt-get update, then install -y --no-install-recommends chromium). It prints
what it did and never fails the build: when the install is impossible the browser tests in
``tests/test_report_browser.py`` fail with the reason on CI (and are skipped with it elsewhere);
they never silently pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

APT_TIMEOUT_SECONDS = 900


def find_chromium() -> str | None:
    """The Chromium the report and its tests will use (``flows.outputs.report.sections.find_chromium``)."""
    from flows.outputs.report.pdf import find_chromium as find

    return find()


def _run(command: list[str]) -> bool:
    print("setup_browser: $ " + " ".join(command), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        done = subprocess.run(command, env=env, timeout=APT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"setup_browser: {command[0]} failed: {exc}", flush=True)
        return False
    if done.returncode != 0:
        print(f"setup_browser: {' '.join(command[:2])} exited with {done.returncode}", flush=True)
    return done.returncode == 0


def ensure_chromium() -> str | None:
    """Install Chromium if possible; return the binary path, or None with the reason printed."""
    found = find_chromium()
    if found:
        print(f"setup_browser: Chromium present at {found}; nothing to do.")
        return found
    if os.geteuid() != 0:
        print("setup_browser: Chromium is missing and we are not root; not installing. "
              "The browser tests will fail until `apt-get install chromium` is run.")
        return None
    apt = shutil.which("apt-get")
    if not apt:
        print("setup_browser: Chromium is missing and apt-get is not available; not installing. "
              "The browser tests will fail until a Chromium is installed (or SOCEK_CHROMIUM is set).")
        return None
    if not _run([apt, "update"]):
        print("setup_browser: apt-get update failed; trying the install with the cached package lists.")
    if not _run([apt, "install", "-y", "--no-install-recommends", "chromium"]):
        print("setup_browser: could not install chromium; the browser tests will fail with this reason.")
        return None
    found = find_chromium()
    print(f"setup_browser: installed Chromium at {found}." if found
          else "setup_browser: chromium installed but no binary found at /usr/bin/chromium.")
    return found


def main() -> int:
    try:
        ensure_chromium()
    except Exception as exc:  # never fail the build here; the browser tests report the problem
        print(f"setup_browser: unexpected error, continuing without Chromium: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
