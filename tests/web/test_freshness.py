"""The dashboard's cache: the store's version token moves with every commit (SQLite and
PostgreSQL), a kept value is recomputed after a change, and concurrent callers compute once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Hashable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lockgate.model import Incident
from lockgate.store import Store, database
from lockgate.web.freshness import Cache, SharedReads, StoreVersion

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_the_version_moves_with_each_commit_and_only_then(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    version = StoreVersion(database.resolve(tmp_path, database_url))
    try:
        before = version.current()
        store.services()  # a read is no change
        assert version.current() == before
        inc = store.add_incident(Incident("svc", "production", NOW - timedelta(hours=2)))
        after_insert = version.current()
        assert after_insert != before
        store.resolve_incident(inc, NOW)  # an update too
        assert version.current() != after_insert
    finally:
        version.close()


class _Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_a_kept_value_lasts_until_the_version_changes_or_it_is_too_old() -> None:
    token: list[Hashable] = [1]
    clock = _Clock()
    cache = Cache(lambda: token[0], clock, max_age=timedelta(seconds=60))
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert cache.get("k", compute) == 1
    assert cache.get("k", compute) == 1 and cache.lookup("k", 1) == (True, 1)
    token[0] = 2
    assert cache.lookup("k", 2) == (False, None)
    assert cache.get("k", compute) == 2
    clock.now += timedelta(seconds=60)
    assert cache.get("k", compute) == 3


def test_callers_asking_at_once_compute_once_and_a_page_may_ask_for_other_keys() -> None:
    cache = Cache(lambda: 1, _Clock())
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow() -> str:
        calls.append("slow")
        started.set()
        release.wait(timeout=30)
        return "keys"

    def page() -> str:
        return "page of " + cache.get("keys", slow)  # nested: another key

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("page", page)))]
    threads[0].start()
    assert started.wait(timeout=30)
    threads += [
        threading.Thread(target=lambda: results.append(cache.get("page", page))) for _ in range(5)
    ]
    for t in threads[1:]:
        t.start()
    release.set()
    for t in threads:
        t.join(timeout=30)
    assert results == ["page of keys"] * 6 and calls == ["slow"]


def test_a_failed_computation_is_not_kept() -> None:
    cache = Cache(lambda: 1, _Clock())

    def broken() -> int:
        raise RuntimeError("no")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            cache.get("k", broken)
    assert cache.get("k", lambda: 7) == 7


class _Counted:
    """A version source with a round trip (as PostgreSQL's): counts its reads."""

    inline = False

    def __init__(self) -> None:
        self.token = 0
        self.reads = 0

    def current(self) -> Hashable:
        self.reads += 1
        return self.token

    async def current_async(self) -> Hashable:
        await asyncio.sleep(0)  # a round trip: callers arriving meanwhile wait for the next read
        return self.current()


def test_requests_share_version_reads_and_each_sees_what_was_committed_before_it() -> None:
    source = _Counted()
    shared = SharedReads(source)

    async def main() -> None:
        first = [asyncio.create_task(shared.current()) for _ in range(20)]
        assert await asyncio.gather(*first) == [0] * 20
        assert source.reads == 1  # twenty requests, one round trip
        source.token = 1  # a commit: every request from now on must see it
        assert await shared.current() == 1

    asyncio.run(main())
    assert source.reads == 2


def test_the_services_page_follows_writes_on_both_backends(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    from starlette.testclient import TestClient

    from lockgate.model import Deployment, DeploymentStatus
    from lockgate.web.app import create_app
    from lockgate.web.data import Dashboard

    def deploy(n: int) -> None:
        at = NOW - timedelta(days=n)
        dep = Deployment(
            "svc", "production", f"v{n}", None, None, at, DeploymentStatus.SUCCEEDED, "t", at
        )
        store.import_deployment(dep, f"t:{n}")

    deploy(1)
    app = create_app(Dashboard(tmp_path, lambda: NOW, database_url))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert "<td>1 (0.08 a week)" in client.get("/").text
        assert "<td>1 (0.08 a week)" in client.get("/").text  # kept
        deploy(2)
        assert "<td>2 (0.16 a week)" in client.get("/").text
        doc = client.get("/api/v1/metrics").json()
        assert doc["services"][0]["deployment_frequency"]["deployments"] == 2


def test_an_old_value_is_given_while_its_successor_is_computed_never_after_a_change() -> None:
    token: list[Hashable] = [1]
    clock = _Clock()
    cache = Cache(lambda: token[0], clock, max_age=timedelta(seconds=60))
    assert cache.get("k", lambda: "old") == "old"
    clock.now += timedelta(seconds=61)
    started, release = threading.Event(), threading.Event()

    def successor() -> str:
        started.set()
        release.wait(timeout=30)
        return "new"

    worker = threading.Thread(target=lambda: cache.get("k", successor))
    worker.start()
    assert started.wait(timeout=30)
    assert cache.lookup("k", 1) == (True, "old")  # the window it shows is still right
    assert cache.lookup("k", 2) == (False, None)  # the store changed: never the old value
    release.set()
    worker.join(timeout=30)
    assert cache.lookup("k", 1) == (True, "new")
