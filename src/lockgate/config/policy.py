"""The org policy: `[policy]` floors that later layers may tighten but never loosen.

Any layer (usually an org pack pinned by git URL) may declare `[policy]`. Floors only tighten from
layer to layer; a later layer that sets something looser (a stage's `fail_on` above the floor, a
required stage disabled, a longer or disallowed suppression, a looser `[policy]` value) gets a
finding at the line that tries, and the effective config keeps the floor.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lockgate.config.keylines import KeyPath, line_of
from lockgate.config.packs import Layer
from lockgate.model import Finding, Location, Severity

RULE = "policy-loosened"
SECTION = "policy"


@dataclass(frozen=True)
class Floor:
    """The strictest policy of the layers so far."""

    fail_on: Severity | None = None
    required_stages: tuple[str, ...] = ()
    fail_on_unchecked: bool = False
    name_pattern: str | None = None
    allowed_suppressions: tuple[str, ...] | None = None  # None: any stage and rule
    max_suppression_days: int = 0  # 0: no limit
    set_by: Mapping[str, str] | None = None  # policy key -> layer label that set it

    def table(self) -> dict[str, Any]:
        """The floor as a `[policy]` table for the effective config."""
        out: dict[str, Any] = {
            "required_stages": list(self.required_stages),
            "fail_on_unchecked": self.fail_on_unchecked,
            "allowed_suppressions": list(self.allowed_suppressions or ()),
            "max_suppression_days": self.max_suppression_days,
        }
        if self.fail_on is not None:
            out["fail_on"] = self.fail_on.value
        if self.name_pattern is not None:
            out["name_pattern"] = self.name_pattern
        return out


@dataclass(frozen=True)
class Outcome:
    floor: Floor
    findings: tuple[Finding, ...]
    declared: bool  # some layer has a [policy] table


def evaluate(
    layers: tuple[Layer, ...], today: datetime.date, project_name: str | None = None
) -> Outcome:
    """Walk the layers in order: check each against the floor so far, then tighten the floor."""
    floor = Floor(set_by={})
    findings: list[Finding] = []
    declared = False
    for layer in layers:
        findings += _loosenings(layer, floor, today)
        raw = layer.data.get(SECTION)
        if isinstance(raw, dict):
            declared = True
            floor = _tighten(floor, raw, layer.label)
    if floor.name_pattern is not None and project_name is not None:
        findings += _naming(layers, floor, project_name)
    return Outcome(floor, tuple(findings), declared)


def looser(value: Any, floor: Severity | None) -> bool:
    """A `fail_on` that lets through findings the floor fails on (critical is looser than high)."""
    if floor is None or value not in Severity.__members__.values():
        return False
    return Severity(value).rank > floor.rank


def clamp(
    data: dict[str, Any], floor: Floor, defaults: Mapping[str, Mapping[str, Any]]
) -> dict[str, str]:
    """Hold every stage (`defaults`: name -> its default fail_on and enabled) to the floor, in
    place.

    Returns the origin of each value the floor decides ("org policy (LAYER)"), by dotted key.
    """
    held: dict[str, str] = {}
    stages = data.setdefault("stages", {})
    if not isinstance(stages, dict):
        return held
    for name, default_of in defaults.items():
        default = default_of["fail_on"]
        table = stages.get(name, {})
        if not isinstance(table, dict):
            continue
        wanted = dict(table)
        if looser(table.get("fail_on", default), floor.fail_on):
            assert floor.fail_on is not None
            wanted["fail_on"] = floor.fail_on.value
        if name in floor.required_stages:
            wanted["enabled"] = True
        if floor.fail_on_unchecked:
            wanted["fail_on_unchecked"] = True
        before = {
            "fail_on": default,
            "enabled": default_of.get("enabled", True),  # a stage may be off by default (plan)
            "fail_on_unchecked": False,
            **table,
        }
        for key, policy_key in _POLICY_KEY.items():
            if key in wanted and wanted[key] != before[key]:
                held[f"stages.{name}.{key}"] = _held(floor, policy_key)
        if wanted != table:
            stages[name] = wanted
    given = data.get(SECTION)
    data[SECTION] = {**(given if isinstance(given, dict) else {}), **floor.table()}
    for key in floor.set_by or {}:
        held[f"{SECTION}.{key}"] = _held(floor, key)
    return held


_POLICY_KEY = {
    "fail_on": "fail_on",
    "enabled": "required_stages",
    "fail_on_unchecked": "fail_on_unchecked",
}


def _held(floor: Floor, key: str) -> str:
    return f"org policy ({_by(floor, key)})"


def _tighten(floor: Floor, raw: Mapping[str, Any], label: str) -> Floor:
    set_by = dict(floor.set_by or {})
    changes: dict[str, Any] = {}
    fail_on = raw.get("fail_on")
    if isinstance(fail_on, str) and fail_on in Severity.__members__.values():  # noqa: SIM102
        if floor.fail_on is None or Severity(fail_on).rank < floor.fail_on.rank:
            changes["fail_on"] = Severity(fail_on)
    required = raw.get("required_stages")
    if isinstance(required, list):
        extra = [s for s in required if isinstance(s, str) and s not in floor.required_stages]
        changes["required_stages"] = (*floor.required_stages, *extra)
    if raw.get("fail_on_unchecked") is True:
        changes["fail_on_unchecked"] = True
    pattern = raw.get("name_pattern")
    if isinstance(pattern, str) and floor.name_pattern is None:
        changes["name_pattern"] = pattern
    allowed = raw.get("allowed_suppressions")
    if isinstance(allowed, list):
        given = tuple(a for a in allowed if isinstance(a, str))
        known = floor.allowed_suppressions
        if given:  # an empty list allows any: it sets no floor
            changes["allowed_suppressions"] = (
                given if known is None else tuple(a for a in given if _allowed_by(a, known))
            )
    days = raw.get("max_suppression_days")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:  # noqa: SIM102
        if floor.max_suppression_days == 0 or days < floor.max_suppression_days:
            changes["max_suppression_days"] = days
    set_by.update(dict.fromkeys(changes, label))
    return replace(floor, **changes, set_by=set_by)


def _allowed_by(entry: str, allowed: tuple[str, ...]) -> bool:
    """`entry` ("stage" or "stage:rule") is within what `allowed` permits."""
    stage = entry.split(":", 1)[0]
    return entry in allowed or stage in allowed


# --- what a layer tries ---------------------------------------------------------------------


def _loosenings(layer: Layer, floor: Floor, today: datetime.date) -> list[Finding]:
    found: list[Finding] = []
    found += _policy_table(layer, floor)
    stages = layer.data.get("stages")
    if isinstance(stages, dict):
        for name, table in stages.items():
            if isinstance(table, dict):
                found += _stage(layer, floor, name, table)
    suppress = layer.data.get("suppress")
    if isinstance(suppress, list):
        for i, entry in enumerate(suppress):
            if isinstance(entry, dict):
                found += _suppression(layer, floor, i, entry, today)
    return found


def _by(floor: Floor, key: str) -> str:
    return (floor.set_by or {}).get(key, "the org policy")


def _stage(layer: Layer, floor: Floor, name: str, table: Mapping[str, Any]) -> list[Finding]:
    out = []
    key = ("stages", name)
    if looser(table.get("fail_on"), floor.fail_on):
        assert floor.fail_on is not None
        out.append(
            _finding(
                layer,
                (*key, "fail_on"),
                f'[stages.{name}] fail_on = "{table["fail_on"]}" loosens the org policy '
                f'(fail_on = "{floor.fail_on.value}", set by {_by(floor, "fail_on")}); '
                f"the stage still fails on {floor.fail_on.value}",
                f'remove it or set fail_on = "{floor.fail_on.value}" or stricter '
                f"({_stricter(floor.fail_on)})",
            )
        )
    if table.get("enabled") is False and name in floor.required_stages:
        out.append(
            _finding(
                layer,
                (*key, "enabled"),
                f"stage '{name}' is required by the org policy "
                f"(set by {_by(floor, 'required_stages')}) and cannot be disabled; it still runs",
                "remove `enabled = false`; ask the policy's owners for an exception if it cannot run",
            )
        )
    if table.get("fail_on_unchecked") is False and floor.fail_on_unchecked:
        out.append(
            _finding(
                layer,
                (*key, "fail_on_unchecked"),
                f"[stages.{name}] fail_on_unchecked = false loosens the org policy "
                f"(set by {_by(floor, 'fail_on_unchecked')}); it stays true",
                "remove `fail_on_unchecked = false`",
            )
        )
    return out


def _stricter(floor: Severity) -> str:
    return ", ".join(s.value for s in Severity if s.rank <= floor.rank)


def _policy_table(layer: Layer, floor: Floor) -> list[Finding]:
    raw = layer.data.get(SECTION)
    if not isinstance(raw, dict):
        return []
    out = []

    def tried(key: str, message: str, fix: str) -> None:
        out.append(_finding(layer, (SECTION, key), message + f" (set by {_by(floor, key)})", fix))

    if looser(raw.get("fail_on"), floor.fail_on):
        assert floor.fail_on is not None
        tried(
            "fail_on",
            f'[policy] fail_on = "{raw["fail_on"]}" loosens the org\'s "{floor.fail_on.value}"',
            f'remove it or set "{floor.fail_on.value}" or stricter',
        )
    if raw.get("fail_on_unchecked") is False and floor.fail_on_unchecked:
        tried(
            "fail_on_unchecked",
            "[policy] fail_on_unchecked = false loosens the org policy",
            "remove it",
        )
    pattern = raw.get("name_pattern")
    if floor.name_pattern is not None and pattern is not None and pattern != floor.name_pattern:
        tried(
            "name_pattern",
            "[policy] name_pattern replaces the org's naming rule",
            "remove it: the org's rule applies to every project",
        )
    allowed = raw.get("allowed_suppressions")
    if isinstance(allowed, list) and floor.allowed_suppressions is not None:
        extra = [
            a
            for a in allowed
            if isinstance(a, str) and not _allowed_by(a, floor.allowed_suppressions)
        ]
        if extra:
            tried(
                "allowed_suppressions",
                f"[policy] allowed_suppressions adds {', '.join(extra)}, beyond the org's list",
                f"keep to the org's list: {', '.join(floor.allowed_suppressions) or '(none)'}",
            )
    days = raw.get("max_suppression_days")
    if isinstance(days, int) and floor.max_suppression_days > 0:  # noqa: SIM102
        if days == 0 or days > floor.max_suppression_days:
            tried(
                "max_suppression_days",
                f"[policy] max_suppression_days = {days} is longer than the org's "
                f"{floor.max_suppression_days}",
                f"remove it or set {floor.max_suppression_days} or fewer",
            )
    return out


def _suppression(
    layer: Layer, floor: Floor, i: int, entry: Mapping[str, Any], today: datetime.date
) -> list[Finding]:
    out = []
    key = ("suppress", str(i))
    stage, rule = entry.get("stage"), entry.get("rule")
    if floor.allowed_suppressions is not None:
        target = f"{stage}:{rule}" if rule else str(stage)
        if not (isinstance(stage, str) and _allowed_by(target, floor.allowed_suppressions)):
            allowed = ", ".join(floor.allowed_suppressions) or "none"
            out.append(
                _finding(
                    layer,
                    key,
                    f"[[suppress]] #{i + 1} ({target}) is not among the suppressions the org "
                    f"policy allows ({allowed}; set by {_by(floor, 'allowed_suppressions')})",
                    "fix the finding instead, or ask the policy's owners to allow this suppression",
                )
            )
    expires = entry.get("expires")
    limit = floor.max_suppression_days
    if limit and isinstance(expires, datetime.date) and (expires - today).days > limit:
        latest = today + datetime.timedelta(days=limit)
        out.append(
            _finding(
                layer,
                (*key, "expires"),
                f"[[suppress]] #{i + 1} expires {expires.isoformat()}, more than {limit} days away "
                f"(org policy, set by {_by(floor, 'max_suppression_days')})",
                f"set expires = {latest.isoformat()} or earlier",
            )
        )
    return out


def _naming(layers: tuple[Layer, ...], floor: Floor, name: str) -> list[Finding]:
    assert floor.name_pattern is not None
    try:
        ok = re.fullmatch(floor.name_pattern, name) is not None
    except re.error:
        return []
    if ok:
        return []
    setter = next((lay for lay in reversed(layers) if _has(lay, ("project", "name"))), layers[-1])
    return [
        _finding(
            setter,
            ("project", "name"),
            f"project name '{name}' does not follow the org's naming rule "
            f"({floor.name_pattern}, set by {_by(floor, 'name_pattern')})",
            'rename the project in [project] name = "..." to match the rule',
        )
    ]


def _has(layer: Layer, key: KeyPath) -> bool:
    table: Any = layer.data
    for part in key:
        if not isinstance(table, dict) or part not in table:
            return False
        table = table[part]
    return True


def _finding(layer: Layer, key: KeyPath, message: str, fix: str) -> Finding:
    line = line_of(layer.lines, key)
    digest = hashlib.sha256(f"{layer.label}|{'.'.join(key)}|{RULE}".encode()).hexdigest()[:32]
    return Finding(
        stage=SECTION,
        tool="lockgate",
        rule_id=RULE,
        message=message,
        severity=Severity.HIGH,
        fingerprint=digest,
        location=Location(path=layer.label, start_line=line),
        help_text=fix,
    )


def describe(finding: Finding) -> str:
    """One line for the terminal: "lockgate.toml:7: org policy: ... (fix: ...)"."""
    loc = finding.location
    where = f"{loc.path}:{loc.start_line}" if loc and loc.start_line else (loc.path if loc else "")
    return f"{where}: org policy: {finding.message} (fix: {finding.help_text})"
