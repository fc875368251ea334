"""What the sast stage reads: vendored and minified code left out (and counted), the rest kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.sast.select import VENDORED_DEFAULT, Skip, matches, minified, select

MINIFIED = b"!function(e,t){" + b"var a=e.x,b=t.y;" * 400 + b"}(window);\n"
HAND_WRITTEN = b"function add(a, b) {\n  return a + b;\n}\n" * 200
LONG_DATA = HAND_WRITTEN + b"const TABLE = [" + b"1, 2, 3, 4, 5, 6, 7, 8, " * 200 + b"];\n"

# (path, vendored by default?)
PATHS = [
    ("vendor/lib/x.js", True),
    ("app/vendor/x.py", True),
    ("node_modules/left-pad/index.js", True),
    ("web/bower_components/jquery/jquery.js", True),
    ("app/static/js/lib/jquery.js", True),
    ("app/static/lib/jquery.js", True),
    ("static/admin/js/vendor/select2.js", True),
    ("public/app.min.js", True),
    ("third_party/x.py", True),
    ("app/views.py", False),
    ("src/library.js", False),
    ("app/static/js/app.js", False),
    ("lib/app.js", False),
    ("vendored.py", False),
    ("app/admin.js", False),
]


@pytest.mark.parametrize(("path", "vendored"), PATHS)
def test_vendored_paths(path: str, vendored: bool) -> None:
    assert any(matches(path, p) for p in VENDORED_DEFAULT) is vendored


@pytest.mark.parametrize(
    ("head", "expected"),
    [(MINIFIED, True), (HAND_WRITTEN, False), (LONG_DATA, False), (b"x=1", False)],
)
def test_minified_shape(head: bytes, expected: bool) -> None:
    assert minified(head) is expected


def write(root: Path, files: dict[str, bytes]) -> list[str]:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return sorted(files)


def test_select_counts_what_it_leaves_out(tmp_path: Path) -> None:
    names = write(
        tmp_path,
        {
            "app.js": HAND_WRITTEN,
            "static/js/lib/jquery.js": HAND_WRITTEN,
            "dist-bundle.js": MINIFIED,
            "big.py": b"x = 1\n" * 2000,
            "blob.py": b"\0\1binary",
        },
    )
    chosen = select(tmp_path, names, max_bytes=10_000, skip_vendored=True)
    assert chosen.files == ("app.js",)
    assert dict(chosen.skipped) == {
        "static/js/lib/jquery.js": Skip.VENDORED,
        "dist-bundle.js": Skip.MINIFIED,
        "big.py": Skip.TOO_BIG,
        "blob.py": Skip.BINARY,
    }
    unchecked = {u.reason: u for u in chosen.unchecked()}
    assert sum(u.count for u in unchecked.values()) == 4
    assert all(u.fix and u.what for u in unchecked.values())
    assert any("skip_vendored" in u.fix for u in unchecked.values())


def test_vendored_code_is_read_when_asked(tmp_path: Path) -> None:
    names = write(tmp_path, {"static/js/lib/jquery.js": HAND_WRITTEN, "app.min.js": MINIFIED})
    chosen = select(tmp_path, names, max_bytes=1 << 20, skip_vendored=False)
    assert chosen.files == tuple(names) and not chosen.skipped
