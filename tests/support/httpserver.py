"""A scripted HTTP server on 127.0.0.1 for testing the API clients without the network or mocks.

Each route answers from a script: a list of ``Reply`` objects consumed one per request (the last one
repeats), or a function of the recorded request. Every request is recorded (method, path, query, body,
headers)
so tests can assert what the client sent. Replies can be delayed (to trigger client timeouts), can
declare a longer ``Content-Length`` than they send (a cut-off body), and carry any status or headers.

Usage::

    with ScriptedServer() as server:
        server.add("/config", Reply(json={"maxDataCells": 10}))
        server.add("/data", Reply(status=500), Reply(json=[1, 2]))
        url = server.url("/data")
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """One scripted answer. ``json`` is serialised; otherwise ``body`` is sent as is."""

    status: int = 200
    json: Any = None
    body: bytes | str = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    declared_length: int | None = None  # send a larger Content-Length than the body: a cut-off answer

    def payload(self) -> bytes:
        if self.json is not None:
            return json.dumps(self.json, ensure_ascii=False).encode("utf-8")
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class RecordedRequest:
    """What the client sent."""

    method: str
    path: str
    query: dict[str, list[str]]
    target: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Handler = Callable[[RecordedRequest], Reply]


class ScriptedServer:
    """A threaded local HTTP server answering from per-route scripts."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._scripts: dict[tuple[str, str], list[Reply]] = {}
        self._handlers: list[tuple[str, str, Handler]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (once per test) fast.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # Scripting --------------------------------------------------------------------------------
    def add(self, path: str, *replies: Reply, method: str = "GET") -> None:
        """Answer requests to exactly ``path`` with ``replies`` in turn; the last one repeats."""
        self._scripts[(method, path)] = list(replies)

    def route(self, prefix: str, handler: Handler, method: str = "GET") -> None:
        """Answer requests whose path starts with ``prefix`` with ``handler(request)``."""
        self._handlers.append((method, prefix, handler))

    def url(self, path: str = "") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    # Lifecycle --------------------------------------------------------------------------------
    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Serving ----------------------------------------------------------------------------------
    def _reply_for(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            script = self._scripts.get((request.method, request.path))
            if script:
                return script.pop(0) if len(script) > 1 else script[0]
        for method, prefix, handler in self._handlers:
            if method == request.method and request.path.startswith(prefix):
                return handler(request)
        return Reply(status=404, json={"error": f"no scripted route for {request.method} {request.path}"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = RecordedRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    target=self.path,
                    body=self.rfile.read(length) if length else b"",
                    headers=dict(self.headers.items()),
                )
                reply = server._reply_for(request)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.payload()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(reply.declared_length or len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing left to do
                if reply.declared_length:
                    self.close_connection = True

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
                return

        return _Handler


def _request_key(method: str, target: str, body: object) -> tuple[str, str, str]:
    return method, target, json.dumps(body, sort_keys=True)


def recorded_answers(*folders) -> dict[tuple[str, str, str], bytes]:
    """``(method, path?query, body) -> bytes`` of every request recorded in landing/snapshot folders."""
    from flows.sources.landing import MANIFEST

    answers = {}
    for folder in folders:
        for entry in json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]:
            parts = urlsplit(entry["url"])
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            answers[_request_key(entry["method"], target, entry["body"])] = (folder / entry["file"]).read_bytes()
    return answers


def serve_recording(server: ScriptedServer, *folders, down: Callable[[], bool] = lambda: False) -> None:
    """Answer each request recorded in the folders with its recorded bytes (as the live source would);
    while ``down()`` is true, answer 503 instead."""
    answers = recorded_answers(*folders)

    def answer(request: RecordedRequest) -> Reply:
        if down():
            return Reply(status=503, body="Service Unavailable", content_type="text/plain")
        key = _request_key(request.method, request.target, request.json)
        return Reply(body=answers[key]) if key in answers else Reply(status=404, body=f"not recorded: {key}")

    server.route("/", answer, method="GET")
    server.route("/", answer, method="POST")
