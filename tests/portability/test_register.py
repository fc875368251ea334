"""The portability exceptions register: accepted items cost nothing, overdue reviews are findings."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.config.loader import load_config
from lockgate.errors import LockgateError
from lockgate.portability import register

TODAY = datetime.date(2026, 6, 1)


def config_with(tmp_path: Path, text: str) -> Path:
    (tmp_path / "lockgate.toml").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return tmp_path


def read(root: Path) -> tuple[register.PortabilityException, ...]:
    config = load_config(root)
    return register.read(config.sections["portability"]["exception"], config.where)


ENTRY = """
[project]
name = "shop"

[[portability.exception]]
match = "aws_dynamodb_table"
reason = "the session store moves last"
owner = "team-payments"
review = {review}
"""


def test_an_exception_is_read_with_where_it_is(tmp_path: Path) -> None:
    (entry,) = read(config_with(tmp_path, ENTRY.format(review="2026-09-30")))
    assert (entry.match, entry.owner, entry.review) == (
        "aws_dynamodb_table",
        "team-payments",
        datetime.date(2026, 9, 30),
    )
    assert entry.where == "lockgate.toml:4"
    assert register.overdue([entry], TODAY) == []
    assert not entry.overdue(datetime.date(2026, 9, 30))  # due that day, overdue after it


def test_an_exception_past_its_review_date_is_a_finding(tmp_path: Path) -> None:
    (entry,) = read(config_with(tmp_path, ENTRY.format(review="2026-05-31")))
    (finding,) = register.overdue([entry], TODAY)
    assert finding.startswith("lockgate.toml:4: the exception for aws_dynamodb_table")
    assert "was due for review on 2026-05-31" in finding and "team-payments" in finding


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('match = "boto3"\nreason = "r"\nowner = "o"\n', "needs review"),
        ('match = "boto3"\nreason = "r"\nowner = "o"\nreview = "2027-01-01"\n', "review as a date"),
        ('match = "boto3"\nreason = " "\nowner = "o"\nreview = 2027-01-01\n', "needs reason"),
        ('reason = "r"\nowner = "o"\nreview = 2027-01-01\n', "needs match"),
    ],
)
def test_an_incomplete_exception_is_an_error_at_its_line(
    tmp_path: Path, body: str, message: str
) -> None:
    root = config_with(tmp_path, "[[portability.exception]]\n" + body)
    with pytest.raises(LockgateError) as info:
        read(root)
    assert message in info.value.message and info.value.where == "lockgate.toml:1"


def test_cli_reports_an_overdue_exception_and_accepts_a_current_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = config_with(tmp_path, ENTRY.format(review="2000-01-01"))
    (root / "main.tf").write_text('resource "aws_dynamodb_table" "t" {}\n', encoding="utf-8")
    assert main(["portability", str(root)]) == 0
    out = capsys.readouterr().out
    assert "finding: lockgate.toml:4: the exception for aws_dynamodb_table" in out
    assert "accepted" not in out  # overdue: it no longer counts


def test_an_unknown_key_in_the_register_is_a_warning(tmp_path: Path) -> None:
    root = config_with(tmp_path, "[portability]\nexceptions = []\n")
    (warning,) = load_config(root).warnings
    assert "did you mean 'exception'" in warning
