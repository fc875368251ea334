"""Markdown documents: the README (the site's home page) and architecture decision records."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lockgate.docsite import markdown
from lockgate.docsite.html import esc, table
from lockgate.docsite.interface import Page, Part, Source, Unread, empty_folder

READMES = ("README.md", "README.markdown", "README", "README.txt")
ADR_DIR = "docs/adr"  # the default adr_dir: a project without ADRs has no such folder
MAX_BYTES = 2_000_000
_STATUS = re.compile(r"^(?:\*\*)?status(?:\*\*)?\s*:\s*(.+)$|^#+\s*status\s*$", re.I | re.M)


def _read(source: Source, path: str) -> str | Unread:
    try:
        data = (source.root / path).read_bytes()
        if len(data) > MAX_BYTES:
            return Unread(
                path, f"larger than {MAX_BYTES} bytes", "split it, or leave it out of the site"
            )
        return data.decode("utf-8")
    except OSError as exc:
        return Unread(path, f"cannot be read: {exc.strerror}", "fix its permissions")
    except UnicodeDecodeError:
        return Unread(path, "is not UTF-8 text", "save it as UTF-8")


def readme(source: Source) -> Part:
    path = next((r for r in READMES if r in source.files), None)
    if path is None:
        return Part()
    text = _read(source, path)
    if isinstance(text, Unread):
        return Part(unread=(text,))
    body = (
        markdown.render(text)
        if path != "README" and path != "README.txt"
        else f"<pre>{esc(text)}</pre>"
    )
    return Part((Page("readme", "README", body),), items={"readme": 1})


def adrs(source: Source) -> Part:
    folder = str(source.options["adr_dir"]).strip("/")
    paths = sorted(
        p
        for p in source.files
        if PurePosixPath(p).parent == PurePosixPath(folder)
        and p.endswith(".md")
        and PurePosixPath(p).name.lower() != "readme.md"
    )
    if not paths and folder != ADR_DIR:
        return Part(unread=(empty_folder("adr_dir", folder, ".md"),))
    if not paths:
        return Part()
    pages, rows, unread = [], [], []
    for path in paths:
        text = _read(source, path)
        if isinstance(text, Unread):
            unread.append(text)
            continue
        stem = PurePosixPath(path).stem
        slug = "adr-" + re.sub(r"[^a-zA-Z0-9]+", "-", stem).strip("-").lower()
        title = markdown.title(text, stem)
        pages.append(
            Page(
                slug, title, markdown.render(text) + f"<p><small>{esc(path)}</small></p>", nav=False
            )
        )
        rows.append((f'<a href="{esc(slug)}.html">{esc(title)}</a>', esc(_status(text))))
    index = Page(
        "adr",
        "Decisions",
        "<p>Architecture decision records.</p>" + table(("Decision", "Status"), rows),
    )
    return Part((index, *pages), (), tuple(unread), {"decision records": len(pages)})


def _status(text: str) -> str:
    m = _STATUS.search(text)
    if m is None:
        return ""
    if m.group(1):
        return m.group(1).strip()
    rest = text[m.end() :].strip().splitlines()
    return rest[0].strip() if rest else ""
