"""Municipal feeds: registers a municipality publishes on the web, pulled every night as deliveries.

A municipality may list ``[[municipalities.feeds]]`` in the configuration: an EntryScape rowstore
(JSON pages: ``_limit``/``_offset``, ``next``, ``resultCount``) or one CSV/XLSX file, per dataset,
with the publisher profile that reads it. Each night ``fetch_feeds`` asks every feed through the
shared retrying HTTP path (``flows.sources.http``) whether it changed (ETag / Last-Modified, and
failing those the SHA-256 of the content) and lands only what changed::

    landing/feeds/<kommunkod>/<dataset>/<YYYY-MM-DD>/page-0001.json ...   pages exactly as fetched
                                                     <dataset>.json | .csv | .xlsx   the delivery
                                                     manifest.json   written last (complete landing)

``feed_deliveries`` hands every complete landing to the intake as a delivery of that municipality
and dataset; its ``meta.files`` path is ``landing/feeds/…`` and its SHA-256 is the delivery file's,
so it is read once, like an inbox file, and a newer landing supersedes an older one.

A rowstore delivery is the pages' rows in one ``{"resultCount": n, "results": [...]}`` document
(keys and values untouched, the byte-order mark inside a key included), read by the same JSON
reader and profile as pages dropped in the inbox. A rowstore whose pages do not add up to its
``resultCount``, a feed that answers with no rows at all, or any HTTP failure after the retries is
a warning naming the feed: nothing is landed, so the data loaded before stay as they are.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from flows.common.hashing import sha256_file
from flows.config import Feed, Settings
from flows.errors import SocekError, SourceError
from flows.intake.discovery import Delivery
from flows.intake.profiles import get_profile
from flows.sources.http import Fetched, HttpClient, validators_of
from flows.sources.landing import utc_stamp, write_atomically

FEEDS = "feeds"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "socek-feed/1"
EXTENSIONS = {"rowstore": ".json", "csv": ".csv", "xlsx": ".xlsx"}


class FeedError(SourceError):
    """A feed answered, but not with a complete, usable delivery."""


@dataclass(frozen=True)
class FeedDelivery:
    """A landed feed delivery for the intake: the delivery and its path in ``meta.files``."""

    delivery: Delivery
    record_path: str


@dataclass
class FeedRun:
    """What one night's pull did: feeds that landed new data, that were unchanged, and warnings."""

    landed: list[Path] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pull:
    """One feed's new content: the delivery's bytes or file, the fetched pages, and its validators."""

    pages: list[Fetched]
    delivery: bytes | None
    downloaded: Path | None
    validators: dict[str, str]
    rows: int | None


def feed_root(settings: Settings, code: str, dataset: str) -> Path:
    return settings.path("landing") / FEEDS / code / dataset


def label(code: str, feed: Feed) -> str:
    return f"feed {code}/{feed.dataset} ({feed.url})"


def fetch_feeds(settings: Settings, today: date, client: HttpClient | None = None) -> FeedRun:
    """Pull every configured feed; never raises for a feed's failure (a warning names it instead)."""
    run = FeedRun()
    feeds = [(m.code, feed) for m in settings.municipalities for feed in m.feeds if feed.dataset in settings.datasets]
    if not feeds:
        return run
    http = client or HttpClient.from_settings(settings.sources.feeds)
    try:
        for code, feed in feeds:
            try:
                get_profile(feed.profile, settings.profile_dirs)
                landed = fetch_feed(settings, code, feed, today, http)
            except (SocekError, OSError) as exc:
                run.warnings.append(f"{label(code, feed)}: {exc}; nothing new was fetched, the data loaded "
                                    "before stay as they are")
                continue
            if landed is None:
                run.unchanged.append(label(code, feed))
            else:
                run.landed.append(landed)
    finally:
        if client is None:
            http.close()
    return run


def fetch_feed(settings: Settings, code: str, feed: Feed, today: date, http: HttpClient) -> Path | None:
    """Land the feed's content if it changed since the last complete landing; the new folder, or None."""
    root = feed_root(settings, code, feed.dataset)
    previous = _latest_manifest(root)
    before = previous.get("validators", {}) if previous else {}
    if feed.kind == "rowstore":
        pull = _pull_rowstore(feed, http, before, settings.sources.feeds.max_pages)
    else:
        pull = _pull_file(feed, http, before, root)
    if pull is None:
        return None
    content = hashlib.sha256(pull.delivery).hexdigest() if pull.delivery is not None else sha256_file(pull.downloaded)
    if previous and previous.get("delivery", {}).get("sha256") == content:
        if pull.downloaded is not None:
            pull.downloaded.unlink(missing_ok=True)
        return None  # the same content again (no ETag, or the server changed it without cause)
    return _land(root, today, code, feed, pull, content)


# --- the two kinds of feed -------------------------------------------------------------------------


def _pull_rowstore(feed: Feed, http: HttpClient, before: dict, max_pages: int) -> _Pull | None:
    """Every page of an EntryScape rowstore, checked against its ``resultCount``."""
    url = _with_query(feed.url, _limit=feed.page_size, _offset=0)
    first = http.get_json_if_changed(url, before)
    if first is None:
        return None
    expected = _result_count(first)
    pages, rows = [first], list(_results(first))
    while len(rows) < expected:
        if len(pages) >= max_pages:
            raise FeedError(f"more than {max_pages} pages (sources.feeds.max_pages) before reaching "
                            f"resultCount {expected}; refused")
        following = _next_url(feed, pages[-1], len(rows))
        page = http.get_json(following)
        results = _results(page)
        if not results:
            break
        pages.append(page)
        rows.extend(results)
    if len(rows) != expected:
        raise FeedError(f"the pages hold {len(rows)} rows but 'resultCount' says {expected}; the rowstore "
                        "changed while it was read, or pages are missing")
    if not rows:
        raise FeedError("the rowstore answered with no rows at all (resultCount 0); an empty register is not "
                        "loaded over the one loaded before")
    document = json.dumps({"resultCount": expected, "results": rows}, ensure_ascii=False).encode("utf-8")
    return _Pull(pages, document, None, validators_of(first.headers), len(rows))


def _result_count(page: Fetched) -> int:
    count = page.data.get("resultCount") if isinstance(page.data, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise FeedError(f"{page.url} is not a rowstore page: no whole-number 'resultCount'")
    return count


def _results(page: Fetched) -> list:
    results = page.data.get("results") if isinstance(page.data, dict) else None
    if not isinstance(results, list):
        raise FeedError(f"{page.url} is not a rowstore page: no 'results' array")
    return results


def _next_url(feed: Feed, page: Fetched, offset: int) -> str:
    """The page's ``next`` link (resolved against it), or the next ``_offset``; only on the feed's host."""
    link = page.data.get("next") if isinstance(page.data, dict) else None
    url = urljoin(page.url, link) if isinstance(link, str) and link.strip() else \
        _with_query(feed.url, _limit=feed.page_size, _offset=offset)
    if urlsplit(url).netloc != urlsplit(feed.url).netloc:
        raise FeedError(f"the page's 'next' link {url} leaves the feed's host; refused")
    return url


def _with_query(url: str, **params: object) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _pull_file(feed: Feed, http: HttpClient, before: dict, root: Path) -> _Pull | None:
    """One CSV or XLSX file, streamed to a temporary name under the feed's folder."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / f".download{EXTENSIONS[feed.kind]}"
    downloaded = http.download_if_changed(feed.url, target, before)
    if downloaded is None:
        return None
    if downloaded.path.stat().st_size == 0:
        downloaded.path.unlink()
        raise FeedError("the file is empty (0 bytes); an empty register is not loaded over the one loaded before")
    return _Pull([], None, downloaded.path, validators_of(downloaded.headers), None)


# --- landing and reading back ----------------------------------------------------------------------


def _land(root: Path, today: date, code: str, feed: Feed, pull: _Pull, content: str) -> Path:
    """Write pages and delivery, then the manifest (last, atomically): a folder without it is ignored."""
    folder = _new_folder(root, today)
    name = f"{feed.dataset}{EXTENSIONS[feed.kind]}"
    files = []
    for number, page in enumerate(pull.pages, start=1):
        page_name = f"page-{number:04d}.json"
        (folder / page_name).write_bytes(page.content)
        files.append({"file": page_name, "url": page.url, "fetched_at": utc_stamp(page.fetched_at),
                      "content_type": page.content_type, "sha256": hashlib.sha256(page.content).hexdigest(),
                      "bytes": len(page.content)})
    if pull.delivery is not None:
        write_atomically(folder / name, pull.delivery)
    else:
        shutil.move(str(pull.downloaded), folder / name)
    manifest = {
        "format": MANIFEST_FORMAT, "municipality_code": code, "dataset": feed.dataset, "profile": feed.profile,
        "kind": feed.kind, "url": feed.url, "completed_at": utc_stamp(datetime.now(timezone.utc)),
        "validators": pull.validators, "rows": pull.rows,
        "delivery": {"file": name, "sha256": content, "bytes": (folder / name).stat().st_size},
        "pages": files,
    }
    write_atomically(folder / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return folder


def _new_folder(root: Path, today: date) -> Path:
    """``<date>``, or ``<date>-2``, ``-3`` … when the day already has a landing (never overwritten)."""
    for number in range(1, 1000):
        folder = root / (today.isoformat() if number == 1 else f"{today.isoformat()}-{number}")
        if not folder.exists():
            folder.mkdir(parents=True)
            return folder
        if not (folder / MANIFEST).is_file():  # an interrupted landing: start it again
            shutil.rmtree(folder)
            folder.mkdir()
            return folder
    raise FeedError(f"{root}: more than 999 landings on {today}")


def _manifests(root: Path) -> list[tuple[Path, dict]]:
    """Complete landings of one feed, oldest first."""
    found = []
    for folder in sorted(root.iterdir(), key=_folder_order) if root.is_dir() else []:
        path = folder / MANIFEST
        if folder.is_dir() and path.is_file():
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                continue
            if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT:
                found.append((folder, manifest))
    return found


def _folder_order(folder: Path) -> tuple[str, int]:
    """``2025-01-02`` < ``2025-01-02-2`` < ``2025-01-02-10`` < ``2025-01-03``."""
    day, number = folder.name[:10], folder.name[11:]
    return day, int(number) if number.isdigit() else 1


def _latest_manifest(root: Path) -> dict | None:
    landings = _manifests(root)
    return landings[-1][1] if landings else None


def feed_deliveries(settings: Settings, on_problem: Callable[[str], None] | None = None) -> list[FeedDelivery]:
    """Every complete feed landing of a configured municipality, oldest first, as an intake delivery."""
    found = []
    landing = settings.path("landing")
    for municipality in settings.municipalities:
        for feed in municipality.feeds:
            if feed.dataset not in settings.datasets:
                continue
            for folder, manifest in _manifests(feed_root(settings, municipality.code, feed.dataset)):
                path = folder / str(manifest.get("delivery", {}).get("file", ""))
                if path.parent != folder or not path.is_file():
                    if on_problem:
                        on_problem(f"{folder}: the manifest names a delivery file that is not there; not read")
                    continue
                delivery = Delivery(path, municipality.code, feed.dataset, feed.profile)  # as configured now
                found.append(FeedDelivery(delivery, "landing/" + path.relative_to(landing).as_posix()))
    return found
