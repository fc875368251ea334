"""Write the OpenAPI document to openapi.json: `python -m app.export_openapi` (a test keeps it in sync)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.main import app

DEFAULT = Path(__file__).resolve().parent.parent / "openapi.json"


def render() -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DEFAULT
    target.write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
