"""Times and dates given on the command line or in import files, always ending up in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

FORMS = "ISO 8601, e.g. 2026-03-01T14:30:00Z or 2026-03-01 14:30+01:00 (no zone = UTC)"


def parse_time(text: str) -> datetime:
    """An ISO 8601 date-time (a date alone is its midnight); no zone means UTC. ValueError if not."""
    raw = text.strip()
    if not raw:
        raise ValueError(f"empty time; use {FORMS}")
    try:
        value = datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1] in "zZ" else raw)
    except ValueError:
        raise ValueError(f"'{text}' is not a time; use {FORMS}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_bound(text: str, *, end: bool) -> datetime:
    """--since/--until: a date means the start of that day (UTC); for --until, the end of it."""
    raw = text.strip()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return parse_time(raw)
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start + timedelta(days=1) if end else start


def from_unix(seconds: str | int) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=UTC)


def show(when: datetime) -> str:
    """A time for people: 2026-03-01 14:30 UTC (seconds only when they are not zero)."""
    when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC" if when.second else "%Y-%m-%d %H:%M UTC")


def iso(when: datetime) -> str:
    """A time for machines: 2026-03-01T14:30:00Z."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def duration(seconds: float) -> str:
    """3d 4h, 2h 5m, 45m, 30s: the two largest units."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    parts = [(s // 86400, "d"), (s % 86400 // 3600, "h"), (s % 3600 // 60, "m"), (s % 60, "s")]
    first = next(i for i, (v, _) in enumerate(parts) if v)
    shown = [f"{v}{u}" for v, u in parts[first : first + 2] if v]
    return " ".join(shown)
