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


def build(source: Source, out: Path, title: str, published: Path | None = None) -> Site:
    """Write the site to `out`; with `published`, also the copy a deploy serves beside the
    service, whose home page has no link to this run's report (nothing serves the report there)."""
    parts = {name: builder(source) for name, builder in BUILDERS.items()}
    readme = next(iter(parts.pop("readme").pages), None)
    pages = [p for part in parts.values() for p in part.pages]
    written = _write(out, [_home(source.report_link, pages, readme), *pages], title)
    if published is not None:
        _write(published, [_home(None, pages, readme), *pages], title)
    items: dict[str, int] = {"pages": len(written)}
    for part in parts.values():
        items.update(part.items)
    return Site(
        index=out / "index.html",
        pages=tuple(written),
        gaps=tuple(g for part in parts.values() for g in part.gaps),
        unread=tuple(u for part in parts.values() for u in part.unread),
        items=items,
    )


def _write(out: Path, pages: list[Page], title: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        path = out / f"{page.slug}.html"
        path.write_text(layout(page, pages, title), encoding="utf-8", errors="replace")
        written.append(path)
    return written


def _home(report_link: str | None, pages: list[Page], readme: Page | None) -> Page:
    links = "".join(
        f'<li><a href="{esc(p.slug)}.html">{esc(p.title)}</a></li>' for p in pages if p.nav
    )
    report = (
        f'<p><a href="{esc(report_link)}">The latest lockgate report</a> (this run).</p>'
        if report_link
        else ""
    )
    body = f"<h2>Contents</h2><ul>{links}</ul>{report}"
    if readme is not None:
        body += f'<section aria-label="README">{readme.body}</section>'
    return Page("index", "Overview", body)
