"""The Python API reference by static analysis (`ast`): nothing is imported, no dependency needed."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from lockgate.docsite.html import esc, missing
from lockgate.docsite.interface import Gap, GapKind, Page, Part, Source, Unread, empty_folder

_SKIP = ("tests", "test", "examples", "docs", "node_modules", "build", "dist")
MAX_BYTES = 1_000_000


def build(source: Source) -> Part:
    modules = _modules(source)
    missing = tuple(
        empty_folder("python_paths", root, ".py")
        for root in source.options["python_paths"]
        if not any(f.endswith(".py") and _under(f, root.strip("/")) for f in source.files)
    )
    if not modules:
        return Part(unread=missing)
    sections, gaps, unread = [], [], list(missing)
    for name, path in modules:
        try:
            data = (source.root / path).read_bytes()
            if len(data) > MAX_BYTES:
                raise ValueError(f"larger than {MAX_BYTES} bytes")
            tree = ast.parse(data, filename=path)
        except (OSError, ValueError, SyntaxError, RecursionError, MemoryError) as exc:
            unread.append(Unread(path, f"cannot be parsed: {exc}", f"fix the syntax of {path}"))
            continue
        doc = ast.get_docstring(tree)
        if not doc:
            gaps.append(Gap(GapKind.MODULE, name, path, 1))
        sections.append(_module(name, path, doc, tree))
    toc = "".join(f'<li><a href="#{esc(n)}"><code>{esc(n)}</code></a></li>' for n, _ in modules)
    body = f"<h2>Modules</h2><ul>{toc}</ul>" + "".join(sections)
    page = Page("python", "Python API", body)
    return Part((page,), tuple(gaps), tuple(unread), {"python modules": len(modules)})


def _modules(source: Source) -> list[tuple[str, str]]:
    """(dotted name, path) of every public module of the configured (or found) packages."""
    roots = list(source.options["python_paths"]) or _packages(source.files)
    out = []
    for root in roots:
        root = root.strip("/")
        base = PurePosixPath(root).parent
        for path in source.files:
            if not path.endswith(".py") or not _under(path, root):
                continue
            parts = PurePosixPath(path).relative_to(base).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            if parts and not any(p.startswith("_") for p in parts):
                out.append((".".join(parts), path))
    return sorted(set(out))


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + "/")


def _packages(files: tuple[str, ...]) -> list[str]:
    """Top-level packages: `pkg/__init__.py` or `src/pkg/__init__.py`, tests and examples left out."""
    found = set()
    for path in files:
        parts = PurePosixPath(path).parts
        if parts[-1] != "__init__.py":
            continue
        if len(parts) == 2 and parts[0] not in _SKIP and not parts[0].startswith("."):
            found.add(parts[0])
        elif len(parts) == 3 and parts[0] == "src":
            found.add(f"src/{parts[1]}")
    return sorted(found)


def _public(name: str) -> bool:
    return not name.startswith("_")


def _module(name: str, path: str, doc: str | None, tree: ast.Module) -> str:
    members = [
        n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    listed = _all(tree)
    members = [m for m in members if (m.name in listed if listed is not None else _public(m.name))]
    body = "".join(_member(m, 3) for m in members)
    return (
        f'<section aria-labelledby="{esc(name)}"><h2 id="{esc(name)}"><code>{esc(name)}</code></h2>'
        f"<p><small>{esc(path)}</small></p>{_doc(doc)}{body}</section>"
    )


def _all(tree: ast.Module) -> set[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            return {str(v) for v in value}
    return None


def _member(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, level: int) -> str:
    doc = _doc(ast.get_docstring(node))
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in node.bases)
        head = f"class {node.name}" + (f"({bases})" if bases else "")
        methods = [
            m
            for m in node.body
            if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef) and _public(m.name)
        ]
        inner = "".join(_member(m, min(level + 1, 6)) for m in methods)
        return f"<h{level}><code>{esc(head)}</code></h{level}>{doc}{inner}"
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    sig = f"{prefix} {node.name}({ast.unparse(node.args)}){returns}"
    return f"<h{level}><code>{esc(sig)}</code></h{level}>{doc}"


def _doc(doc: str | None) -> str:
    return f"<pre>{esc(doc)}</pre>" if doc else f"<p>{missing()}</p>"
