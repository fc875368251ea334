"""Build the site: run every source, add the home page, write one HTML file per page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lockgate.docsite import documents, openapi, pipeline, pyapi, terraform
from lockgate.docsite.html import esc, layout
from lockgate.docsite.interface import Builder, Gap, Page, Source, Unread

BUILDERS: dict[str, Builder] = {
    "readme": documents.readme,
    "python": pyapi.build,
    "http-api": openapi.build,
    "terraform": terraform.build,
    "pipeline": pipeline.build,
    "adr": documents.adrs,
}


@dataclass(frozen=True)
class Site:
    index: Path
    pages: tuple[Path, ...]
    gaps: tuple[Gap, ...]
    unread: tuple[Unread, ...]
    items: dict[str, int]


def build(source: Source, out: Path, title: str) -> Site:
    parts = {name: builder(source) for name, builder in BUILDERS.items()}
    readme = next(iter(parts.pop("readme").pages), None)
    pages = [p for part in parts.values() for p in part.pages]
    home = _home(source, pages, readme)
    pages.insert(0, home)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        path = out / f"{page.slug}.html"
        path.write_text(layout(page, pages, title), encoding="utf-8", errors="replace")
        written.append(path)
    items: dict[str, int] = {"pages": len(pages)}
    for part in parts.values():
        items.update(part.items)
    return Site(
        index=out / "index.html",
        pages=tuple(written),
        gaps=tuple(g for part in parts.values() for g in part.gaps),
        unread=tuple(u for part in parts.values() for u in part.unread),
        items=items,
    )


def _home(source: Source, pages: list[Page], readme: Page | None) -> Page:
    links = "".join(
        f'<li><a href="{esc(p.slug)}.html">{esc(p.title)}</a></li>' for p in pages if p.nav
    )
    report = (
        f'<p><a href="{esc(source.report_link)}">The latest lockgate report</a> (this run).</p>'
        if source.report_link
        else ""
    )
    body = f"<h2>Contents</h2><ul>{links}</ul>{report}"
    if readme is not None:
        body += f'<section aria-label="README">{readme.body}</section>'
    return Page("index", "Overview", body)
