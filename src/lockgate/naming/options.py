"""Declared options of the project-wide [naming] config section (the organisation's naming policy)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from lockgate.config.options import Option

TOKENS = ("service", "environment", "component", "suffix")
KINDS = (
    "repository",
    "package",
    "dotnet-package",
    "image",
    "terraform-label",
    "terraform-name",
    "kubernetes",
    "environment",
    "hostname",
    "env-var",
)
CASINGS = ("kebab", "snake", "camel", "pascal", "upper-snake")
_TOKEN = re.compile(r"\{([^{}]*)\}")


def template_problem(template: str) -> str | None:
    """None for a template of known tokens, else what was expected."""
    unknown = [t for t in _TOKEN.findall(template) if t not in TOKENS]
    if unknown:
        return (
            f"a template of the tokens {{{'}, {'.join(TOKENS)}}} (unknown token"
            f" {{{unknown[0]}}} in {template!r}{_close(unknown[0], TOKENS, '{{{}}}')})"
        )
    if not _TOKEN.search(template):
        return f"a template with at least one token such as {{service}} (found {template!r})"
    return None


def _keyed(value: Any, allowed: tuple[str, ...], what: str) -> str | None:
    bad = [k for k in value if k not in KINDS]
    if bad:
        return (
            f"a table keyed by object kind ({', '.join(KINDS)}); unknown kind {bad[0]!r}"
            + _close(bad[0], KINDS, "{!r}")
        )
    for kind, text in value.items():
        if not isinstance(text, str):
            return f"a table of {what} strings (found a {type(text).__name__} for {kind!r})"
        if allowed and text not in allowed:
            return f"casings from {', '.join(allowed)} (found {text!r} for {kind!r})"
    return None


def _close(word: str, known: tuple[str, ...], shown: str) -> str:
    """ ", did you mean ...?" for a near miss of one of `known`, else nothing."""
    near = difflib.get_close_matches(word, known, n=1)
    return f", did you mean {shown.format(near[0])}?" if near else ""


def casings(value: Any) -> str | None:
    return _keyed(value, CASINGS, "casing")


def templates(value: Any) -> str | None:
    problem = _keyed(value, (), "template")
    if problem:
        return problem
    return next((p for t in value.values() if (p := template_problem(t)) is not None), None)


def abbreviations(value: Any) -> str | None:
    ok = all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    return None if ok else 'a table of abbreviation = "the word to use" strings'


DEFAULT_CASING_BY_KIND = {
    "terraform-label": "snake",
    "env-var": "upper-snake",
    "dotnet-package": "pascal",
}
DEFAULT_ABBREVIATIONS = {
    "prod": "production",
    "prd": "production",
    "stg": "staging",
    "svc": "service",
    "mgmt": "management",
    "cfg": "config",
}

# fmt: off
NAMING_OPTIONS: tuple[Option, ...] = (
    Option("policy", "str", "", "A shared naming policy file (TOML with a [naming] table, relative to the project or absolute): the organisation's rules; keys set in this section override it."),
    Option("casing", "str", "kebab", "Casing of every name: kebab, snake, camel, pascal or upper-snake.", choices=CASINGS),
    Option("casing_by_kind", "table", dict(DEFAULT_CASING_BY_KIND), "Casing per object kind (repository, package, dotnet-package, image, terraform-label, terraform-name, kubernetes, environment, hostname, env-var), over `casing`.", check=casings),
    Option("templates", "table", {}, "Name templates per object kind, e.g. terraform-name = \"{service}-{environment}-{component}\"; tokens: {service}, {environment}, {component}, {suffix}.", check=templates),
    Option("suffixes", "list[str]", ["api", "frontend", "admin", "service", "worker"], "Type suffixes the {suffix} token accepts."),
    Option("required_tags", "list[str]", [], "Tags every taggable Terraform resource must carry, e.g. [\"Environment\", \"Service\", \"Owner\"]."),
    Option("banned_words", "list[str]", ["new", "old", "temp", "tmp", "copy"], "Words no name may contain."),
    Option("abbreviations", "table", dict(DEFAULT_ABBREVIATIONS), "Abbreviations not to use, each with the word to use instead.", check=abbreviations),
    Option("shared_name", "bool", True, "The repository and every environment's host carry the service name (one name for the repository, the infrastructure and the hostname)."),
    Option("exclude", "list[str]", [], "Glob patterns of files whose names are not checked."),
)
# fmt: on
