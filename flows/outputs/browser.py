"""One headless Chromium driven over the DevTools protocol (CDP): start it once, print many pages.

Starting Chromium costs about as much as printing a report, so a run prints every report PDF of
its build from one browser (``Browser.start_pdf``, ``finish_pdf``) instead of starting one per
page. The client is small and synchronous, on the ``websockets`` package: Chromium starts with
``--remote-debugging-port=0`` and writes the port it chose to ``DevToolsActivePort`` in its profile
folder; every command is sent with an id and its reply awaited (or collected later by that id), and
the events that arrive meanwhile are kept (the browser tests read them).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from websockets.sync.client import connect

from flows.errors import SocekError

START_TIMEOUT_SECONDS = 30
COMMAND_TIMEOUT_SECONDS = 30

# What ``chromium --print-to-pdf --no-pdf-header-footer`` asks for: the page's own @page size and
# margins, its backgrounds, no header or footer.
PDF_OPTIONS = {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False,
               "transferMode": "ReturnAsBase64"}


class BrowserError(SocekError):
    """Chromium did not start, or a DevTools command failed or timed out."""


def chromium_base_args(chromium: str, profile_dir: str) -> list[str]:
    """Headless, sandbox-free (we may be root), quiet (no background traffic of its own) and lean: no
    zygote, GPU and network service in the browser process, no spare renderer and no omnibox pages
    (measured: 3 processes and ~600 MB resident instead of 9 and ~1.1 GB while printing)."""
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-dev-shm-usage", "--no-zygote", "--in-process-gpu",
            "--enable-features=NetworkServiceInProcess2",
            "--disable-features=SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup,"
            "WebUIOmniboxFullPopup", f"--user-data-dir={profile_dir}"]


class Browser:
    """One headless Chromium process and a DevTools connection to it. Use as a context manager."""

    def __init__(self, binary: str, extra_args: tuple[str, ...] = ()):
        self.profile = tempfile.mkdtemp(prefix="socek-chromium-")
        self.log = open(Path(self.profile) / "chromium.log", "wb")
        args = chromium_base_args(binary, self.profile) + [
            "--remote-debugging-port=0", "--remote-allow-origins=*", *extra_args, "about:blank"]
        try:
            self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log)
        except OSError as exc:
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserError(f"cannot start Chromium ({binary}): {exc}") from None
        self.events: list[dict] = []
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._printer: str | None = None  # the tab pages are printed in, and its frame
        self._frame: str | None = None
        self.ws = None
        try:
            self.ws = connect(self._endpoint(), max_size=None, open_timeout=START_TIMEOUT_SECONDS)
        except Exception as exc:
            self.close()
            raise BrowserError(f"cannot connect to Chromium: {exc}") from None

    def _endpoint(self) -> str:
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrowserError(f"Chromium exited with {self.process.returncode}: {self._log_tail()}")
            if port_file.exists():
                lines = port_file.read_text().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise BrowserError(f"Chromium did not open its DevTools port within {START_TIMEOUT_SECONDS} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        self.log.flush()
        text = (Path(self.profile) / "chromium.log").read_text(errors="replace")
        return " | ".join(text.strip().splitlines()[-3:])

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = COMMAND_TIMEOUT_SECONDS) -> dict:
        """Send one command and return its result, keeping every event that arrives meanwhile."""
        return self.result(self.start(method, params, session), method, timeout)

    def start(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send one command without waiting for its reply (``result`` waits); returns its id."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            self.ws.send(json.dumps(message))
        except Exception as exc:  # the connection is gone: Chromium died
            raise BrowserError(f"{method}: Chromium is gone ({exc}): {self._log_tail()}") from None
        return self._next_id

    def result(self, command: int, method: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> dict:
        """The result of the command ``start`` sent as ``command`` (replies to others are kept)."""
        deadline = time.monotonic() + timeout
        while command not in self._replies:
            self._receive(deadline, method)
        reply = self._replies.pop(command)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_for(self, method: str, session: str | None = None, timeout: float = COMMAND_TIMEOUT_SECONDS) -> dict:
        """The first event ``method`` (of the session) not yet waited for."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event["method"] == method and (session is None or event.get("sessionId") == session) \
                        and not event.get("_consumed"):
                    event["_consumed"] = True
                    return event["params"]
            seen = len(self.events)
            self._receive(deadline, method)

    def _receive(self, deadline: float, waiting_for: str) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrowserError(f"timed out waiting for {waiting_for}")
        try:
            reply = json.loads(self.ws.recv(timeout=remaining))
        except TimeoutError:
            raise BrowserError(f"timed out waiting for {waiting_for}") from None
        except Exception as exc:  # connection closed
            raise BrowserError(f"Chromium is gone while waiting for {waiting_for} ({exc}): {self._log_tail()}") from None
        if "method" in reply:
            self.events.append(reply)
        elif "id" in reply:  # kept until ``result`` asks for it
            self._replies[reply["id"]] = reply
        return reply

    def open_target(self, url: str, domains: tuple[str, ...] = ("Page",), new: bool = True) -> str:
        """A page target navigated to ``url`` and loaded; returns its session id. ``new`` false: the tab
        Chromium started with (one renderer process fewer)."""
        if new:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        else:
            target = next(t["targetId"] for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in domains:
            self.send(f"{domain}.enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        return session

    def start_pdf(self, html: str) -> int:
        """Load a page given as its HTML and ask for its PDF without waiting (``finish_pdf`` waits and
        writes it): the caller can prepare the next page while Chromium prints this one. One page at
        a time: every page replaces the document of the same tab, with no navigation, so one renderer
        process prints them all (a navigation per page would start a renderer per page). The page
        must be self-contained: nothing is loaded from a base address."""
        if self._printer is None:
            self._printer = self.open_target("about:blank", new=False)
            self._frame = self.send("Page.getFrameTree", session=self._printer)["frameTree"]["frame"]["id"]
        self.send("Page.setDocumentContent", {"frameId": self._frame, "html": html}, session=self._printer)
        return self.start("Page.printToPDF", PDF_OPTIONS, session=self._printer)

    def finish_pdf(self, command: int, pdf_path: Path, timeout: float) -> Path:
        """Wait for the PDF ``start_pdf`` asked for and write it to ``pdf_path`` (beside it first,
        then renamed)."""
        data = self.result(command, "Page.printToPDF", timeout)["data"]
        partial = pdf_path.with_name(pdf_path.name + ".partial")
        partial.write_bytes(base64.b64decode(data))
        partial.replace(pdf_path)
        return pdf_path

    def close(self) -> None:
        try:
            if self.ws is not None:
                try:
                    self.send("Browser.close", timeout=5)
                except BrowserError:
                    pass
                self.ws.close()
        finally:
            if self.process.poll() is None:
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()  # only the process this object started
                    self.process.wait(timeout=5)
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
