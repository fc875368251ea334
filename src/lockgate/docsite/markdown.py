"""Markdown (the README, ADRs) to safe HTML: raw HTML escaped, no images fetched, headings below h1."""

from __future__ import annotations

import re
from typing import Any

from lockgate.docsite.html import esc

_HEADING = re.compile(r"<(/?)h([1-6])>")


def render(text: str) -> str:
    """HTML for `text`; raw HTML in it is shown as text, images as their alt text (the site is offline)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.add_render_rule("image", _image)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}>", md.render(text))


def _image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    alt = "".join(t.content for t in (tokens[idx].children or []))
    return f"[image: {esc(alt)}]" if alt else ""


def title(text: str, fallback: str) -> str:
    """The first heading of a Markdown document, else `fallback`."""
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip() or fallback
    return fallback
