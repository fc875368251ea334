"""What an npm dependency spec names: a registry release (maybe under an alias), a range, or not npm.

Shared by package.json, package-lock.json v1 and yarn.lock: `npm:real@1.2.3` is the package
`real`; `file:`, `link:`, `workspace:`, git and URL specs (and `user/repo` shorthands) are not
registry releases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOT_REGISTRY = re.compile(
    r"^(?:file:|link:|portal:|workspace:|exec:|patch:|git(?:\+[a-z]+)?:|git@|github:|gitlab:|"
    r"bitbucket:|gist:|https?:|\.{0,2}/|~/)",
    re.I,
)
_EXACT = re.compile(r"^[=v]*\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$")


@dataclass(frozen=True)
class Spec:
    name: str  # the real package name (the alias target for `npm:` aliases)
    exact: str | None  # the one version the spec allows, if it allows one
    not_registry: str | None  # why it is not a registry release (None when it is)
    text: str  # the range as written, for messages


def classify(name: str, spec: str) -> Spec:
    spec = spec.strip()
    if spec.startswith("npm:"):
        target = spec[4:]
        at = target.find("@", 1)
        if at < 0:  # Berry's `npm:^1.2.0`: a range of the same package
            return classify(name, target)
        return classify(target[:at], target[at + 1 :] or "*")
    if _NOT_REGISTRY.match(spec) or ("/" in spec and not spec.startswith("@")):
        return Spec(name, None, f"{spec[:80]} is not a registry release", spec)
    exact = _EXACT.match(spec)
    return Spec(name, exact.group(1) if exact else None, None, spec or "*")


def split_descriptor(descriptor: str) -> tuple[str, str]:
    """'@scope/x@^1' -> ('@scope/x', '^1'); 'x' -> ('x', '')."""
    descriptor = descriptor.strip().strip('"').strip()
    at = descriptor.find("@", 1)  # a scoped name starts with @
    return (descriptor[:at], descriptor[at + 1 :]) if at > 0 else (descriptor, "")
