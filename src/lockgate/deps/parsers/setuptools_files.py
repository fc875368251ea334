"""setup.py and setup.cfg: dependencies declared there are reported as not checked, never passed.

setup.py is code (reading its `install_requires` means running it) and setup.cfg's lists are
usually ranges; lockgate reads neither. Beside a requirements file or a lock, which say what is
installed, the declaration is left to them.
"""

from __future__ import annotations

import re
from pathlib import Path

from lockgate.deps.model import FileProblem, ParseResult
from lockgate.deps.parsers.common import line_of, read_text

DECLARES = re.compile(r"\b(install_requires|extras_require|tests_require)\b")
PINNED_BESIDE = ("requirements*.txt", "poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")


def parse(project: Path, rel: str) -> ParseResult:
    path = project / rel
    text = read_text(path)
    found = DECLARES.search(text)
    if found is None or any(any(path.parent.glob(p)) for p in PINNED_BESIDE):
        return ParseResult(empty_ok=True)
    return ParseResult(
        problems=(
            FileProblem(
                rel,
                line_of(text, found[0]),
                f"declares dependencies ({found[0]}) that lockgate does not read",
                "pin what the service installs in requirements.txt (pip freeze) or a lock file "
                "beside it, or declare them in pyproject.toml [project] dependencies",
            ),
        )
    )
