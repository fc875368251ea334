"""Run every reader over a project and turn broken rules into findings (with a suggested name)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lockgate import fsutil
from lockgate.model import Finding, Location, Unchecked
from lockgate.model import fingerprint as make_fingerprint
from lockgate.naming.interface import HOLE, NamedObject, Source, Unread
from lockgate.naming.limits import Platform
from lockgate.naming.readers import ALL
from lockgate.naming.rules import SEVERITY, Context, Violation, check
from lockgate.naming.suggest import suggest

HELP = (
    "Names follow the organisation's naming policy ([naming] in lockgate.toml, or the shared"
    " policy file it names): casing, templates, banned words and abbreviations, required tags,"
    " and the length and character limits of the platform the name is used on."
)


@dataclass(frozen=True)
class Outcome:
    findings: tuple[Finding, ...]
    unchecked: tuple[Unchecked, ...]
    objects: Counter[str]  # names checked, by kind
    files: int
    computed: int  # names built from expressions that a template or platform limit applies to


def run(stage: str, source: Source, ctx: Context) -> Outcome:
    excluded = set(fsutil.matching(source.files, ctx.policy.exclude))
    source = Source(
        source.root,
        tuple(f for f in source.files if f not in excluded),
        source.service,
        source.image_repository,
        source.environments,
    )
    findings: list[Finding] = []
    unread: list[Unread] = []
    kinds: Counter[str] = Counter()
    files = computed = 0
    for read in ALL.values():
        found = read(source)
        unread += found.unread
        files += found.files
        for obj in found.objects:
            kinds[obj.kind.value] += 1
            computed += _partly_checked(obj, ctx)
            violations = check(obj, ctx)
            if violations:
                findings += _findings(stage, obj, violations, suggest(obj, ctx))
    return Outcome(tuple(findings), _unchecked(unread, computed), kinds, files, computed)


def _findings(
    stage: str, obj: NamedObject, violations: list[Violation], better: str | None
) -> list[Finding]:
    shown = obj.name.replace(HOLE, "${…}")
    hint = (
        f"rename it to {better.replace(HOLE, '${…}')!r}"
        if better is not None and better != obj.name
        else "no name built from its words satisfies every rule: choose one by hand"
    )
    return [
        Finding(
            stage=stage,
            tool="lockgate-naming",
            rule_id=v.rule.value,
            message=f"{obj.what}: {shown!r} {v.message}; {hint}",
            severity=SEVERITY[v.rule],
            fingerprint=make_fingerprint(v.rule.value, obj.path, f"{obj.what}={obj.name}"),
            location=Location(obj.path, obj.line),
            help_text=HELP,
            tags=("naming", obj.kind.value),
        )
        for v in violations
    ]


def _partly_checked(obj: NamedObject, ctx: Context) -> bool:
    """A computed name whose template or platform limit could not be checked (casing was)."""
    applies = obj.platform is not Platform.NONE or obj.kind in ctx.policy.templates
    return obj.computed and applies


def _unchecked(unread: list[Unread], computed: int) -> tuple[Unchecked, ...]:
    out = [Unchecked(what=u.path, reason=u.reason, fix=u.fix) for u in unread]
    if computed:
        out.append(
            Unchecked(
                what="names built from expressions",
                reason=f"{computed} name(s) use ${{...}}: their literal parts were checked,"
                " their template or platform limits (length, characters) were not",
                count=computed,
                fix="nothing to do when the variables hold valid names; literal names are checked fully",
            )
        )
    return tuple(out)
