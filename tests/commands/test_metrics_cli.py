"""`lockgate metrics`, `incident` and `import` on bad input: a clear message and exit 2, never a traceback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.store.repository import Store
from tests.metrics.gitrepo import GitRepo


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: a usage error
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A repository with two tagged releases recorded as production deployments."""
    repo = GitRepo(tmp_path / "shop")
    (repo.root / "lockgate.toml").write_text('[project]\nname = "shop"\n')
    repo.commit("one", datetime(2026, 2, 2, 9, tzinfo=UTC))
    repo.tag("v1", at=datetime(2026, 2, 2, 10, tzinfo=UTC))
    repo.commit("two", datetime(2026, 2, 3, 9, tzinfo=UTC))
    repo.tag("v2", at=datetime(2026, 2, 3, 12, tzinfo=UTC))
    code, out, err = run(capsys, "import", "git-tags", "v*", str(repo.root))
    assert code == 0, err
    assert "imported 2 deployment(s) from tags matching 'v*' for shop" in out
    return repo.root


def _open(capsys: pytest.CaptureFixture[str], shop: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "incident", "open", "checkout down", "--path", str(shop), *extra)


def test_an_incident_opens_against_the_last_deployment_and_resolves(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _open(capsys, shop, "--at", "2026-02-03T13:00Z")
    assert code == 0
    assert "incident #1 opened for shop (production) at 2026-02-03 13:00 UTC: checkout down" in out
    assert "counts against deployment #2 (the last production deployment before it opened)" in out
    code, out, _ = run(
        capsys, "incident", "resolve", "1", "--at", "2026-02-03T15:30Z", "--path", str(shop)
    )
    assert (code, out.strip()) == (
        0,
        "incident #1 resolved at 2026-02-03 15:30 UTC (2h 30m after it opened)",
    )
    code, out, _ = run(capsys, "incident", "list", str(shop))
    assert "2026-02-03 15:30 UTC" in out and "checkout down" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--cause", "v2"), "cause 'v2' is neither a deployment id"),
        (("--cause", "99"), "no deployment #99 of 'shop' in the store"),
        (("--cause", "deadbeef"), "commit deadbeef is not in this repository"),
        (("--service", "shpo"), "unknown service 'shpo' (did you mean 'shop'?)"),
        (("--at", "yesterday"), "'yesterday' is not a time"),
    ],
)
def test_bad_incidents_are_refused(
    shop: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, _, err = _open(capsys, shop, *argv)
    assert code == 2 and message in err


def test_an_incident_cannot_be_resolved_before_it_opened_or_twice(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _open(capsys, shop, "--at", "2026-02-03T13:00Z")[0] == 0
    resolve = ("incident", "resolve", "1", "--path", str(shop), "--at")
    code, _, err = run(capsys, *resolve, "2026-02-03T12:59Z")
    assert code == 2 and "it cannot be resolved before that" in err
    assert run(capsys, *resolve, "2026-02-03T14:00Z")[0] == 0
    code, _, err = run(capsys, *resolve, "2026-02-03T15:00Z")
    assert code == 2 and "already resolved at 2026-02-03 14:00 UTC" in err
    code, _, err = run(capsys, "incident", "resolve", "7", "--path", str(shop))
    assert code == 2 and "no incident with id 7" in err


def test_a_bad_incidents_file_names_the_line_and_imports_nothing(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(
        "title,opened_at,resolved_at\n"
        "fine,2026-02-03T13:00Z,2026-02-03T14:00Z\n"
        "backwards,2026-02-03T16:00Z,2026-02-03T15:00Z\n"
    )
    code, _, err = run(capsys, "import", "incidents", str(path), str(shop))
    assert code == 2
    assert f"{path}:3: resolved_at (2026-02-03T15:00Z) is before opened_at" in err
    with Store.open(shop) as store:
        assert store.incidents("shop") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title,opened_at,service\nx,2026-02-03,billing\n", "unknown service 'billing'"),
        ("title,opened_at,cause\nx,2026-02-03,#12\n", "no deployment #12 of 'shop'"),
        ("title,opened_at\nx,3 Feb\n", "opened_at: '3 Feb' is not a time"),
    ],
)
def test_incident_rows_are_checked(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(text)
    code, _, err = run(capsys, "import", "incidents", str(path), str(shop))
    assert code == 2 and f"{path}:2: " in err and message in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "deployed_at,status\n2026-02-03,broken\n",
            "status 'broken' is not one of succeeded, failed, rolled_back",
        ),
        ("deployed_at,commit\n2026-02-03,v1.2\n", "commit 'v1.2' is not a sha"),
        (
            "deployed_at,started_at\n2026-02-03T10:00Z,2026-02-03T11:00Z\n",
            "started_at is after deployed_at",
        ),
    ],
)
def test_deployment_rows_are_checked(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "deployments.csv"
    path.write_text(text)
    code, _, err = run(capsys, "import", "deployments", str(path), str(shop))
    assert code == 2 and f"{path}:2: " in err and message in err


def test_a_deployment_file_with_a_new_service_close_to_a_known_one_says_so(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deployments.json"
    path.write_text(json.dumps([{"deployed_at": "2026-02-04T10:00Z", "service": "shpo"}]))
    code, out, _ = run(capsys, "import", "deployments", str(path), str(shop))
    assert code == 0 and "service 'shpo' is new to the store: did you mean 'shop'?" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--service", "shpo"), "unknown service 'shpo' (did you mean 'shop'?)"),
        (("--since", "2026-03-01", "--until", "2026-02-01"), "--since must come before --until"),
        (("--since", "last week"), "'last week' is not a time"),
        (("--bands", "2020"), "no DORA report year 2020"),
    ],
)
def test_bad_metrics_arguments_are_refused(
    shop: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, _, err = run(capsys, "metrics", str(shop), *argv)
    assert code == 2 and message in err


def test_tag_imports_need_a_repository_and_a_matching_tag(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", "git-tags", "release-*", str(shop))
    assert code == 2 and "no tag matches 'release-*'" in err
    plain = tmp_path / "plain"
    plain.mkdir()
    code, _, err = run(capsys, "import", "git-tags", "v*", str(plain))
    assert code == 2 and "not a git work tree" in err


def test_metrics_of_a_project_outside_git_says_what_it_could_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    code, out, _ = run(capsys, "metrics", str(plain), "--until", "2026-03-01", "--json")
    [service] = json.loads(out)["services"]
    assert code == 0 and service["deployment_frequency"]["deployments"] == 0
    assert service["lead_time"]["median_seconds"] is None
    assert service["change_failure_rate"]["rate"] is None
    assert [w["what"] for w in service["warnings"]] == ["git history of plain"]
