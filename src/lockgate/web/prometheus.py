"""/metrics in the Prometheus text exposition format (version 0.0.4): the four keys per service."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


def render(keys: Sequence[ServiceKeys], window_days: float) -> str:
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
    lines = [
        "# HELP lockgate_dora_window_days Length of the window the four keys cover.",
        "# TYPE lockgate_dora_window_days gauge",
        f"lockgate_dora_window_days {window_days!r}",
    ]
    for name, text, samples in families:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge"]
        lines += [f"{name}{{{labels}}} {value!r}" for labels, value in samples if value is not None]
    return "\n".join(lines) + "\n"
