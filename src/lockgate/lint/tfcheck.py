"""Terraform files checked in a child process: `python -m lockgate.lint.tfcheck [--fix] FILE...`.

Two rules, printed as a JSON list of problems (what `lockgate.lint.terraform` reads):
- `hcl-syntax`: the file does not parse (python-hcl2, the HCL2 grammar Terraform uses).
- `terraform-fmt`: the layout `terraform fmt` would change that lockgate checks without Terraform:
  indentation of two spaces per nesting level, no tabs, no trailing spaces, one final newline.
  (`=` alignment is not checked: only `terraform fmt` itself does that.)
With `--fix` the layout is rewritten in place (files that parse only) and the JSON lists the files
changed. Heredoc bodies are never touched.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
_OPEN, _CLOSE = "{[(", "}])"


@dataclass(frozen=True)
class Problem:
    rule: str
    path: str
    line: int | None
    col: int | None
    message: str


def syntax(path: str, text: str) -> Problem | None:
    import hcl2  # in the child only: ~0.3 s to build the grammar

    try:
        hcl2.loads(text)
    except Exception as exc:  # lark raises many kinds; each carries line and column when it can
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        line, col = getattr(exc, "line", None), getattr(exc, "column", None)
        return Problem("hcl-syntax", path, _pos(line), _pos(col), f"does not parse: {first}")
    return None


def _pos(value: object) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def _code(line: str) -> str:
    """The line without strings and comments: only its brackets matter here."""
    out, quote, i = [], False, 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch == "#" or line.startswith("//", i):
            break
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _close(stack: list[int], count: int) -> list[int]:
    """The open levels after `count` closing brackets (a level is one line's net openings)."""
    stack = stack.copy()
    while count and stack:
        take = min(count, stack[-1])
        stack[-1] -= take
        count -= take
        if stack[-1] == 0:
            stack.pop()
    return stack


def formatted(text: str) -> str:
    """`text` laid out as lockgate's format rule wants it (see the module docstring).

    As `terraform fmt` does, a line that opens brackets indents the lines after it by one level
    however many it opens (`merge(var.tags, {`), and a line that starts with closers is dedented.
    """
    out: list[str] = []
    stack: list[int] = []
    heredoc: str | None = None
    comment = False
    for raw in text.replace("\r\n", "\n").split("\n"):
        if heredoc is not None:
            out.append(raw)
            heredoc = None if raw.strip() == heredoc else heredoc
            continue
        body = raw.strip()
        if comment or body.startswith("/*"):  # block comments keep their own layout
            comment = "*/" not in body
            out.append(raw.rstrip())
            continue
        code = _code(body)
        lead = len(code) - len(code.lstrip(_CLOSE))
        out.append("  " * len(_close(stack, lead)) + body if body else "")
        net = sum(code.count(c) for c in _OPEN) - sum(code.count(c) for c in _CLOSE)
        stack = [*stack, net] if net > 0 else _close(stack, -net)
        match = _HEREDOC.search(code)
        heredoc = match.group(1) if match else None
    return "\n".join(out).rstrip("\n") + "\n" if text.strip() else ""


def layout(path: str, text: str) -> Problem | None:
    want = formatted(text)
    if want == text:
        return None
    line = next(
        (
            n
            for n, (a, b) in enumerate(zip(text.split("\n"), want.split("\n"), strict=False), 1)
            if a != b
        ),
        min(text.count("\n"), want.count("\n")) + 1,
    )
    return Problem(
        "terraform-fmt",
        path,
        line,
        1,
        "layout differs from `terraform fmt` (indentation, tabs, trailing spaces or final newline)",
    )


def check(paths: list[str], fix: bool) -> list[Problem] | list[str]:
    problems: list[Problem] = []
    changed: list[str] = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        broken = syntax(path, text)
        if fix:
            if broken is None and formatted(text) != text:
                Path(path).write_text(formatted(text), encoding="utf-8")
                changed.append(path)
            continue
        found = broken or layout(path, text)  # a file that does not parse has no layout to judge
        problems += [found] if found else []
    return changed if fix else problems


def main(argv: list[str]) -> int:
    fix = bool(argv) and argv[0] == "--fix"
    files = [a for a in argv[1 if fix else 0 :] if a != "--"]
    result = check(files, fix)
    print(json.dumps([r if isinstance(r, str) else asdict(r) for r in result]))
    return 1 if result else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
