"""The four keys of a small real repository, computed by hand, through the CLI end to end.

Times are fixed (no test depends on today's date); the window is 2026-02-02 (a Monday) to
2026-03-01 inclusive: 28 days, four whole weeks.

| deployment | how recorded                     | went live (UTC)  | status    | ships (commit: committed)                 |
|------------|----------------------------------|------------------|-----------|-------------------------------------------|
| D0 v0.9    | lightweight tag on c0            | 01-10 10:00      | succeeded | first on record: unknown, outside window  |
| D1 v1.0    | annotated tag on c2              | 02-04 09:00      | succeeded | c1 02-02 09:00 (48h), c2 02-03 09:00 (24h)|
| D2 v1.1    | lightweight tag on c3            | 02-09 10:00      | succeeded | c3 02-09 10:00 (0h: left out, counted)    |
| D3 v1.2    | annotated tag on c5              | 02-12 08:00      | succeeded | c4 02-10 08:00 (48h), c5 02-11 08:00 (24h)|
| D4         | deployments CSV, commit c6       | 02-16 12:00      | failed    | nothing (it never went live)              |
| D5 v1.3    | annotated tag on c6              | 02-17 12:00      | succeeded | c6 02-16 10:00 (26h)                      |
| D6 v1.4    | annotated tag on merge m         | 02-24 09:00      | succeeded | c7 02-20 09:00 (96h); the merge m is none |

Incidents: I1 opened 02-18 09:00, resolved 11:00, no cause → D5 (last live before it opened).
I2 opened 02-25 10:00, cause c7 (shipped first by D6), still open.

Deployment frequency: D1 D2 D3 D5 D6 = 5 live deployments; 5 / 4 weeks = 1.25 a week; one
every 28/5 = 5.6 days → 2024 "high" (between once per day and once per week).
Lead time: 24h 24h 26h 48h 48h 96h (c3 left out): median (26+48)/2 = 37h; p90 = the 6th of 6 (ceil
5.4) = 96h → 2024 "high" (between one day and one week).
Change failure rate: D4 failed, D5 and D6 caused incidents: 3 of 6 = 50% → 2024 "low" (40%).
Time to restore: I1 2h; D4 failed 02-16 12:00 → D5 live 02-17 12:00 = 24h; I2 open (not counted,
unrestored 1): median 13h, p90 = the 2nd of 2 = 24h → 2024 "high" (less than one day).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lockgate.cli.main import main
from tests.metrics.gitrepo import GitRepo

H = 3600.0


def t(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def build(root: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo(root)
    (root / "lockgate.toml").write_text('[project]\nname = "shop"\n')
    c: dict[str, str] = {}
    c["c0"] = repo.commit("c0 start", t(1, 10, 10))
    repo.tag("v0.9")
    c["c1"] = repo.commit("c1 add cart", t(2, 2, 9))
    c["c2"] = repo.commit("c2 add checkout", t(2, 3, 9))
    repo.tag("v1.0", at=t(2, 4, 9))
    c["c3"] = repo.commit("c3 hotfix", t(2, 9, 10))
    repo.tag("v1.1")
    c["c4"] = repo.commit("c4 prices", t(2, 10, 8))
    c["c5"] = repo.commit("c5 totals", t(2, 11, 8))
    repo.tag("v1.2", at=t(2, 12, 8))
    c["c6"] = repo.commit("c6 payment", t(2, 16, 10))
    repo.tag("v1.3", at=t(2, 17, 12))
    repo.git("checkout", "-q", "-b", "feature")
    c["c7"] = repo.commit("c7 search", t(2, 20, 9))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge search", "feature", at=t(2, 23, 9))
    repo.tag("v1.4", at=t(2, 24, 9))
    return repo, c


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "shop"
    _repo, c = build(root)
    p = str(root)
    cli(capsys, "import", "git-tags", "v*", p)
    failed = tmp_path / "deployments.csv"
    failed.write_text(
        f"deployed_at,commit,status,id\n2026-02-16T12:00:00Z,{c['c6'][:10]},failed,d4\n"
    )
    cli(capsys, "import", "deployments", str(failed), p)
    out = cli(capsys, "incident", "open", "checkout 500s", "--at", "2026-02-18T09:00Z", "--path", p)
    inc_id = out.split("#", 1)[1].split()[0]
    cli(capsys, "incident", "resolve", inc_id, "--at", "2026-02-18 11:00", "--path", p)
    incidents = tmp_path / "incidents.json"
    incidents.write_text(
        json.dumps(
            [{"title": "search slow", "opened_at": "2026-02-25T10:00:00Z", "cause": c["c7"]}]
        )
    )
    cli(capsys, "import", "incidents", str(incidents), p)
    return root, c


def keys(capsys: pytest.CaptureFixture[str], root: Path) -> dict[str, Any]:
    out = cli(
        capsys, "metrics", str(root), "--since", "2026-02-02", "--until", "2026-03-01", "--json"
    )
    doc = json.loads(out)
    assert doc["schema"] == "lockgate-metrics/1"
    assert doc["window"] == {
        "since": "2026-02-02T00:00:00Z",
        "until": "2026-03-02T00:00:00Z",
        "days": 28.0,
    }
    [service] = doc["services"]
    assert service["service"] == "shop"
    return service


def level(key: dict[str, Any], year: int) -> str | None:
    return next(b["level"] for b in key["bands"] if b["year"] == year)


def test_the_four_keys_match_the_hand_computed_ones(
    shop: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = shop
    k = keys(capsys, root)
    df = k["deployment_frequency"]
    assert (df["deployments"], df["per_week"], df["days_between"]) == (5, 1.25, 5.6)
    assert level(df, 2024) == "high"
    lt = k["lead_time"]
    assert (lt["changes"], lt["median_seconds"], lt["p90_seconds"]) == (6, 37 * H, 96 * H)
    assert lt["excluded_nonpositive"] == 1
    assert level(lt, 2024) == "high"
    cf = k["change_failure_rate"]
    assert (cf["rate"], cf["failures"], cf["deployments"]) == (0.5, 3, 6)
    assert (cf["failed"], cf["rolled_back"], cf["caused_incident"]) == (1, 0, 2)
    assert level(cf, 2024) == "low"
    tr = k["time_to_restore"]
    assert (tr["restores"], tr["median_seconds"], tr["p90_seconds"]) == (2, 13 * H, 24 * H)
    assert (tr["from_incidents"], tr["from_deployments"], tr["unrestored"]) == (1, 1, 1)
    assert level(tr, 2024) == "high"
    assert k["warnings"] == []


def test_the_weekly_series_matches_by_hand(
    shop: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = shop
    weekly = keys(capsys, root)["weekly"]
    rows = [
        (
            w["since"][:10],
            w["deployments"],
            w["lead_time_median_seconds"],
            w["change_failure_rate"],
            w["time_to_restore_median_seconds"],
        )
        for w in weekly
    ]
    assert rows == [
        ("2026-02-02", 1, 36 * H, 0.0, None),
        ("2026-02-09", 2, 36 * H, 0.0, None),
        ("2026-02-16", 1, 26 * H, 1.0, 13 * H),
        ("2026-02-23", 1, 96 * H, 1.0, None),
    ]


def test_every_band_names_its_year_and_source(
    shop: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = shop
    k = keys(capsys, root)
    for name in ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore"):
        years = [b["year"] for b in k[name]["bands"]]
        assert years == [2019, 2021, 2023, 2024]
        assert all(b["source"].startswith("https://") for b in k[name]["bands"])
    text = cli(capsys, "metrics", str(root), "--since", "2026-02-02", "--until", "2026-03-01")
    assert "levels from the DORA 2024 report" in text
    assert "high (2024: Between one day and one week)" in text
    assert "1 commit with lead time <= 0 left out" in text
    older = cli(
        capsys,
        "metrics",
        str(root),
        "--since",
        "2026-02-02",
        "--until",
        "2026-03-01",
        "--bands",
        "2021",
    )
    assert "(2021: " in older and "(2024: " not in older


def test_importing_again_changes_nothing(
    shop: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = shop
    before = keys(capsys, root)
    out = cli(capsys, "import", "git-tags", "v*", str(root))
    assert "imported 0 deployment(s)" in out and "7 were imported before" not in out
    assert keys(capsys, root) == before
