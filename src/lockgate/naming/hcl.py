"""Terraform files through an HCL parser (python-hcl2): top-level blocks with their lines."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_MISSING = "python-hcl2 is not installed: run scripts/bootstrap (it pins python-hcl2)"


@dataclass(frozen=True)
class Block:
    type: str  # resource, variable, output, provider, module, terraform, locals, data
    labels: tuple[str, ...]
    line: int
    body: Mapping[str, Any]  # attributes and nested blocks; strings unquoted, expressions as ${...}
    lines: Mapping[str, int]  # attribute -> line


class HclError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def available() -> str | None:
    """None when the parser imports, else how to install it."""
    try:
        import hcl2  # noqa: F401
    except ImportError:
        return _MISSING
    return None


def parse(text: str) -> list[Block]:
    """The top-level blocks of one .tf file, in order; HclError (with its line) when unparsable."""
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
        heads = [_head(b) for b in _blocks(tree)]
        options = hcl2.SerializationOptions(
            strip_string_quotes=True, with_comments=False, explicit_blocks=False
        )
        data = hcl2.serialize(
            hcl2.transform(tree, discard_comments=True), serialization_options=options
        )
    except UnexpectedInput as exc:
        raise HclError(str(exc).splitlines()[0], getattr(exc, "line", None)) from None
    except (LarkError, RuntimeError, ValueError, RecursionError) as exc:
        raise HclError(f"{type(exc).__name__}: {exc}".splitlines()[0]) from None
    seen: dict[str, int] = {}
    out = []
    for btype, labels, line, lines in heads:
        index = seen.get(btype, 0)
        seen[btype] = index + 1
        body: Any = data.get(btype, [])[index]
        for label in labels:
            body = body.get(label, {}) if isinstance(body, dict) else {}
        out.append(Block(btype, labels, line, body if isinstance(body, dict) else {}, lines))
    return out


def _blocks(tree: Any) -> Iterator[Any]:
    from lark import Tree

    body = tree.children[0] if tree.children else None
    for child in getattr(body, "children", []):
        if isinstance(child, Tree) and child.data == "block":
            yield child


def _tokens(node: Any) -> list[Any]:
    from lark import Token

    return list(node.scan_values(lambda v: isinstance(v, Token)))


def _head(block: Any) -> tuple[str, tuple[str, ...], int, dict[str, int]]:
    from lark import Tree

    first = _tokens(block)[0]
    labels = []
    lines: dict[str, int] = {}
    for child in block.children[1:]:
        if not isinstance(child, Tree):
            continue
        if child.data == "string":
            labels.append("".join(str(v) for v in _tokens(child) if str(v) != '"'))
        elif child.data == "identifier":
            labels.append(str(child.children[0]))
        elif child.data == "body":
            for attr in child.children:
                if isinstance(attr, Tree) and attr.data in ("attribute", "block"):
                    tok = _tokens(attr)[0]
                    lines.setdefault(str(tok), tok.line)
    return str(first), tuple(labels), first.line, lines
