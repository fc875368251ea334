"""Keep the README's generated sections (CLI and config reference) in step with the code."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path


def _generators() -> dict[str, Callable[[], str]]:
    from lockgate.cli.reference import render_cli_reference
    from lockgate.config.reference import render_reference

    return {"cli": render_cli_reference, "config": render_reference}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- BEGIN GENERATED: {name} -->\n)(.*?)(<!-- END GENERATED: {name} -->)", re.DOTALL
    )


def _fill(body: str, match: re.Match[str]) -> str:
    return match.group(1) + body + match.group(3)


def regenerate(text: str) -> str:
    """The README text with every generated block replaced by fresh output."""
    os.environ["COLUMNS"] = "100"  # argparse wraps usage lines to the terminal width
    for name, generate in _generators().items():
        body = generate().strip() + "\n"
        text = _block(name).sub(partial(_fill, body), text)
    return text


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--write":
        print("usage: python -m lockgate.docs --write README.md", file=sys.stderr)
        return 2
    path = Path(argv[1])
    path.write_text(regenerate(path.read_text()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
