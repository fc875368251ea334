"""A name that satisfies every rule, built from the words of the one that does not."""

from __future__ import annotations

import re
from dataclasses import replace

from lockgate.naming import casing, limits
from lockgate.naming.casing import Casing
from lockgate.naming.interface import HOLE, NamedObject, ObjectKind
from lockgate.naming.rules import Context, Rule, check, template_regex

_SEP = {Casing.KEBAB: "-", Casing.SNAKE: "_", Casing.UPPER_SNAKE: "_"}


def suggest(obj: NamedObject, ctx: Context) -> str | None:
    """The suggested name (holes kept), or None when no name built from these words passes."""
    style = ctx.policy.casing[obj.kind]
    if obj.computed:
        candidate = HOLE.join(_fragment(f, style, ctx) for f in obj.name.split(HOLE))
    elif obj.kind in (ObjectKind.IMAGE, ObjectKind.HOSTNAME, ObjectKind.TERRAFORM_NAME):
        candidate = re.sub(r"[^/.:@]+", lambda m: _whole(m.group(0), style, ctx), obj.name)
    elif obj.kind is ObjectKind.PACKAGE and obj.name.startswith("@"):
        candidate = "@" + "/".join(_whole(p, style, ctx) for p in obj.name[1:].split("/"))
    else:
        candidate = _whole(obj.name, style, ctx)
    candidate = _shared(_templated(candidate, obj, ctx), obj, ctx)
    candidate = _platform(candidate, obj.platform)
    if not candidate:
        return None
    fixed = replace(obj, name=candidate)
    left = [v for v in check(fixed, ctx) if v.rule is not Rule.REQUIRED_TAGS]
    return None if left else candidate


def _words(text: str, ctx: Context) -> list[str]:
    out = []
    for word in casing.words(text):
        word = ctx.policy.abbreviations.get(word, word)
        out += [w for w in casing.words(word) if w not in ctx.policy.banned_words]
    return out


def _whole(text: str, style: Casing, ctx: Context) -> str:
    return casing.write(_words(text, ctx), style)


def _fragment(text: str, style: Casing, ctx: Context) -> str:
    """A literal fragment beside expressions: keep its leading and trailing separators."""
    sep = _SEP.get(style, "")
    body = _whole(text, style, ctx)
    lead = sep if text[:1] in "-_." and body else ""
    trail = sep if text[-1:] in "-_." and body else ""
    return lead + body + trail if body else (sep if text and sep else "")


def _templated(candidate: str, obj: NamedObject, ctx: Context) -> str:
    """Put the service name in front when the template starts with {service} and it is missing."""
    template = ctx.policy.templates.get(obj.kind)
    if template is None or obj.computed or template_regex(template, obj, ctx).fullmatch(candidate):
        return candidate
    style = ctx.policy.casing[obj.kind]
    service = casing.write(casing.words(ctx.service), style)
    if template.startswith("{service}") and not candidate.startswith(service):
        sep = template[len("{service}") : len("{service}") + 1]
        return f"{service}{sep}{candidate}"
    return candidate


def _shared(candidate: str, obj: NamedObject, ctx: Context) -> str:
    """One name for the repository and the hosts: the service's."""
    if not ctx.policy.shared_name:
        return candidate
    if obj.kind is ObjectKind.REPOSITORY:
        return ctx.service
    service = casing.write(casing.words(ctx.service), Casing.KEBAB)
    if obj.kind is ObjectKind.HOSTNAME and not candidate.startswith(service):
        return f"{service}.{candidate}"
    return candidate


def _platform(candidate: str, platform: limits.Platform) -> str:
    limit = limits.LIMITS.get(platform)
    if limit is None or HOLE in candidate:
        return candidate
    if limit.lower:
        candidate = candidate.lower()
    if platform in (
        limits.Platform.S3_BUCKET,
        limits.Platform.K8S_DNS_LABEL,
        limits.Platform.RDS_IDENTIFIER,
        limits.Platform.AWS_LB_NAME,
    ):
        candidate = re.sub(
            r"[^a-zA-Z0-9.-]" if platform is limits.Platform.S3_BUCKET else r"[^a-zA-Z0-9-]",
            "-",
            candidate,
        )
        candidate = re.sub(r"-{2,}", "-", candidate)
    return candidate[: limit.max_length].strip("-._")
