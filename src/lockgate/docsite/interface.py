"""What each docs source produces: pages, gaps (code without a description) and what it could not read."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class GapKind(enum.StrEnum):
    """Things the code has that the docs lack (the `require_descriptions` gate)."""

    MODULE = "python-module"
    ENDPOINT = "http-endpoint"
    VARIABLE = "terraform-variable"
    OUTPUT = "terraform-output"


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    what: str  # 'GET /api/v1/tenancies', 'variable "image"', 'app.data'
    path: str
    line: int | None = None


@dataclass(frozen=True)
class Unread:
    what: str
    reason: str
    fix: str


@dataclass(frozen=True)
class Page:
    slug: str  # file name without .html
    title: str
    body: str  # escaped HTML of the page's main content
    nav: bool = True  # listed in the site's navigation


@dataclass(frozen=True)
class Part:
    """One source's contribution; `items` counts what it documented (endpoints, variables, ...)."""

    pages: tuple[Page, ...] = ()
    gaps: tuple[Gap, ...] = ()
    unread: tuple[Unread, ...] = ()
    items: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    root: Path
    files: tuple[str, ...]  # the project's files (relative POSIX paths)
    options: Mapping[str, Any]  # the docs stage's validated section
    service: str
    report_link: str | None  # relative link to this run's report, when known


def empty_folder(option: str, folder: str, suffix: str) -> Unread:
    """A folder the docs stage's `option` names that holds nothing to document: said, never
    silently left out."""
    listed = option != "adr_dir"  # the list options find every folder when left empty
    return Unread(
        folder,
        f"[stages.docs] {option} names it, but it holds no {suffix} file",
        f"fix the path in {option}" + (f", or leave {option} empty to find them" if listed else ""),
    )


class Builder(Protocol):
    def __call__(self, source: Source) -> Part: ...
