"""/metrics in the Prometheus text exposition format (version 0.0.4): the four keys and the build
measures per service.

The four keys cover the default window (the last 90 days). Build measures read the service's
newest runs in that window: pass rates and cache hits over them; durations, tests, coverage,
findings, accessibility barriers and load figures from the newest run that measured each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from lockgate.metrics.builds import BuildMeasures, RunMeasures, StageTrend
from lockgate.metrics.model import ServiceKeys, Stats

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
Sample = tuple[str, float | None]  # labels, value (None: no value, the sample is left out)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _one(keys: Sequence[ServiceKeys], value: Callable[[ServiceKeys], float | None]) -> list[Sample]:
    return [(f'service="{_label(k.service)}"', value(k)) for k in keys]


def _quantiles(keys: Sequence[ServiceKeys], stats: Callable[[ServiceKeys], Stats]) -> list[Sample]:
    samples: list[Sample] = []
    for k in keys:
        s, svc = stats(k), _label(k.service)
        samples += [(f'service="{svc}",quantile="0.5"', s.median)]
        samples += [(f'service="{svc}",quantile="0.9"', s.p90)]
    return samples


def render(
    keys: Sequence[ServiceKeys],
    window_days: float,
    builds: Mapping[str, BuildMeasures] | None = None,
) -> str:
    families: list[tuple[str, str, list[Sample]]] = [
        (
            "lockgate_dora_deployments",
            "Production deployments that went live in the window.",
            _one(keys, lambda k: float(k.deployment_frequency.deployments)),
        ),
        (
            "lockgate_dora_lead_time_seconds",
            "Lead time for changes in the window (median and p90).",
            _quantiles(keys, lambda k: k.lead_time.stats),
        ),
        (
            "lockgate_dora_change_failure_rate",
            "Share of production deployments that failed, were rolled back or caused an incident.",
            _one(keys, lambda k: k.change_failure.rate),
        ),
        (
            "lockgate_dora_time_to_restore_seconds",
            "Time to restore service in the window (median and p90).",
            _quantiles(keys, lambda k: k.time_to_restore.stats),
        ),
        (
            "lockgate_dora_unchecked",
            "Records the four keys leave out (the JSON API names them).",
            _one(keys, lambda k: float(sum(w.count for w in k.warnings))),
        ),
    ]
    families += _build_families(builds or {})
    lines = [
        "# HELP lockgate_dora_window_days Length of the window the four keys cover.",
        "# TYPE lockgate_dora_window_days gauge",
        f"lockgate_dora_window_days {window_days!r}",
    ]
    for name, text, samples in families:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge"]
        lines += [f"{name}{{{labels}}} {value!r}" for labels, value in samples if value is not None]
    return "\n".join(lines) + "\n"


def _latest(
    builds: Mapping[str, BuildMeasures], value: Callable[[RunMeasures], float | None]
) -> list[Sample]:
    samples: list[Sample] = []
    for service, b in builds.items():
        found = b.latest(value)
        if found is not None:
            samples.append((f'service="{_label(service)}"', found[1]))
    return samples


def _per_stage(
    builds: Mapping[str, BuildMeasures], value: Callable[[StageTrend], float | None]
) -> list[Sample]:
    return [
        (f'service="{_label(service)}",stage="{_label(t.stage)}"', value(t))
        for service, b in builds.items()
        for t in b.stages
    ]


def _findings(builds: Mapping[str, BuildMeasures]) -> list[Sample]:
    samples: list[Sample] = []
    for service, b in builds.items():
        if not b.runs:
            continue
        newest = b.runs[0]
        for stage, severity, n in newest.by_stage_severity:
            labels = f'service="{_label(service)}",stage="{_label(stage)}",severity="{severity}"'
            samples.append((labels, float(n)))
    return samples


def _flaky(builds: Mapping[str, BuildMeasures]) -> list[Sample]:
    return [(f'service="{_label(s)}"', float(len(b.flaky))) for s, b in builds.items() if b.runs]


def _build_families(builds: Mapping[str, BuildMeasures]) -> list[tuple[str, str, list[Sample]]]:
    def tests(pick: Callable[[RunMeasures], int]) -> Callable[[RunMeasures], float | None]:
        return lambda r: None if r.tests is None else float(pick(r))

    return [
        (
            "lockgate_build_runs",
            "Runs the build measures read (the newest in the window).",
            [(f'service="{_label(s)}"', float(len(b.runs))) for s, b in builds.items()],
        ),
        (
            "lockgate_build_stage_pass_ratio",
            "Share of the runs that ran a stage in which it passed (or warned).",
            _per_stage(builds, lambda t: t.pass_rate),
        ),
        (
            "lockgate_build_stage_cache_hit_ratio",
            "Share of the runs that ran a stage in which its result came from the cache.",
            _per_stage(builds, lambda t: t.cache_rate),
        ),
        (
            "lockgate_build_stage_duration_seconds",
            "How long a stage took in the newest run that recorded it.",
            _per_stage(builds, lambda t: t.latest_seconds),
        ),
        (
            "lockgate_build_run_duration_seconds",
            "How long the newest finished run took.",
            _latest(builds, lambda r: r.seconds),
        ),
        (
            "lockgate_tests",
            "Tests in the newest run that ran tests.",
            _latest(builds, tests(lambda r: r.tests.tests if r.tests else 0)),
        ),
        (
            "lockgate_test_failures",
            "Failing tests (failed or errored) in the newest run that ran tests.",
            _latest(builds, tests(lambda r: r.tests.failing if r.tests else 0)),
        ),
        (
            "lockgate_test_coverage_percent",
            "Line coverage in the newest run that measured it.",
            _latest(builds, lambda r: r.coverage),
        ),
        (
            "lockgate_flaky_tests",
            "Tests that failed and passed on one commit in the runs read.",
            _flaky(builds),
        ),
        (
            "lockgate_findings",
            "Findings of the newest run by stage and severity.",
            _findings(builds),
        ),
        (
            "lockgate_accessibility_barriers",
            "Accessibility barriers in the newest run that checked accessibility.",
            _latest(builds, lambda r: None if r.accessibility is None else float(r.accessibility)),
        ),
        (
            "lockgate_load_p95_seconds",
            "Load test 95th percentile response time in the newest run with a load test.",
            _latest(builds, lambda r: None if r.load_p95_ms is None else r.load_p95_ms / 1000),
        ),
        (
            "lockgate_load_requests_per_second",
            "Load test requests per second in the newest run with a load test.",
            _latest(builds, lambda r: r.load_rps),
        ),
    ]
