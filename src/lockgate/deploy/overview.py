"""What runs in each environment (target + store), for `lockgate status` and `lockgate env list`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from lockgate.deploy import environments as envs
from lockgate.deploy.flow import TARGETS, Records, Settings, context
from lockgate.deploy.interface import Environment, Target
from lockgate.model import Deployment, DeploymentStatus


@dataclass(frozen=True)
class Row:
    environment: str
    kind: str
    version: str  # "-" when nothing runs
    since: datetime | None
    url: str
    last_deploy: str  # "succeeded 2026-11-26 14:02" or "-"
    state: str
    age_hours: float | None  # since lockgate created the environment here
    warning: str = ""


def _age(dt: datetime | None, now: datetime) -> str:
    if dt is None:
        return "-"
    secs = (now - dt).total_seconds()
    ago = f"{secs:.0f}s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            ago = f"{secs / size:.0f}{unit}"
            break
    return f"{dt.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({ago} ago)"


def overview(
    settings: Settings,
    records: Records,
    *,
    target: Target | None = None,
    now: datetime | None = None,
) -> list[Row]:
    now = now or datetime.now(UTC)
    target = target or TARGETS[str(settings.deploy["target"])]()
    on_disk = {r.name: r for r in envs.existing(settings.project)}
    names = [n for n in settings.environments if n != envs.REVIEW]
    names += [n for n in on_disk if n not in names]
    ttl = float(settings.deploy["review_ttl_hours"])
    return [_row(settings, records, target, name, on_disk.get(name), ttl, now) for name in names]


def _row(
    settings: Settings,
    records: Records,
    target: Target,
    name: str,
    rec: envs.EnvRecord | None,
    ttl: float,
    now: datetime,
) -> Row:
    try:
        env = envs.resolve(name, settings.environments, None)
    except Exception:
        env = Environment(name, rec.kind if rec else "?")
    live = target.live(context(settings, env))
    deps = records.deployments(service=settings.service, environment=name, limit=1)
    last = f"{_status(records, deps[0])} {deps[0].started:%Y-%m-%d %H:%M}" if deps else "-"
    age = (now - rec.created).total_seconds() / 3600 if rec else None
    warning = ""
    declared = name in settings.environments or (
        rec is not None and rec.kind == envs.REVIEW and envs.REVIEW in settings.environments
    )
    if not declared:
        warning = f"'{name}' is not declared in lockgate.toml any more; remove it"
    elif rec is not None and (
        reasons := envs.review_expiry(rec, ttl, now, envs.branch_gone(settings.project, rec))
    ):
        warning = f"review environment {'; '.join(reasons)}: `lockgate env prune` removes it"
    return Row(
        name,
        env.kind,
        live.version if live else "-",
        live.since if live else None,
        live.url if live else env.url or "-",
        last,
        live.detail if live else "not running",
        age,
        warning,
    )


def _status(records: Records, dep: Deployment) -> str:
    """A deployment's status; one in progress whose process is gone is not in progress."""
    if dep.status is not DeploymentStatus.IN_PROGRESS or dep.id is None:
        return dep.status.value
    if dep.id in records.dead_deployments([dep.id]):
        return "failed (interrupted: its process died)"
    return dep.status.value


def render_rows(rows: Sequence[Row], columns: Sequence[str], now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    cells: dict[str, Callable[[Row], str]] = {
        "environment": lambda r: r.environment,
        "version": lambda r: r.version,
        "since": lambda r: _age(r.since, now),
        "url": lambda r: r.url,
        "last deploy": lambda r: r.last_deploy,
        "state": lambda r: r.state,
        "age": lambda r: "-" if r.age_hours is None else f"{r.age_hours:.1f}h",
    }
    table = [list(columns)] + [[cells[c](r) for c in columns] for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(columns))]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]
    lines += [f"warning: {r.environment}: {r.warning}" for r in rows if r.warning]
    return "\n".join(lines)
