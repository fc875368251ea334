"""Times from the command line and import files: ISO 8601, UTC unless a zone is given."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lockgate.metrics.timeparse import duration, parse_bound, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T14:30:00Z", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01 14:30", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01T14:30+02:00", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
    ],
)
def test_times_parse_to_utc(text: str, expected: datetime) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "1700000000", "14:30"])
def test_non_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_time(text)


def test_an_until_date_includes_that_day() -> None:
    assert parse_bound("2026-03-01", end=False) == datetime(2026, 3, 1, tzinfo=UTC)
    assert parse_bound("2026-03-01", end=True) == datetime(2026, 3, 2, tzinfo=UTC)
    assert parse_bound("2026-03-01T06:00Z", end=True) == datetime(2026, 3, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0s"), (45, "45s"), (60, "1m"), (3725, "1h 2m"), (86400, "1d"), (90061, "1d 1h")],
)
def test_durations_for_people(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown
