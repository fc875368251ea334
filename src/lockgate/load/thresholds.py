"""The gate's limits held against the measured numbers: each breach names the number and the limit."""

from __future__ import annotations

from lockgate.load.interface import Breach, Summary, Thresholds


def breaches(summary: Summary, limits: Thresholds) -> tuple[Breach, ...]:
    out: list[Breach] = []
    if limits.p95_ms is not None and summary.p95_ms > limits.p95_ms:
        out.append(_above("p95_ms", "p95 latency", summary.p95_ms, limits.p95_ms, "ms"))
    if limits.p99_ms is not None and summary.p99_ms > limits.p99_ms:
        out.append(_above("p99_ms", "p99 latency", summary.p99_ms, limits.p99_ms, "ms"))
    if limits.max_error_rate is not None and summary.error_rate > limits.max_error_rate:
        rate = summary.error_rate
        text = (
            f"error rate {rate:.2f}% ({summary.failures} of {summary.requests} requests failed) "
            f"is above max_error_rate = {limits.max_error_rate:g}%"
        )
        out.append(Breach("max_error_rate", rate, limits.max_error_rate, text))
    if limits.min_rps is not None and summary.rps < limits.min_rps:
        text = f"throughput {summary.rps:.1f} requests/s is below min_rps = {limits.min_rps:g}"
        out.append(Breach("min_rps", summary.rps, limits.min_rps, text))
    return tuple(out)


def _above(key: str, label: str, measured: float, limit: float, unit: str) -> Breach:
    return Breach(
        key, measured, limit, f"{label} {measured:g} {unit} is above {key} = {limit:g} {unit}"
    )
