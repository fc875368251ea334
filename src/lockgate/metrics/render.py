"""The four keys for people (text) and for programs (JSON, schema `lockgate-metrics/1`).

JSON document (stable; fields are only ever added):
  schema            "lockgate-metrics/1"
  generated_at      when it was computed (UTC, ISO 8601)
  window            {since, until, days}: [since, until)
  bands_year        the report year the text output shows
  services[]        one object per service:
    service
    deployment_frequency  {deployments, per_week, days_between, bands}
    lead_time             {changes, median_seconds, p90_seconds, excluded_nonpositive, bands}
    change_failure_rate   {rate, failures, deployments, failed, rolled_back, caused_incident, bands}
    time_to_restore       {restores, median_seconds, p90_seconds, from_incidents,
                           from_deployments, unrestored, bands}
    weekly[]              {since, until, deployments, lead_time_median_seconds,
                           change_failure_rate, time_to_restore_median_seconds}
    warnings[]            {what, reason, count, fix}: what the numbers leave out
  bands: [{year, level, report_text, source}] for every report year; level null when the
  value falls in none of that year's levels (or there is no value). A value that cannot be
  computed (no deployments, no changes, no restores) is null, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lockgate.metrics.model import Band, Key, ServiceKeys, Stats, Week, Window
from lockgate.metrics.timeparse import duration, iso, show
from lockgate.model import Unchecked
from lockgate.reports.text import clean

SCHEMA = "lockgate-metrics/1"
WEEKS_SHOWN = 13  # text output: the last quarter; JSON has every week


def to_json(
    keys: Sequence[ServiceKeys], window: Window, now: datetime, year: int
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generated_at": iso(now),
        "window": {"since": iso(window.since), "until": iso(window.until), "days": window.days},
        "bands_year": year,
        "services": [_service(k) for k in keys],
    }


def _service(k: ServiceKeys) -> dict[str, Any]:
    df, lt, cf, tr = k.deployment_frequency, k.lead_time, k.change_failure, k.time_to_restore
    return {
        "service": k.service,
        "deployment_frequency": {
            "deployments": df.deployments,
            "per_week": round(df.per_week, 4),
            "days_between": _round(df.days_between),
            "bands": _bands(k, Key.DEPLOYMENT_FREQUENCY),
        },
        "lead_time": {
            "changes": lt.stats.count,
            **_stats(lt.stats),
            "excluded_nonpositive": lt.excluded_nonpositive,
            "bands": _bands(k, Key.LEAD_TIME),
        },
        "change_failure_rate": {
            "rate": _round(cf.rate),
            "failures": cf.failures,
            "deployments": cf.deployments,
            "failed": cf.failed,
            "rolled_back": cf.rolled_back,
            "caused_incident": cf.caused_incident,
            "bands": _bands(k, Key.CHANGE_FAILURE_RATE),
        },
        "time_to_restore": {
            "restores": tr.stats.count,
            **_stats(tr.stats),
            "from_incidents": tr.from_incidents,
            "from_deployments": tr.from_deployments,
            "unrestored": tr.unrestored,
            "bands": _bands(k, Key.TIME_TO_RESTORE),
        },
        "weekly": [_week(w) for w in k.weekly],
        "warnings": [_warning(u) for u in k.warnings],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _stats(s: Stats) -> dict[str, float | None]:
    return {"median_seconds": _round(s.median), "p90_seconds": _round(s.p90)}


def _bands(k: ServiceKeys, key: Key) -> list[dict[str, Any]]:
    return [
        {"year": b.year, "level": b.level, "report_text": b.report_text, "source": b.source}
        for b in k.bands[key]
    ]


def _week(w: Week) -> dict[str, Any]:
    return {
        "since": iso(w.since),
        "until": iso(w.until),
        "deployments": w.deployments,
        "lead_time_median_seconds": _round(w.lead_time_median),
        "change_failure_rate": _round(w.change_failure_rate),
        "time_to_restore_median_seconds": _round(w.time_to_restore_median),
    }


def _warning(u: Unchecked) -> dict[str, Any]:
    return {"what": u.what, "reason": u.reason, "count": u.count, "fix": u.fix}


# --- text --------------------------------------------------------------------------------------


def to_text(keys: Sequence[ServiceKeys], year: int) -> str:
    return "\n\n".join(_service_text(k, year) for k in keys) + "\n"


def _service_text(k: ServiceKeys, year: int) -> str:
    w = k.window
    head = (
        f"{clean(k.service)}: DORA four keys, {show(w.since)} to {show(w.until)} "
        f"({_days(w.days)}); levels from the DORA {year} report"
    )
    rows = [
        ("deployment frequency", _frequency(k), _band(k, Key.DEPLOYMENT_FREQUENCY, year)),
        ("lead time for changes", _lead(k), _band(k, Key.LEAD_TIME, year)),
        ("change failure rate", _failure(k), _band(k, Key.CHANGE_FAILURE_RATE, year)),
        ("time to restore", _restore(k), _band(k, Key.TIME_TO_RESTORE, year)),
    ]
    width = max(len(r[1][0]) for r in rows)
    lines = [head]
    for name, (value, *more), band in rows:
        lines.append(f"  {name:<22} {value:<{width}}   {band}")
        lines += [f"  {'':<22} {extra}" for extra in more]
    lines += _weekly_text(k.weekly)
    if k.warnings:
        lines.append("  not counted (the numbers above leave these out):")
        lines += [f"    ! {_warning_text(u)}" for u in k.warnings]
    return "\n".join(lines)


def _days(days: float) -> str:
    return f"{days:.0f} days" if abs(days - round(days)) < 0.01 else f"{days:.1f} days"


def _frequency(k: ServiceKeys) -> list[str]:
    df = k.deployment_frequency
    if not df.deployments:
        return ["no production deployments"]
    every = f"; one every {df.days_between:.1f} days" if df.days_between is not None else ""
    return [f"{df.deployments} deployments, {df.per_week:.2f} a week{every}"]


def _lead(k: ServiceKeys) -> list[str]:
    lt = k.lead_time
    out = [_stats_text(lt.stats, "commit")]
    if lt.excluded_nonpositive:
        out.append(f"{_count(lt.excluded_nonpositive, 'commit')} with lead time <= 0 left out")
    return out


def _failure(k: ServiceKeys) -> list[str]:
    cf = k.change_failure
    if cf.rate is None:
        return ["no production deployments"]
    parts = [
        f"{n} {label}"
        for n, label in (
            (cf.failed, "failed"),
            (cf.rolled_back, "rolled back"),
            (cf.caused_incident, "caused an incident"),
        )
        if n
    ]
    why = f": {', '.join(parts)}" if parts else ""
    return [f"{cf.rate:.0%} ({cf.failures} of {cf.deployments} deployments{why})"]


def _restore(k: ServiceKeys) -> list[str]:
    tr = k.time_to_restore
    out = [_stats_text(tr.stats, "restore")]
    if tr.unrestored:
        out.append(f"{_count(tr.unrestored, 'failure')} not restored yet (not in the median)")
    return out


def _stats_text(s: Stats, noun: str) -> str:
    if s.median is None or s.p90 is None:
        return f"no {noun}s"
    return f"median {duration(s.median)}, p90 {duration(s.p90)} over {_count(s.count, noun)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _band(k: ServiceKeys, key: Key, year: int) -> str:
    band = next((b for b in k.bands[key] if b.year == year), None)
    if band is None:
        return ""
    return _band_text(band)


def _band_text(b: Band) -> str:
    if b.level is None:
        return f"no level ({b.year}: {b.report_text})"
    return f"{b.level} ({b.year}: {b.report_text})"


def _weekly_text(weekly: Sequence[Week]) -> list[str]:
    if not weekly:
        return []
    shown = weekly[-WEEKS_SHOWN:]
    cut = (
        f"; the last {len(shown)} of {len(weekly)}, --json has all"
        if len(shown) < len(weekly)
        else ""
    )
    lines = [
        f"  weekly (weeks start Monday, UTC{cut}):",
        f"    {'week of':<10} {'deploys':>7}  {'lead time':>10}  {'failure rate':>12}  "
        f"{'restore':>10}",
    ]
    for w in shown:
        lead = duration(w.lead_time_median) if w.lead_time_median is not None else "-"
        rate = f"{w.change_failure_rate:.0%}" if w.change_failure_rate is not None else "-"
        back = duration(w.time_to_restore_median) if w.time_to_restore_median is not None else "-"
        lines.append(
            f"    {w.since:%Y-%m-%d} {w.deployments:>7}  {lead:>10}  {rate:>12}  {back:>10}"
        )
    return lines


def _warning_text(u: Unchecked) -> str:
    text = f"{clean(u.what)} ({u.count}): {clean(u.reason)}"
    return text + (f" (fix: {clean(u.fix)})" if u.fix else "")
