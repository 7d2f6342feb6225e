"""Drive headless Chromium over the DevTools protocol (CDP) for the report's browser tests.

A small synchronous client on the ``websockets`` package (already installed as a dependency of
Prefect): start Chromium with ``--remote-debugging-port=0``, read the port it chose from
``DevToolsActivePort`` in its profile folder, open a page target and send commands with its session
id. Every event is kept, so a test can ask afterwards for console errors, uncaught exceptions and
every URL the page requested. Chromium runs with the same quiet flags as the PDF printer plus a
host-resolver rule that resolves no name but 127.0.0.1, so even a stray request could not leave the
machine; the test still asserts that none was made.
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

from flows.outputs.report.pdf import chromium_base_args

START_TIMEOUT_SECONDS = 30
COMMAND_TIMEOUT_SECONDS = 30


class CdpError(RuntimeError):
    """Chromium did not start, or a DevTools command failed or timed out."""


class Browser:
    """One headless Chromium process and a DevTools connection to it. Use as a context manager."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900):
        self.profile = tempfile.mkdtemp(prefix="socek-cdp-")
        self.log = open(Path(self.profile) / "chromium.log", "wb")
        args = chromium_base_args(binary, self.profile) + [
            "--remote-debugging-port=0", "--remote-allow-origins=*", f"--window-size={width},{height}",
            "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "about:blank"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log)
        self.events: list[dict] = []
        self._next_id = 0
        try:
            self.ws = connect(self._endpoint(), max_size=None, open_timeout=START_TIMEOUT_SECONDS)
        except Exception:
            self.close()
            raise

    def _endpoint(self) -> str:
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CdpError(f"Chromium exited with {self.process.returncode}: {self._log_tail()}")
            if port_file.exists():
                lines = port_file.read_text().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise CdpError(f"Chromium did not open its DevTools port within {START_TIMEOUT_SECONDS} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        self.log.flush()
        text = (Path(self.profile) / "chromium.log").read_text(errors="replace")
        return " | ".join(text.strip().splitlines()[-3:])

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = COMMAND_TIMEOUT_SECONDS) -> dict:
        """Send one command and return its result, keeping every event that arrives meanwhile."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
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
            raise CdpError(f"timed out waiting for {waiting_for}")
        try:
            reply = json.loads(self.ws.recv(timeout=remaining))
        except TimeoutError:
            raise CdpError(f"timed out waiting for {waiting_for}") from None
        if "method" in reply:
            self.events.append(reply)
        return reply

    def open(self, url: str) -> "Page":
        """A new page with console, log and network events on, navigated to ``url`` and loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        return page

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                try:
                    self.send("Browser.close", timeout=5)
                except Exception:
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


class Page:
    """One page target of a ``Browser``."""

    def __init__(self, browser: Browser, session: str):
        self.browser, self.session = browser, session

    def _events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events
                if e["method"] == method and e.get("sessionId") == self.session]

    def evaluate(self, expression: str):
        """The JSON value of a JavaScript expression evaluated in the page."""
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                   session=self.session)
        if "exceptionDetails" in result:
            raise CdpError(f"evaluation failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def console_errors(self) -> list[str]:
        """Console errors and assertions, uncaught exceptions and error log entries (e.g. a failed load)."""
        errors = [" ".join(str(a.get("value", a.get("description", ""))) for a in e["args"])
                  for e in self._events("Runtime.consoleAPICalled") if e["type"] in ("error", "assert")]
        errors += [e["exceptionDetails"].get("text", "exception") for e in self._events("Runtime.exceptionThrown")]
        errors += [f"{e['entry']['source']}: {e['entry']['text']}" for e in self._events("Log.entryAdded")
                   if e["entry"]["level"] == "error"]
        return errors

    def requested_urls(self) -> list[str]:
        return [e["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    def emulate_media(self, media: str) -> None:
        self.browser.send("Emulation.setEmulatedMedia", {"media": media}, session=self.session)

    def screenshot(self, path: Path, clip: dict | None = None) -> Path:
        """A PNG of the whole page (or of ``clip``: x, y, width, height in CSS pixels)."""
        if clip is None:
            size = self.browser.send("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}
        data = self.browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "clip": dict(clip, scale=1)},
            session=self.session, timeout=60)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)
