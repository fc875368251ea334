"""The load engine's pure parts: target URLs, thresholds, the generated locustfile, stats, the chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lockgate.errors import LockgateError
from lockgate.load import chart, generate, results, settings, target, thresholds
from lockgate.load.interface import (
    Method,
    Point,
    Request,
    Scenario,
    ScenarioSource,
    Summary,
    Thresholds,
)

LOOPBACK = ["http://127.0.0.1:8000", "http://127.3.4.5/", "http://[::1]:9000", "http://localhost:1"]
REMOTE = ["http://10.0.0.1:8000", "https://192.168.1.20", "http://8.8.8.8", "http://[2001:db8::1]/"]
NOT_URLS = [
    "127.0.0.1:8000",
    "ftp://127.0.0.1/",
    "http://",
    "file:///etc/passwd",
    "http://127.0.0.1/?a=1",
]


@pytest.mark.parametrize("url", LOOPBACK)
def test_loopback_targets_are_accepted(url: str) -> None:
    assert target.checked_url(url, allow_remote=False) == url.rstrip("/")


@pytest.mark.parametrize("url", REMOTE)
def test_remote_targets_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(LockgateError, match="not on this machine") as caught:
        target.checked_url(url, allow_remote=False)
    assert caught.value.hint is not None and "allow_remote" in caught.value.hint
    assert target.checked_url(url, allow_remote=True) == url.rstrip("/")


@pytest.mark.parametrize("url", NOT_URLS)
def test_what_is_not_a_base_url_is_refused(url: str) -> None:
    with pytest.raises(LockgateError):
        target.checked_url(url, allow_remote=True)


def test_a_master_off_loopback_is_refused_unless_allowed() -> None:
    options = {"master": "10.1.2.3:5557", "workers": 3, "allow_remote": False}
    with pytest.raises(LockgateError, match="not loopback"):
        settings.topology(options)
    assert settings.topology({**options, "allow_remote": True}).master == ("10.1.2.3", 5557)
    assert settings.topology({**options, "master": "127.0.0.1:5600"}).master == ("127.0.0.1", 5600)


def _summary(requests: int = 1000, failures: int = 0, rps: float = 100.0) -> Summary:
    return Summary(requests, failures, rps, p50_ms=20, p95_ms=180, p99_ms=400, max_ms=900)


BREACHES: list[tuple[Thresholds, Summary, list[str]]] = [
    (Thresholds(), _summary(), []),
    (Thresholds(p95_ms=200, p99_ms=500, max_error_rate=1, min_rps=50), _summary(), []),
    (Thresholds(p95_ms=180), _summary(), []),  # at the limit is within it
    (Thresholds(p95_ms=100), _summary(), ["p95 latency 180 ms is above p95_ms = 100 ms"]),
    (Thresholds(p99_ms=300), _summary(), ["p99 latency 400 ms is above p99_ms = 300 ms"]),
    (
        Thresholds(max_error_rate=1),
        _summary(failures=20),
        ["error rate 2.00% (20 of 1000 requests failed) is above max_error_rate = 1%"],
    ),
    (
        Thresholds(max_error_rate=0),
        _summary(failures=1),
        ["error rate 0.10% (1 of 1000 requests failed) is above max_error_rate = 0%"],
    ),
    (Thresholds(min_rps=150), _summary(), ["throughput 100.0 requests/s is below min_rps = 150"]),
]


@pytest.mark.parametrize(("limits", "summary", "texts"), BREACHES)
def test_breaches_name_the_number_and_the_limit(
    limits: Thresholds, summary: Summary, texts: list[str]
) -> None:
    assert [b.text for b in thresholds.breaches(summary, limits)] == texts


def test_generated_locustfile_compiles_and_keeps_to_relative_paths() -> None:
    scenario = Scenario(
        ScenarioSource.CONFIG,
        "lockgate.toml",
        (
            Request(Method.GET, "/a'\"b", weight=3),
            Request(Method.POST, "/p", json='{"k": "v"}', headers=(("X-T", "1"),)),
        ),
    )
    text = generate.locustfile(scenario, "http://127.0.0.1:9", 500)
    compile(text, "locustfile.py", "exec")
    assert "FastHttpUser" in text and "@task(3)" in text
    assert "'/a\\'\"b'" in text and "'Content-Type': 'application/json'" in text
    assert "_LG_MAX = 500" in text and "_LG_TARGET = 'http://127.0.0.1:9'" in text


HISTORY = """Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,Total Request Count
1000,0,,Aggregated,0.000000,0.000000,N/A,N/A,0
1001,2,GET,/a,5.0,0.0,3,9,5
1001,2,,Aggregated,10.000000,1.000000,4,12,10
1002,2,,Aggregated,20.000000,0.000000,5,15,30
"""
STATS = [
    {
        "name": "/a",
        "num_requests": 60,
        "num_failures": 1,
        "start_time": 100.0,
        "last_request_timestamp": 102.0,
        "max_response_time": 31.7,
        "response_times": {"4": 30, "10": 27, "20": 2, "30": 1},
    },
    {
        "name": "/b",
        "num_requests": 40,
        "num_failures": 2,
        "start_time": 100.5,
        "last_request_timestamp": 104.0,
        "max_response_time": 12.0,
        "response_times": {"4": 20, "10": 20},
    },
]


def test_stats_read_back_from_locusts_json_and_history(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps(STATS))
    (tmp_path / "h.csv").write_text(HISTORY)
    s = results.read(tmp_path / "s.json", tmp_path / "h.csv")
    assert (s.requests, s.failures, s.rps, s.max_ms) == (100, 3, 25.0, 31.7)
    assert (s.p50_ms, s.p95_ms, s.p99_ms) == (10, 10, 30)  # as locust.stats computes them
    assert [(p.time, p.users, p.rps, p.p95_ms) for p in s.timeline] == [
        (0, 0, 0, None),
        (1, 2, 10, 12),
        (2, 2, 20, 15),
    ]


def test_missing_stats_are_an_error_not_zero(tmp_path: Path) -> None:
    with pytest.raises(LockgateError, match="no statistics"):
        results.read(tmp_path / "s.json", tmp_path / "h.csv")


def test_chart_is_self_contained_svg() -> None:
    points = (Point(0, 1, 10, 0, 4, 9), Point(1, 2, 30, 1, 5, 12))
    page = chart.page(Summary(40, 1, 20, 5, 12, 14, 20, points), "Load: <http://127.0.0.1:1>")
    assert page.count("<svg") == 2 and page.count("<polyline") >= 4
    assert "<script" not in page and "http://127.0.0.1:1&gt;" in page
    assert "src=" not in page and "href=" not in page  # nothing loaded from elsewhere
