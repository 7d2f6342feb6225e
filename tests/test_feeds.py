"""Municipal feeds: a rowstore served in pages by a local server (BOM inside a key, decimal-comma
strings, a 429, a page that fails once) lands only what changed; a nightly run loads the same rows
as the same data dropped in the inbox, and the second night with an unchanged feed fetches nothing."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.config import load_config
from flows.intake.feeds import MANIFEST, feed_deliveries, fetch_feeds
from tests.e2e import write_config
from tests.support.httpserver import RecordedRequest, Reply, ScriptedServer

TODAY = date(2025, 1, 2)
PAGE_SIZE = 2


def ledger_rows(count: int) -> list[dict]:
    """Rows shaped like Västerås's store: the BOM sits inside 'kopare_id', every value is a string."""
    rows = []
    for n in range(count):
        rows.append({"datum": f"2024-0{1 + n % 3}-1{n % 10}", "konto_nr": "4610", "\ufeffkopare_id": "2120002080",
                     "kommun_id": "1864", "leverantor_id": str(10001 + n), "belopp": f"-{1302 + n},0{n % 10}",
                     "konto_text": "Förbrukningsmaterial", "leverantor": f"Leverantör {n} (fiktivt)",
                     "verifikationsnummer": str(5000000 + n), "kopare": "Ljusnarsbergs kommun"})
    return rows


class Rowstore:
    """Serves ``rows`` in pages by ``_offset``/``_limit`` with ``next`` links and an ETag; can answer a
    429 first, fail one page once, or claim more rows than it has."""

    def __init__(self, rows: list[dict], *, etag: str | None = '"v1"', too_many_first: bool = False,
                 fail_offset_once: int | None = None, claimed: int | None = None) -> None:
        self.rows, self.etag, self.claimed = rows, etag, claimed
        self.too_many_first, self.fail_offset_once = too_many_first, fail_offset_once

    def __call__(self, request: RecordedRequest) -> Reply:
        if self.too_many_first:
            self.too_many_first = False
            return Reply(status=429, json={"error": "slow down"}, headers={"Retry-After": "0"})
        if self.etag and request.headers.get("If-None-Match") == self.etag:
            return Reply(status=304, body=b"")
        offset, limit = int(request.query["_offset"][0]), int(request.query["_limit"][0])
        if offset == self.fail_offset_once:
            self.fail_offset_once = None
            return Reply(status=503, json={"error": "try again"})
        page = {"resultCount": self.claimed or len(self.rows), "offset": offset, "limit": limit,
                "results": self.rows[offset:offset + limit]}
        if offset + limit < len(self.rows):
            page["next"] = f"{request.path}?_offset={offset + limit}&_limit={limit}"
        headers = {"ETag": self.etag} if self.etag and offset == 0 else {}
        return Reply(json=page, headers=headers)


def only_ljusnarsberg(config: Path) -> Path:
    """The configuration with 1864 as its only municipality: a run then reports on one, not twelve."""
    kept, block = [], None
    for line in config.read_text(encoding="utf-8").splitlines(keepends=True):
        # a table starts (not a municipality's own subtable, such as its motion): close the block being read
        if line.startswith("[") and not line.startswith("[municipalities."):
            if block is not None and 'code = "1864"' in "".join(block):
                kept += block
            block = [line] if line.strip() == "[[municipalities]]" else None
        if block is None:
            kept.append(line)
        elif line is not block[0]:
            block.append(line)
    config.write_text("".join(kept), encoding="utf-8")
    assert "[schedule]" in "".join(kept) and "".join(kept).count("[[municipalities]]") == 1
    return config


def feed_config(folder: Path, url: str, kind: str = "rowstore") -> Path:
    config = only_ljusnarsberg(write_config(folder))
    text = config.read_text(encoding="utf-8")
    feed = (f'\n[[municipalities.feeds]]\ndataset = "supplier_invoices"\nurl = "{url}"\nkind = "{kind}"\n'
            f'profile = "vasteras"\npage_size = {PAGE_SIZE}\n')
    anchor = 'code = "1864"\nname = "Ljusnarsberg"\nkolada_code = "1864"\nscb_code = "1864"\n'
    assert anchor in text
    text = text.replace(anchor, anchor + feed)
    fast = "[sources.feeds]\nbackoff_seconds = 0\nmax_retries = 3\ntimeout_seconds = 5\n\n"
    text, replaced = re.subn(r"\[sources\.feeds\]\n(?:(?!\[).*\n)*", fast, text)
    assert replaced == 1
    config.write_text(text, encoding="utf-8")
    return config


def landings(settings) -> list[Path]:
    root = settings.path("landing") / "feeds" / "1864" / "supplier_invoices"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def test_rowstore_feed_lands_every_page_through_429_and_a_failing_page(tmp_path):
    store = Rowstore(ledger_rows(5), too_many_first=True, fail_offset_once=2)
    with ScriptedServer() as server:
        server.route("/store/ledger", store)
        settings = load_config(feed_config(tmp_path, server.url("/store/ledger/json")))
        run = fetch_feeds(settings, TODAY)
        assert run.warnings == [] and len(run.landed) == 1
        folder = run.landed[0]
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["rows"] == 5 and len(manifest["pages"]) == 3 and manifest["validators"] == {"etag": '"v1"'}
        delivery = json.loads((folder / "supplier_invoices.json").read_text(encoding="utf-8"))
        assert delivery == {"resultCount": 5, "results": store.rows}  # keys (BOM included) and values untouched
        for entry in manifest["pages"]:
            assert (folder / entry["file"]).stat().st_size == entry["bytes"]
        offsets = [r.query["_offset"][0] for r in server.requests]
        assert offsets == ["0", "0", "2", "2", "4"]  # 429 then page 1; page 2 failed once; page 3

        second = fetch_feeds(settings, date(2025, 1, 3))  # unchanged: one conditional request, a 304
        assert second.landed == [] and second.unchanged and len(server.requests) == 6
        assert server.requests[-1].headers.get("If-None-Match") == '"v1"'
        [found] = feed_deliveries(settings)
        assert found.record_path == "landing/feeds/1864/supplier_invoices/2025-01-02/supplier_invoices.json"
        assert (found.delivery.municipality_code, found.delivery.dataset, found.delivery.profile_name) == (
            "1864", "supplier_invoices", "vasteras")


def test_without_an_etag_unchanged_content_is_recognised_by_its_hash(tmp_path):
    with ScriptedServer() as server:
        server.route("/store", Rowstore(ledger_rows(3), etag=None))
        settings = load_config(feed_config(tmp_path, server.url("/store")))
        assert len(fetch_feeds(settings, TODAY).landed) == 1
        again = fetch_feeds(settings, date(2025, 1, 3))
        assert again.landed == [] and again.warnings == [] and len(landings(settings)) == 1


def test_a_changed_feed_lands_a_new_folder_the_same_day_without_touching_the_first(tmp_path):
    store = Rowstore(ledger_rows(3), etag=None)
    with ScriptedServer() as server:
        server.route("/store", store)
        settings = load_config(feed_config(tmp_path, server.url("/store")))
        first = fetch_feeds(settings, TODAY).landed[0]
        before = (first / "supplier_invoices.json").read_bytes()
        store.rows = ledger_rows(4)
        second = fetch_feeds(settings, TODAY).landed[0]
        assert second.name == "2025-01-02-2" and (first / "supplier_invoices.json").read_bytes() == before
        assert [d.record_path.split("/")[-2] for d in feed_deliveries(settings)] == ["2025-01-02", "2025-01-02-2"]


@pytest.mark.parametrize("store, words", [
    (Rowstore(ledger_rows(3), claimed=7), "the pages hold 3 rows but 'resultCount' says 7"),
    (Rowstore([]), "no rows at all"),
])
def test_an_incomplete_or_empty_rowstore_is_a_warning_and_lands_nothing(tmp_path, store, words):
    with ScriptedServer() as server:
        server.route("/store", store)
        settings = load_config(feed_config(tmp_path, server.url("/store")))
        run = fetch_feeds(settings, TODAY)
    assert run.landed == [] and len(run.warnings) == 1
    assert "feed 1864/supplier_invoices" in run.warnings[0] and words in run.warnings[0]
    assert "the data loaded before stay" in run.warnings[0] and landings(settings) == []


def test_a_feed_that_keeps_failing_is_a_warning_naming_it_never_a_crash(tmp_path):
    with ScriptedServer() as server:
        server.add("/store", Reply(status=500, json={"error": "down"}))
        settings = load_config(feed_config(tmp_path, server.url("/store")))
        run = fetch_feeds(settings, TODAY)
        assert len(server.requests) == 4  # the first try and the three configured retries
    assert run.landed == [] and "feed 1864/supplier_invoices (http://127.0.0.1" in run.warnings[0]
    assert "failed after 4 attempt(s)" in run.warnings[0]


def test_a_csv_feed_downloads_the_file_and_asks_with_last_modified_next_time(tmp_path):
    csv = "datum;belopp;kopare_id\n2024-01-02;-1302,03;2120002080\n"
    with ScriptedServer() as server:
        def serve(request: RecordedRequest) -> Reply:
            if request.headers.get("If-Modified-Since") == "Wed, 01 Jan 2025 00:00:00 GMT":
                return Reply(status=304, body=b"")
            return Reply(body=csv, content_type="text/csv",
                         headers={"Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"})
        server.route("/ledger.csv", serve)
        settings = load_config(feed_config(tmp_path, server.url("/ledger.csv"), kind="csv"))
        [folder] = fetch_feeds(settings, TODAY).landed
        assert (folder / "supplier_invoices.csv").read_text(encoding="utf-8") == csv
        assert fetch_feeds(settings, date(2025, 1, 3)).landed == []
        assert not list((settings.path("landing") / "feeds" / "1864" / "supplier_invoices").glob(".download*"))


# --- a nightly run -----------------------------------------------------------------------------------


def _raw_rows(published: Path) -> list[tuple]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'raw' and table_name = 'supplier_invoices' "
            "and not starts_with(column_name, '_')").fetchall()]
        return con.execute(f"select {', '.join(columns)} from raw.supplier_invoices order by all").fetchall()
    finally:
        con.close()


def _files(published: Path) -> list[tuple]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute("select path, status, rows_read, rows_loaded, rows_quarantined from meta.files "
                           "order by path").fetchall()
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.prefect
def test_a_nightly_run_loads_a_feed_like_the_same_data_in_the_inbox(tmp_path, prefect_server):
    from flows.nightly import nightly

    rows = ledger_rows(7)
    with ScriptedServer() as server:
        server.route("/store", Rowstore(rows, too_many_first=True, fail_offset_once=4))
        feed_project = tmp_path / "feed"
        config = feed_config(feed_project, server.url("/store"))
        settings = load_config(config)
        settings.path("inbox").mkdir(parents=True)
        first = nightly(config_path=str(config))
        requests_after_first = len(server.requests)
        second = nightly(config_path=str(config))
        requests_in_second = len(server.requests) - requests_after_first

    inbox_project = tmp_path / "inbox"
    inbox_config = only_ljusnarsberg(write_config(inbox_project))
    inbox = load_config(inbox_config).path("inbox")
    (inbox / "1864" / "supplier_invoices").mkdir(parents=True)
    (inbox / "1864" / "profiles.toml").write_text('supplier_invoices = "vasteras"\n', encoding="utf-8")
    shutil.copyfile(landings(settings)[0] / "supplier_invoices.json",
                    inbox / "1864" / "supplier_invoices" / "ledger.json")
    dropped = nightly(config_path=str(inbox_config))

    published = settings.path("warehouse")
    assert first["files_new"] == 1 and first["rows_loaded"] + first["rows_quarantined"] == 7
    assert _raw_rows(published) == _raw_rows(load_config(inbox_config).path("warehouse"))
    assert dropped["rows_loaded"] == first["rows_loaded"]
    [(path, status, read, loaded, quarantined)] = _files(published)
    assert path == "landing/feeds/1864/supplier_invoices/" + landings(settings)[0].name + "/supplier_invoices.json"
    assert (status, read, loaded + quarantined) == ("loaded", 7, 7)
    # The second night: the feed is unchanged (one conditional request answered 304), nothing new.
    assert second["files_new"] == 0 and requests_in_second == 1 and len(landings(settings)) == 1
    assert _raw_rows(published) == _raw_rows(load_config(inbox_config).path("warehouse"))
