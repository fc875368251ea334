"""Terraform module pages from the HCL: inputs, outputs, resources, data sources, providers, modules."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from lockgate.docsite.html import esc, missing, table
from lockgate.docsite.interface import Gap, GapKind, Page, Part, Source, Unread, empty_folder
from lockgate.naming import hcl

_SKIP = frozenset({"tests", "test", "examples", "fixtures", "node_modules"})  # unless configured
_EXPR = re.compile(r"^\$\{(.*)\}$", re.S)


def _modules(source: Source) -> dict[str, list[str]]:
    """Module folder -> its .tf files (configured folders, else every folder holding .tf files)."""
    wanted = [p.strip("/") for p in source.options["terraform_paths"]]
    out: dict[str, list[str]] = {}
    for path in source.files:
        p = PurePosixPath(path)
        folder = str(p.parent)
        if p.suffix != ".tf" or (folder not in wanted if wanted else _skipped(p)):
            continue
        out.setdefault(folder, []).append(path)
    return dict(sorted(out.items()))


def _skipped(path: PurePosixPath) -> bool:
    return any(part in _SKIP or part.startswith(".") for part in path.parts[:-1])


def build(source: Source) -> Part:
    modules = _modules(source)
    missing = tuple(
        empty_folder("terraform_paths", folder, ".tf")
        for folder in source.options["terraform_paths"]
        if folder.strip("/") not in modules
    )
    if not modules:
        return Part(unread=missing)
    if (why := hcl.available()) is not None:
        return Part(unread=(Unread("Terraform modules", why, "run scripts/bootstrap"), *missing))
    pages, gaps, unread = [], [], list(missing)
    counts = {"terraform variables": 0, "terraform outputs": 0}
    for folder, files in modules.items():
        blocks: list[tuple[str, hcl.Block]] = []
        for path in files:
            try:
                blocks += [
                    (path, b) for b in hcl.parse((source.root / path).read_text(encoding="utf-8"))
                ]
            except (OSError, UnicodeDecodeError) as exc:
                unread.append(Unread(path, f"cannot be read: {exc}", f"fix {path}"))
            except hcl.HclError as exc:
                where = f"{path}:{exc.line}" if exc.line else path
                unread.append(
                    Unread(where, f"the HCL parser cannot read it: {exc}", "fix the syntax")
                )
        page, module_gaps = _page(folder, blocks)
        pages.append(page)
        gaps += module_gaps
        counts["terraform variables"] += sum(1 for _, b in blocks if b.type == "variable")
        counts["terraform outputs"] += sum(1 for _, b in blocks if b.type == "output")
    return Part(tuple(pages), tuple(gaps), tuple(unread), counts)


def _slug(folder: str) -> str:
    return (
        "terraform"
        if folder in (".", "terraform")
        else "terraform-" + re.sub(r"[^a-zA-Z0-9]+", "-", folder).strip("-")
    )


def _page(folder: str, blocks: list[tuple[str, hcl.Block]]) -> tuple[Page, list[Gap]]:
    of = {
        kind: [(p, b) for p, b in blocks if b.type == kind]
        for kind in ("variable", "output", "resource", "data", "module", "provider", "terraform")
    }
    gaps = [
        Gap(
            GapKind.VARIABLE if b.type == "variable" else GapKind.OUTPUT,
            f'{b.type} "{b.labels[0]}"',
            p,
            b.line,
        )
        for p, b in of["variable"] + of["output"]
        if b.labels and not b.body.get("description")
    ]
    body = f"<p>Module folder <code>{esc(folder)}</code>.</p>"
    body += "<h2>Inputs</h2>" + table(
        ("Name", "Type", "Default", "Description", "Declared in"),
        [
            (
                f"<code>{esc(b.labels[0])}</code>",
                esc(_show(b.body.get("type", "any"))),
                esc(_show(b.body["default"])) if "default" in b.body else "required",
                _desc(b.body),
                _where(p, b),
            )
            for p, b in of["variable"]
            if b.labels
        ],
    )
    body += "<h2>Outputs</h2>" + table(
        ("Name", "Description", "Sensitive", "Declared in"),
        [
            (
                f"<code>{esc(b.labels[0])}</code>",
                _desc(b.body),
                "yes" if b.body.get("sensitive") is True else "no",
                _where(p, b),
            )
            for p, b in of["output"]
            if b.labels
        ],
    )
    body += "<h2>Resources</h2>" + table(
        ("Resource", "Declared in"),
        [(f"<code>{esc('.'.join(b.labels))}</code>", _where(p, b)) for p, b in of["resource"]],
    )
    body += "<h2>Data sources</h2>" + table(
        ("Data source", "Declared in"),
        [(f"<code>data.{esc('.'.join(b.labels))}</code>", _where(p, b)) for p, b in of["data"]],
    )
    body += "<h2>Providers</h2>" + table(
        ("Provider", "Source", "Version"), _providers(of["terraform"], of["provider"])
    )
    body += "<h2>Modules called</h2>" + table(
        ("Name", "Source", "Declared in"),
        [
            (
                f"<code>{esc(b.labels[0] if b.labels else '')}</code>",
                esc(_show(b.body.get("source", ""))),
                _where(p, b),
            )
            for p, b in of["module"]
        ],
    )
    title = "Terraform" if folder == "." else f"Terraform: {folder}"
    return Page(_slug(folder), title, body), gaps


def _providers(
    settings: list[tuple[str, hcl.Block]], blocks: list[tuple[str, hcl.Block]]
) -> list[tuple[str, ...]]:
    rows: dict[str, tuple[str, ...]] = {}
    for _, b in settings:
        for entry in _list(b.body.get("required_providers")):
            for name, spec in entry.items():
                spec = spec if isinstance(spec, Mapping) else {"version": spec}
                rows[name] = (
                    f"<code>{esc(name)}</code>",
                    esc(_show(spec.get("source", ""))),
                    esc(_show(spec.get("version", ""))),
                )
    for _, b in blocks:
        if b.labels and b.labels[0] not in rows:
            rows[b.labels[0]] = (f"<code>{esc(b.labels[0])}</code>", "", "")
    return list(rows.values())


def _list(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [i for i in items if isinstance(i, Mapping)]


def _show(value: Any) -> str:
    if isinstance(value, str):
        m = _EXPR.match(value)
        return m.group(1) if m else value
    return json.dumps(value, default=str)


def _desc(body: Mapping[str, Any]) -> str:
    return esc(_show(body["description"])) if body.get("description") else missing()


def _where(path: str, block: hcl.Block) -> str:
    return f"<code>{esc(path)}:{block.line}</code>"
