"""Drive headless Chromium over the DevTools protocol (CDP) for the report's browser tests.

The client is the PDF printer's (``flows.outputs.browser``): start Chromium with
``--remote-debugging-port=0``, read the port it chose from ``DevToolsActivePort`` in its profile
folder, open a page target and send commands with its session id. Every event is kept, so a test
can ask afterwards for console errors, uncaught exceptions and every URL the page requested.
Chromium runs with the same quiet flags as the PDF printer plus a host-resolver rule that resolves no name but 127.0.0.1, so even a stray request could not leave the
machine; the test still asserts that none was made.
"""

from __future__ import annotations

import base64
from pathlib import Path

from flows.outputs import browser as production
from flows.outputs.browser import BrowserError


class Browser(production.Browser):
    """The PDF printer's Chromium (``flows.outputs.browser``), with a window size and a
    host-resolver rule that resolves no name but 127.0.0.1; pages open with every event on."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900):
        super().__init__(binary, (f"--window-size={width},{height}", "--hide-scrollbars",
                                  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"))

    def open(self, url: str) -> "Page":
        """A new page with console, log and network events on, navigated to ``url`` and loaded."""
        return Page(self, self.open_target(url, ("Page", "Runtime", "Log", "Network")))


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
            raise BrowserError(f"evaluation failed: {result['exceptionDetails']}")
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
