"""The one retrying HTTP path for every download: API pages (Kolada, SCB), bulk files, feeds.

Why one helper: every source must behave the same way at night when nobody watches. Each call has an
explicit timeout; 408, 429, 5xx, connection errors, timeouts, cut-off bodies and malformed JSON are
retried with exponential back-off (``backoff * 2**attempt``, capped at ``max_backoff``), and a
``Retry-After`` given in seconds or as an HTTP date is honoured (also capped, so a hostile header
cannot stall the night). Any other 4xx fails at once (asking again will not change the answer), and
so does everything else, with a ``SourceError`` that names the URL, so the fallback to the last good
snapshot can take over and the operator knows what to look at.

Decisions worth knowing:
- Malformed or truncated JSON is retried: it is almost always a connection cut mid-body.
- A 200 answer that is not JSON (typically an HTML maintenance, login or captive-portal page) is not
  retried: waiting seconds does not change what the address serves, and the snapshot fallback is the
  useful reaction. The error quotes the content type and the start of the body.
- Large files (the bulk zips) are streamed to disk through ``download``, never held in memory; a
  download cut short is retried like any other connection problem.
- Conditional requests (``get_json_if_changed``, ``download_if_changed``) send the ETag and
  Last-Modified of an earlier answer; a 304 Not Modified answer returns None, so a municipal feed
  that did not change costs one small request a night.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar

import requests

from flows.config import HttpSettings
from flows.errors import SourceError

USER_AGENT = "socek/0.1 (regional indicator pipeline; +offline snapshots)"
RETRYABLE_STATUS = (408, 429)  # request timeout, too many requests; and every 5xx
DOWNLOAD_CHUNK = 1 << 20
SNIPPET_CHARS = 200


class HttpError(SourceError):
    """The server refused the request (a 4xx other than 408 and 429): retrying will not help."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class ResponseFormatError(SourceError):
    """The server answered, but not with the JSON document the client needs."""


class RetriesExhaustedError(SourceError):
    """A retryable problem (429, 5xx, timeout, cut-off body) persisted through every attempt."""


@dataclass(frozen=True)
class Fetched:
    """One successful HTTP exchange: the raw bytes (kept unchanged for landing) and the parsed JSON."""

    method: str
    url: str
    body: Mapping[str, Any] | None
    status: int
    content_type: str
    content: bytes
    data: Any
    fetched_at: datetime
    headers: Mapping[str, str] = field(default_factory=dict)  # the response's headers (ETag, Last-Modified)

    def as_payload(self) -> Payload:
        """The parsed document, labelled with its URL for error messages."""
        return Payload(origin=self.url, data=self.data)


@dataclass(frozen=True)
class Payload:
    """A parsed JSON document and where it came from (a URL or a landed file), for error messages."""

    origin: str
    data: Any


@dataclass(frozen=True)
class Downloaded:
    """A file streamed to disk by ``HttpClient.download``."""

    url: str
    path: Path
    content_type: str
    fetched_at: datetime
    headers: Mapping[str, str] = field(default_factory=dict)


_CONNECTION_PROBLEMS = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)
T = TypeVar("T")


class _Retryable(Exception):
    """Internal signal: this attempt failed in a way another attempt may fix."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def snippet(content: bytes) -> str:
    """The start of a body as one line of text, so error messages show what the server said."""
    text = " ".join(content[: SNIPPET_CHARS * 4].decode("utf-8", errors="replace").split())
    return text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date; ``None`` when
    absent or unreadable (then the exponential back-off applies)."""
    if value is None or not value.strip():
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=timezone.utc)
    return max((when - (now or datetime.now(timezone.utc))).total_seconds(), 0.0)


def conditional_headers(validators: Mapping[str, str] | None) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` from an earlier answer's ETag and Last-Modified."""
    validators = validators or {}
    headers = {"If-None-Match": validators.get("etag"), "If-Modified-Since": validators.get("last_modified")}
    return {name: value for name, value in headers.items() if value}


def validators_of(headers: Mapping[str, str]) -> dict[str, str]:
    """What to send next time to ask "has it changed?": the answer's ETag and Last-Modified."""
    lowered = {name.lower(): value for name, value in headers.items()}
    found = {"etag": lowered.get("etag"), "last_modified": lowered.get("last-modified")}
    return {name: value for name, value in found.items() if value}


def full_url(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL with its query string, as recorded in manifests and error messages."""
    return requests.Request("GET", url, params=dict(params or {})).prepare().url or url


class HttpClient:
    """A ``requests`` session with socek's timeout, retry and JSON rules (see the module docstring).

    ``sleep`` is injectable so tests do not wait; ``before_attempt`` is called before every attempt
    (retries included), which is where a per-source call limiter plugs in.
    """

    def __init__(
        self,
        *,
        timeout_seconds: float,
        max_retries: int,
        backoff_seconds: float,
        max_backoff_seconds: float,
        sleep: Callable[[float], None] = time.sleep,
        before_attempt: Callable[[], None] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._sleep = sleep
        self._before_attempt = before_attempt
        self._session = session or requests.Session()
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    @classmethod
    def from_settings(
        cls,
        settings: HttpSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        before_attempt: Callable[[], None] | None = None,
    ) -> HttpClient:
        """A client with a source's configured timeout and retry settings."""
        return cls(
            timeout_seconds=settings.timeout_seconds,
            max_retries=settings.max_retries,
            backoff_seconds=settings.backoff_seconds,
            max_backoff_seconds=settings.max_backoff_seconds,
            sleep=sleep,
            before_attempt=before_attempt,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the pooled connections."""
        self._session.close()

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Fetched:
        """GET a JSON document, retrying as described in the module docstring."""
        return self._request("GET", full_url(url, params), None)

    def post_json(self, url: str, body: Mapping[str, Any], params: Mapping[str, Any] | None = None) -> Fetched:
        """POST a JSON body and read a JSON answer, retrying as described in the module docstring."""
        return self._request("POST", full_url(url, params), body)

    def download(self, url: str, target: Path) -> Downloaded:
        """Stream ``url`` into ``target`` (written whole or not at all), retrying as above."""
        return self._retrying(lambda: self._download_once(url, Path(target)), "GET", url)

    def get_json_if_changed(self, url: str, validators: Mapping[str, str] | None = None) -> Fetched | None:
        """GET a JSON document unless it is unchanged since ``validators`` (``etag``, ``last_modified``
        of an earlier answer): None when the server answers 304 Not Modified."""
        headers = conditional_headers(validators)
        return self._retrying(lambda: self._attempt("GET", url, None, headers), "GET", url)

    def download_if_changed(self, url: str, target: Path,
                            validators: Mapping[str, str] | None = None) -> Downloaded | None:
        """``download`` unless the file is unchanged since ``validators``: None on 304 Not Modified."""
        headers = conditional_headers(validators)
        return self._retrying(lambda: self._download_once(url, Path(target), headers), "GET", url)

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before the next attempt: the server's ``Retry-After`` or exponential back-off."""
        wanted = retry_after if retry_after is not None else self.backoff_seconds * 2**attempt
        return min(wanted, self.max_backoff_seconds)

    def _request(self, method: str, url: str, body: Mapping[str, Any] | None) -> Fetched:
        return self._retrying(lambda: self._attempt(method, url, body), method, url)

    def _retrying(self, attempt_once: Callable[[], T], method: str, url: str) -> T:
        attempts = self.max_retries + 1
        last: _Retryable | None = None
        for attempt in range(attempts):
            if self._before_attempt is not None:
                self._before_attempt()
            try:
                return attempt_once()
            except _Retryable as problem:
                last = problem
                if attempt + 1 < attempts:
                    self._sleep(self.backoff(attempt, problem.retry_after))
        assert last is not None
        raise RetriesExhaustedError(
            f"{method} {url} failed after {attempts} attempt(s); last problem: {last.reason}. "
            "The service may be down or rate-limiting; the run falls back to the last good snapshot."
        )

    def _send(self, method: str, url: str, body: Mapping[str, Any] | None = None, *,
              stream: bool = False, extra: Mapping[str, str] | None = None) -> requests.Response:
        headers = {"Accept": "*/*"} if stream else {}  # a file download accepts any content type
        headers.update(extra or {})
        try:
            return self._session.request(method, url, json=body, timeout=self.timeout_seconds, stream=stream,
                                         headers=headers)
        except requests.Timeout as exc:
            raise _Retryable(f"no answer within {self.timeout_seconds:g} s ({type(exc).__name__})") from None
        except _CONNECTION_PROBLEMS as exc:
            raise _Retryable(f"connection problem: {type(exc).__name__}: {exc}") from None

    def _download_once(self, url: str, target: Path, headers: Mapping[str, str] | None = None) -> Downloaded | None:
        partial = target.with_name(target.name + ".part")
        with self._send("GET", url, stream=True, extra=headers) as response:
            if headers and response.status_code == 304:
                return None
            self._check_status("GET", url, response)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(partial, "wb") as handle:
                    for chunk in response.iter_content(DOWNLOAD_CHUNK):
                        handle.write(chunk)
                    handle.flush()
                    os.fsync(handle.fileno())
            except requests.Timeout as exc:
                partial.unlink(missing_ok=True)
                raise _Retryable(f"the download stalled ({type(exc).__name__})") from None
            except _CONNECTION_PROBLEMS as exc:
                partial.unlink(missing_ok=True)
                raise _Retryable(f"the download was cut short: {type(exc).__name__}: {exc}") from None
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise SourceError(f"GET {url}: cannot write {target}: {exc.strerror or exc}") from None
            partial.replace(target)
            return Downloaded(url=url, path=target, content_type=response.headers.get("Content-Type", ""),
                              fetched_at=datetime.now(timezone.utc), headers=dict(response.headers))

    def _attempt(self, method: str, url: str, body: Mapping[str, Any] | None,
                 headers: Mapping[str, str] | None = None) -> Fetched | None:
        response = self._send(method, url, body, extra=headers)
        if headers and response.status_code == 304:
            return None
        self._check_status(method, url, response)
        content_type = response.headers.get("Content-Type", "")
        data = self._parse_json(url, content_type, response.content)
        return Fetched(
            method=method,
            url=url,
            body=body,
            status=response.status_code,
            content_type=content_type,
            content=response.content,
            data=data,
            fetched_at=datetime.now(timezone.utc),
            headers=dict(response.headers),
        )

    @staticmethod
    def _check_status(method: str, url: str, response: requests.Response) -> None:
        status = response.status_code
        if status in RETRYABLE_STATUS or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _Retryable(f"HTTP {status}: {snippet(response.content)}", retry_after)
        if not 200 <= status < 300:
            raise HttpError(
                f"{method} {url} was refused with HTTP {status}: {snippet(response.content)!r}. "
                "Check the ids and codes in the request (config/pipeline.toml) against the source.",
                url=url,
                status=status,
            )

    @staticmethod
    def _parse_json(url: str, content_type: str, content: bytes) -> Any:
        if "json" not in content_type.lower():
            raise ResponseFormatError(
                f"{url} answered with content type {content_type or '(none)'!r} instead of JSON "
                f"(for example a maintenance or login page): {snippet(content)!r}"
            )
        try:
            return json.loads(content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _Retryable(f"malformed or truncated JSON ({len(content)} bytes): {exc}") from None
