"""HTML for the site: every text goes through `esc`; one accessible layout with inline CSS."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from lockgate.docsite.interface import Page

CSS = """
body{font-family:system-ui,sans-serif;margin:0;line-height:1.5;color:#0b0c0c}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem}
header{background:#0b0c0c;color:#fff;padding:.75rem 1rem}header a{color:#fff}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:.5rem 0 0}
main{max-width:60rem;padding:1rem;margin:0 auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #b1b4b6;padding:.25rem .5rem;text-align:left;vertical-align:top}
code,pre{font-family:ui-monospace,monospace;background:#f3f2f1}
pre{padding:.5rem;white-space:pre-wrap}
.method{font-weight:bold;text-transform:uppercase}.missing{color:#d4351c}
td,th,p,li,pre,code,h1,h2,h3,h4,h5,h6{overflow-wrap:anywhere}
"""


def esc(text: object) -> str:
    return html.escape(_text(str(text)), quote=True)


def _text(text: str) -> str:
    """Valid Unicode: bytes a non-UTF-8 file name carries (surrogate escapes) become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape" if _escapes_only(text) else "backslashreplace")
        return raw.decode("utf-8", "replace")


def _escapes_only(text: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)


def table(head: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    """Rows are HTML already (escape cells with `esc`); an empty table says so."""
    rows = list(rows)
    if not rows:
        return "<p>None.</p>"
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    th = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def missing(text: str = "no description") -> str:
    return f'<span class="missing">{esc(text)}</span>'


def layout(page: Page, pages: Sequence[Page], site_title: str) -> str:
    links = "".join(
        f'<li><a href="{esc(p.slug)}.html"'
        + (' aria-current="page"' if p.slug == page.slug else "")
        + f">{esc(p.title)}</a></li>"
        for p in pages
        if p.nav
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(page.title)} - {esc(site_title)}</title><style>{CSS}</style></head><body>"
        '<a class="skip" href="#main">Skip to main content</a>'
        f'<header><a href="index.html">{esc(site_title)}</a>'
        f'<nav aria-label="Site"><ul>{links}</ul></nav></header>'
        f'<main id="main"><h1>{esc(page.title)}</h1>{page.body}</main></body></html>\n'
    )
