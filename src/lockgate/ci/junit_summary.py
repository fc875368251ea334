"""`python -m lockgate.ci.junit_summary FILE`: a JUnit XML file as Markdown for a CI step summary."""

from __future__ import annotations

import sys
from pathlib import Path
from xml.etree import ElementTree

MAX_LISTED = 20


def summarise(text: str) -> str:
    """Totals per suite and the first failing cases, as a Markdown table and list."""
    root = ElementTree.fromstring(text)
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    rows = ["| suite | tests | failures | errors | skipped |", "|---|---:|---:|---:|---:|"]
    failing: list[str] = []
    for suite in suites:
        cases = list(suite.iter("testcase"))
        counts = {k: 0 for k in ("failure", "error", "skipped")}
        for case in cases:
            for kind in counts:
                if case.find(kind) is not None:
                    counts[kind] += 1
                    if kind != "skipped":
                        failing.append(f"- `{case.get('classname', '')}` {case.get('name', '')}")
        name = _cell(suite.get("name", "tests"))
        rows.append(
            f"| {name} | {len(cases)} | {counts['failure']} | {counts['error']} | {counts['skipped']} |"
        )
    listed = failing[:MAX_LISTED]
    more = [f"- and {len(failing) - MAX_LISTED} more"] if len(failing) > MAX_LISTED else []
    return "\n".join(["### lockgate", "", *rows, "", *listed, *more]).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m lockgate.ci.junit_summary JUNIT.xml", file=sys.stderr)
        return 2
    try:
        print(summarise(Path(argv[0]).read_text(encoding="utf-8")), end="")
    except (OSError, ElementTree.ParseError) as exc:
        print(f"cannot summarise {argv[0]}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
