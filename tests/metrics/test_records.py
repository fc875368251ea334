"""Import files: CSV and JSON records with the line each starts on; bad files name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.errors import LockgateError
from lockgate.metrics.imports import DEPLOYMENT_COLUMNS
from lockgate.metrics.records import read_rows


def _rows(tmp_path: Path, name: str, text: str) -> list[tuple[str, dict[str, str]]]:
    path = tmp_path / name
    path.write_text(text)
    return [(r.where.rsplit(":", 1)[1], r.values) for r in read_rows(path, DEPLOYMENT_COLUMNS)]


def test_csv_rows_carry_their_line(tmp_path: Path) -> None:
    text = (
        "deployed_at,commit,status\n"
        "2026-02-01T10:00:00Z,abc1234,\n"
        "\n"
        '2026-02-02T10:00:00Z,def5678,"failed"\n'
    )
    assert _rows(tmp_path, "d.csv", text) == [
        ("2", {"deployed_at": "2026-02-01T10:00:00Z", "commit": "abc1234"}),
        ("4", {"deployed_at": "2026-02-02T10:00:00Z", "commit": "def5678", "status": "failed"}),
    ]


def test_json_rows_carry_their_line(tmp_path: Path) -> None:
    text = '[\n  {"deployed_at": "2026-02-01T10:00:00Z",\n   "commit": null},\n\n  {"deployed_at": 5}\n]\n'
    assert _rows(tmp_path, "d.json", text) == [
        ("2", {"deployed_at": "2026-02-01T10:00:00Z"}),
        ("5", {"deployed_at": "5"}),
    ]


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        (
            "d.csv",
            "deployed_at,comit\n2026-02-01,abc\n",
            "d.csv:2",
            "unknown column 'comit' (did you mean 'commit'?)",
        ),
        ("d.csv", "deployed_at,commit\n2026-02-01\n", "d.csv:2", "1 fields where the header has 2"),
        ("d.csv", "commit\nabc1234\n", "d.csv:2", "'deployed_at' is missing"),
        ("d.csv", "deployed_at\n", "d.csv", "the file holds no records"),
        ("d.csv", "", "d.csv", "the file holds no records"),
        ("d.csv", 'deployed_at,commit\n"2026-02-01,abc\n', "d.csv:", "not valid CSV"),
        ("d.json", '[{"deployed_at": "x"},\n {"deployed_at": "y",}]', "d.json:2", "not valid JSON"),
        ("d.json", '{"deployed_at": "x"}', "d.json:1", "expected a JSON array of objects"),
        ("d.json", '[{"deployed_at": "x"},\n "y"]', "d.json:2", "record 2 is not an object"),
        (
            "d.json",
            '[{"deployed_at": ["x"]}]',
            "d.json:1",
            "'deployed_at' must be a string or a number",
        ),
        ("d.yaml", "x", "d.yaml", "unknown file type '.yaml'"),
        ("missing.csv", None, "missing.csv", "no such file"),
    ],
)
def test_bad_files_name_file_and_line(
    tmp_path: Path, name: str, text: str | None, where: str, message: str
) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(LockgateError) as caught:
        read_rows(path, DEPLOYMENT_COLUMNS)
    assert caught.value.where is not None
    assert caught.value.where.startswith(str(tmp_path / where))
    assert message in caught.value.message
