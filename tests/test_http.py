"""The shared HTTP helper against a local scripted server: retries, back-off, timeouts, formats."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from flows.errors import SourceError
from flows.sources.http import (
    HttpClient,
    HttpError,
    ResponseFormatError,
    RetriesExhaustedError,
    full_url,
    parse_retry_after,
)
from tests.support.httpserver import Reply, ScriptedServer

OK = {"values": [1, 2, 3]}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    return []


def client(sleeps: list[float], **overrides: float) -> HttpClient:
    """A client whose back-off is recorded instead of slept."""
    options = {"timeout_seconds": 2.0, "max_retries": 3, "backoff_seconds": 0.5, "max_backoff_seconds": 4.0}
    options.update(overrides)
    return HttpClient(sleep=sleeps.append, **options)  # type: ignore[arg-type]


def test_server_errors_are_retried_with_exponential_backoff(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/x", Reply(status=500, body="boom"), Reply(status=503), Reply(json=OK))
    fetched = client(sleeps).get_json(server.url("/x"))
    assert fetched.data == OK
    assert fetched.status == 200
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_backoff_is_capped(sleeps: list[float]) -> None:
    http = client(sleeps, backoff_seconds=1.0, max_backoff_seconds=5.0)
    assert [http.backoff(attempt, None) for attempt in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_retry_after_seconds_is_honoured_and_capped(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add(
        "/x",
        Reply(status=429, headers={"Retry-After": "3"}),
        Reply(status=429, headers={"Retry-After": "120"}),
        Reply(json=OK),
    )
    assert client(sleeps).get_json(server.url("/x")).data == OK
    assert sleeps == [3.0, 4.0]


def test_retry_after_forms() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(" 2.5 ") == 2.5
    assert parse_retry_after("-1") == 0.0
    now = datetime(2026, 10, 21, 7, 27, 30, tzinfo=timezone.utc)
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now=now) == 30.0  # an HTTP date
    assert parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now=now) == 0.0  # already past
    assert parse_retry_after("next tuesday") is None  # unreadable: the exponential back-off applies
    assert parse_retry_after(None) is None


def test_timeout_then_success(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/slow", Reply(json=OK, delay=0.6), Reply(json=OK))
    fetched = client(sleeps, timeout_seconds=0.2).get_json(server.url("/slow"))
    assert fetched.data == OK
    assert len(server.requests) == 2
    assert sleeps == [0.5]


def test_truncated_json_is_retried(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/x", Reply(body='{"values": [1, 2'), Reply(json=OK))
    assert client(sleeps).get_json(server.url("/x")).data == OK
    assert len(server.requests) == 2


def test_body_cut_short_of_content_length_is_retried(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/x", Reply(body='{"values": [1', declared_length=500), Reply(json=OK))
    assert client(sleeps).get_json(server.url("/x")).data == OK
    assert len(server.requests) == 2


def test_malformed_json_that_persists_fails_naming_the_url(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/bad", Reply(body="{not json"))
    with pytest.raises(RetriesExhaustedError, match="malformed or truncated JSON") as caught:
        client(sleeps, max_retries=2).get_json(server.url("/bad"))
    assert server.url("/bad") in str(caught.value)
    assert len(server.requests) == 3


def test_html_instead_of_json_is_not_retried(server: ScriptedServer, sleeps: list[float]) -> None:
    page = "<html><body><h1>Planerat underhåll</h1></body></html>"
    server.add("/x", Reply(body=page, content_type="text/html; charset=utf-8"))
    with pytest.raises(ResponseFormatError) as caught:
        client(sleeps).get_json(server.url("/x"))
    message = str(caught.value)
    assert server.url("/x") in message and "text/html" in message and "Planerat underhåll" in message
    assert len(server.requests) == 1
    assert sleeps == []


def test_client_error_names_url_status_and_body(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/tables/TAB1/data", Reply(status=400, body="Too many cells selected"), method="POST")
    with pytest.raises(HttpError) as caught:
        client(sleeps).post_json(server.url("/tables/TAB1/data"), {"selection": []})
    assert caught.value.status == 400
    assert "HTTP 400" in str(caught.value) and "Too many cells selected" in str(caught.value)
    assert server.url("/tables/TAB1/data") in str(caught.value)
    assert len(server.requests) == 1


def test_429_storm_exhausts_retries(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/x", Reply(status=429, headers={"Retry-After": "1"}, body="slow down"))
    with pytest.raises(SourceError, match="failed after 4 attempt"):
        client(sleeps, max_retries=3).get_json(server.url("/x"))
    assert len(server.requests) == 4
    assert sleeps == [1.0, 1.0, 1.0]


def test_unreachable_host_fails_after_retries(sleeps: list[float]) -> None:
    with pytest.raises(RetriesExhaustedError, match="connection problem"):
        client(sleeps, max_retries=1).get_json("http://127.0.0.1:9/config")
    assert sleeps == [0.5]


def test_post_sends_json_body_and_records_the_full_url(server: ScriptedServer, sleeps: list[float]) -> None:
    server.add("/data", Reply(json=OK), method="POST")
    body = {"selection": [{"variableCode": "Tid", "valueCodes": ["2024"]}]}
    fetched = client(sleeps).post_json(server.url("/data"), body, {"lang": "sv", "outputFormat": "json-stat2"})
    assert server.requests[0].json == body
    assert server.requests[0].query == {"lang": ["sv"], "outputFormat": ["json-stat2"]}
    assert fetched.url == full_url(server.url("/data"), {"lang": "sv", "outputFormat": "json-stat2"})
    assert fetched.body == body and fetched.method == "POST"
    assert fetched.content == b'{"values": [1, 2, 3]}'


def test_before_attempt_runs_for_every_attempt(server: ScriptedServer, sleeps: list[float]) -> None:
    calls: list[str] = []
    server.add("/x", Reply(status=502), Reply(json=OK))
    http = HttpClient(timeout_seconds=2, max_retries=2, backoff_seconds=0, max_backoff_seconds=0,
                      sleep=sleeps.append, before_attempt=lambda: calls.append("call"))
    http.get_json(server.url("/x"))
    assert calls == ["call", "call"]
