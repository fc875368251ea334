"""The naming rules: what is wrong with one name, and a name that satisfies every rule."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from lockgate.model import Severity
from lockgate.naming import casing, limits
from lockgate.naming.casing import Casing
from lockgate.naming.interface import HOLE, NamedObject, ObjectKind
from lockgate.naming.policy import Policy


class Rule(enum.StrEnum):
    CASING = "naming-casing"
    BANNED_WORD = "naming-banned-word"
    ABBREVIATION = "naming-abbreviation"
    TEMPLATE = "naming-template"
    PLATFORM = "naming-platform-limit"
    REQUIRED_TAGS = "naming-required-tags"
    SHARED_NAME = "naming-shared-name"


SEVERITY = {rule: Severity.LOW for rule in Rule} | {Rule.PLATFORM: Severity.MEDIUM}
_SEPARATORS = re.compile(r"[/.:@]")  # path-like names (log groups, images) are checked per part


@dataclass(frozen=True)
class Violation:
    rule: Rule
    message: str


@dataclass(frozen=True)
class Context:
    """What the rules compare names with."""

    policy: Policy
    service: str
    environments: tuple[str, ...]


def check(obj: NamedObject, ctx: Context) -> list[Violation]:
    """Every rule `obj` breaks (tags only for taggable resources; templates only for literal names)."""
    out = _casing(obj, ctx.policy) + _words(obj, ctx.policy)
    out += _template(obj, ctx) + _platform(obj) + _shared(obj, ctx)
    return out + _tags(obj, ctx.policy)


def _style(obj: NamedObject, policy: Policy) -> Casing:
    return policy.casing[obj.kind]


def _parts(obj: NamedObject) -> list[str]:
    """The literal parts whose casing is checked: images and paths part by part, holes left out."""
    if obj.kind in (ObjectKind.IMAGE, ObjectKind.HOSTNAME):
        return [p for p in _SEPARATORS.split(obj.name) if p]
    if obj.kind is ObjectKind.PACKAGE and obj.name.startswith("@"):  # @scope/name
        return [p for p in obj.name[1:].split("/") if p]
    if obj.kind is ObjectKind.TERRAFORM_NAME:
        return [p for p in re.split(r"[/]", obj.name) if p]
    return [obj.name]


def _fits(part: str, style: Casing) -> bool:
    if HOLE not in part:
        return casing.matches(part, style)
    alphabet = {
        Casing.KEBAB: r"[a-z0-9-]*",
        Casing.SNAKE: r"[a-z0-9_]*",
        Casing.UPPER_SNAKE: r"[A-Z0-9_]*",
        Casing.CAMEL: r"[a-zA-Z0-9]*",
        Casing.PASCAL: r"[a-zA-Z0-9.]*",
    }[style]
    return all(re.fullmatch(alphabet, f) for f in part.split(HOLE))


def _casing(obj: NamedObject, policy: Policy) -> list[Violation]:
    style = _style(obj, policy)
    bad = [p for p in _parts(obj) if not _fits(p, style)]
    if not bad:
        return []
    part = "" if bad[0] == obj.name else f"the part {_show(bad[0])!r} "
    return [Violation(Rule.CASING, f"{part}is not {style.value} case")]


def _words(obj: NamedObject, policy: Policy) -> list[Violation]:
    if obj.kind is ObjectKind.ENV_VAR:
        return []
    found = _name_words(obj.name)
    out = [
        Violation(Rule.BANNED_WORD, f"contains the word {w!r}, which the naming policy bans")
        for w in dict.fromkeys(found)
        if w in policy.banned_words
    ]
    out += [
        Violation(
            Rule.ABBREVIATION,
            f"contains the abbreviation {w!r}: write {policy.abbreviations[w]!r}",
        )
        for w in dict.fromkeys(found)
        if w in policy.abbreviations
    ]
    return out


def _name_words(name: str) -> list[str]:
    return [w for f in name.split(HOLE) for w in casing.words(f)]


def template_regex(template: str, obj: NamedObject, ctx: Context) -> re.Pattern[str]:
    style = _style(obj, ctx.policy)
    word = {
        Casing.KEBAB: r"[a-z0-9]+(-[a-z0-9]+)*",
        Casing.SNAKE: r"[a-z0-9]+(_[a-z0-9]+)*",
        Casing.UPPER_SNAKE: r"[A-Z0-9]+(_[A-Z0-9]+)*",
        Casing.CAMEL: r"[a-zA-Z0-9]+",
        Casing.PASCAL: r"[A-Z][a-zA-Z0-9]*",
    }[style]

    def alternatives(values: list[str]) -> str:
        return "(" + "|".join(re.escape(casing.write(casing.words(v), style)) for v in values) + ")"

    tokens = {
        "service": alternatives([ctx.service]),
        "environment": alternatives(list(ctx.environments)),
        "component": word,
        "suffix": alternatives(list(ctx.policy.suffixes)),
    }
    out, pos = "", 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out += re.escape(template[pos : m.start()]) + tokens[m.group(1)]
        pos = m.end()
    return re.compile(out + re.escape(template[pos:]))


def _template(obj: NamedObject, ctx: Context) -> list[Violation]:
    template = ctx.policy.templates.get(obj.kind)
    if template is None or obj.computed:
        return []
    if template_regex(template, obj, ctx).fullmatch(obj.name):
        return []
    return [Violation(Rule.TEMPLATE, f"does not follow the template {template!r}")]


def _platform(obj: NamedObject) -> list[Violation]:
    if obj.computed:
        return []
    problem = limits.problem(obj.name, obj.platform)
    return (
        []
        if problem is None
        else [Violation(Rule.PLATFORM, f"breaks the {obj.platform.value} limits: {problem}")]
    )


def _shared(obj: NamedObject, ctx: Context) -> list[Violation]:
    if not ctx.policy.shared_name:
        return []
    service = casing.write(casing.words(ctx.service), Casing.KEBAB)
    if obj.kind is ObjectKind.REPOSITORY and obj.name != ctx.service:
        return [
            Violation(
                Rule.SHARED_NAME,
                f"is not the service's name {ctx.service!r} (the repository is named after it)",
            )
        ]
    if obj.kind is ObjectKind.HOSTNAME and not obj.name.lower().startswith(service):
        return [Violation(Rule.SHARED_NAME, f"does not start with the service's name {service!r}")]
    return []


def _tags(obj: NamedObject, policy: Policy) -> list[Violation]:
    if not policy.required_tags or not obj.taggable or obj.tags_unknown:
        return []
    have = {k.lower() for k in (obj.tags or {})}
    missing = [t for t in policy.required_tags if t.lower() not in have]
    if not missing:
        return []
    return [Violation(Rule.REQUIRED_TAGS, f"lacks the required tag(s) {', '.join(missing)}")]


def _show(name: str) -> str:
    return name.replace(HOLE, "${…}")
