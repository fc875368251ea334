"""Rows of a CSV or JSON import file, each with the line it starts on (errors name file and line).

CSV: a header row naming the columns, then one record per row. JSON: an array of objects whose
keys are the column names. Unknown columns are an error (a typo would silently drop data).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockgate.errors import LockgateError


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


@dataclass(frozen=True)
class Row:
    where: str  # "FILE:LINE"
    values: dict[str, str]  # given columns only, stripped; JSON null = absent

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def read_rows(path: Path, columns: Sequence[Column]) -> list[Row]:
    """The records of `path` (.csv or .json); LockgateError naming the line on anything wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LockgateError("no such file", where=str(path), hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LockgateError(f"cannot read the file: {exc}", where=str(path)) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(text, path)
    elif suffix == ".json":
        rows = _json_rows(text, path)
    else:
        raise LockgateError(
            f"unknown file type '{path.suffix}'",
            where=str(path),
            hint="give a .csv file (a header row, then one record a row) or a .json array",
        )
    if not rows:
        raise LockgateError(
            "the file holds no records", where=str(path), hint=_columns_hint(columns)
        )
    for row in rows:
        check_columns(row, columns)
    return rows


def _csv_rows(text: str, path: Path) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return []
        names = [h.strip() for h in header]
        rows: list[Row] = []
        line = reader.line_num + 1
        for record in reader:
            where = f"{path}:{line}"
            line = reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(names):
                raise LockgateError(
                    f"{len(record)} fields where the header has {len(names)}",
                    where=where,
                    hint="quote fields that contain commas; every row needs every column",
                )
            rows.append(
                Row(where, {n: c.strip() for n, c in zip(names, record, strict=True) if c.strip()})
            )
    except csv.Error as exc:
        raise LockgateError(f"not valid CSV: {exc}", where=f"{path}:{reader.line_num}") from None
    return rows


def _json_rows(text: str, path: Path) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LockgateError(f"not valid JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from None
    if not isinstance(data, list):
        raise LockgateError(
            "expected a JSON array of objects", where=f"{path}:1", hint="wrap the records in [ ]"
        )
    lines = _element_lines(text)
    rows: list[Row] = []
    for index, item in enumerate(data):
        where = f"{path}:{lines[index] if index < len(lines) else 1}"
        if not isinstance(item, dict):
            raise LockgateError(f"record {index + 1} is not an object", where=where)
        rows.append(
            Row(where, {str(k): _text(v, where, str(k)) for k, v in item.items() if v is not None})
        )
    return rows


def _text(value: Any, where: str, key: str) -> str:
    if isinstance(value, bool | dict | list):
        raise LockgateError(f"'{key}' must be a string or a number", where=where)
    return str(value).strip()


def _element_lines(text: str) -> list[int]:
    """The line each element of a top-level JSON array starts on."""
    decoder = json.JSONDecoder()
    index = text.index("[") + 1
    lines: list[int] = []
    while True:
        index = _skip(text, index)
        if index >= len(text) or text[index] == "]":
            return lines
        lines.append(text.count("\n", 0, index) + 1)
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if index < len(text) and text[index] == ",":
            index += 1


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def check_columns(row: Row, columns: Sequence[Column]) -> None:
    """Unknown columns and missing required ones are errors naming the row."""
    known = [c.name for c in columns]
    for name in row.values:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise LockgateError(
                f"unknown column '{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                where=row.where,
                hint=_columns_hint(columns),
            )
    for column in columns:
        if column.required and not row.get(column.name):
            raise LockgateError(
                f"'{column.name}' is missing", where=row.where, hint=f"{column.name}: {column.help}"
            )


def _columns_hint(columns: Sequence[Column]) -> str:
    return "columns: " + ", ".join(c.name + ("" if c.required else " (optional)") for c in columns)
