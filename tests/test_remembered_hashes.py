"""Known inbox files are not read again to find them unchanged (issue 17), but any write is noticed."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from flows.common import hashing
from flows.common.hashing import RememberedHashes


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def short_racy_window(monkeypatch):
    monkeypatch.setattr(RememberedHashes, "racy_seconds", 0.05)


def settle():
    time.sleep(0.1)  # older than the racy window, so the file may be remembered


def test_an_unchanged_file_is_not_read_again_and_a_rewritten_one_is(tmp_path):
    memory = tmp_path / "cache" / "inbox-hashes.json"
    delivery = tmp_path / "1814" / "grants.csv"
    delivery.parent.mkdir()
    delivery.write_bytes(b"a;b\n1;2\n")
    settle()
    first = RememberedHashes(memory)
    assert first.sha256(delivery) == sha(b"a;b\n1;2\n") and first.read == 1
    first.save()

    second = RememberedHashes(memory)
    assert second.sha256(delivery) == sha(b"a;b\n1;2\n") and second.read == 0
    second.save()

    # rewritten in place with the same size, its modification time set back: the change time moved
    stat = delivery.stat()
    delivery.write_bytes(b"a;b\n1;3\n")
    os.utime(delivery, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    settle()
    third = RememberedHashes(memory)
    assert third.sha256(delivery) == sha(b"a;b\n1;3\n") and third.read == 1


def test_a_damaged_memory_means_every_file_is_hashed(tmp_path, monkeypatch):
    memory = tmp_path / "inbox-hashes.json"
    memory.write_text("{not json", encoding="utf-8")
    delivery = tmp_path / "f.csv"
    delivery.write_bytes(b"x\n")
    settle()
    calls = []
    monkeypatch.setattr(hashing, "sha256_file", lambda path: calls.append(path) or sha(path.read_bytes()))
    remembered = RememberedHashes(memory)
    assert remembered.sha256(delivery) == sha(b"x\n") and calls == [delivery]
    remembered.save()
    assert RememberedHashes(memory).sha256(delivery) == sha(b"x\n") and calls == [delivery]
    # only the files of the run that saved it are kept
    other = RememberedHashes(memory)
    other.save()
    assert RememberedHashes(memory)._old == {}


def test_a_file_changed_just_now_is_not_remembered(tmp_path):
    memory = tmp_path / "inbox-hashes.json"
    delivery = tmp_path / "f.csv"
    delivery.write_bytes(b"x\n")
    fresh = RememberedHashes(memory)
    fresh.racy_seconds = 60.0
    fresh.sha256(delivery)
    fresh.save()
    again = RememberedHashes(memory)
    assert again.unchanged(delivery)  # seen (the warm worker's guess), but not trusted for its hash:
    again.sha256(delivery)
    assert again.read == 1
