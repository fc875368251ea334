"""The deps stage on lock files of every format against the shared OSV data, and its honest gaps."""

from __future__ import annotations

import json
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from lockgate.deps.sources.local_dir import SYNC_STAMP
from lockgate.model import Severity, StageResult, Status
from lockgate.stages.deps import SBOM_FILE, DepsStage
from tests.deps import osvdb
from tests.testing.harness import FIXTURES, SHARED, copy_project, make_context, run_stage

PYPA = SHARED / "advisories" / "pypa"
GHSA = SHARED / "advisories" / "ghsa-sample"
pytestmark = pytest.mark.skipif(not GHSA.is_dir(), reason=f"no shared advisories at {SHARED}")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKGATE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "lockgate-cache"))
    monkeypatch.delenv("LOCKGATE_ADVISORY_DB", raising=False)


@pytest.fixture(scope="module")
def poly(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StageResult]:
    tmp = tmp_path_factory.mktemp("deps")
    project = copy_project(FIXTURES / "deps" / "polyglot", tmp / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOCKGATE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "lockgate-cache"))
        result = run_stage(DepsStage, project, tmp, advisory_db=[str(PYPA), str(GHSA)])
    return tmp, result


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_db(tmp_path: Path) -> Path:
    db = shutil.copytree(GHSA, tmp_path / "db")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    (db / SYNC_STAMP).write_text(json.dumps({"synced_at": now}))
    return db


def test_every_ecosystem_yields_findings_with_advisory_details(poly) -> None:
    _, result = poly
    by_key = {(f.rule_id, f.where): f for f in result.findings}
    lodash = by_key[("GHSA-p6mc-m468-83gw", "node-v1/package-lock.json:7")]
    assert lodash.severity is Severity.HIGH and "CVE-2020-8203" in lodash.tags
    assert "installed 4.17.15; fixed in 4.17.20" in lodash.message
    assert "Upgrade lodash to 4.17.20" in (lodash.help_text or "")
    assert lodash.help_uri and "CWE-1321" in lodash.tags
    expected = {
        ("GHSA-xvch-5gv4-984h", "node-v1/package-lock.json:15"),  # nested minimist, critical
        ("GHSA-hrpp-h998-j3pp", "node-v3/package-lock.json:20"),
        ("GHSA-gxr4-xjj5-5px2", "yarn-v1/yarn.lock:9"),
        ("GHSA-wf5p-g6vw-rhxx", "yarn-berry/yarn.lock:8"),
        ("GHSA-hh2w-p6rv-4g7w", "dotnet-lock/packages.lock.json:11"),
        ("GHSA-98g6-xh36-x2p7", "dotnet-csproj/App.csproj:6"),
        ("GHSA-59j7-ghrg-fj52", "dotnet-csproj/App.csproj:7"),
        ("GHSA-crjr-9rc5-ghw8", "ruby/Gemfile.lock:12"),
        ("GHSA-22f2-v57c-j9cx", "ruby/Gemfile.lock:13"),
        ("PYSEC-2019-217", "py-req/requirements.txt:2"),
        ("PYSEC-2018-66", "py-poetry/poetry.lock:4"),
        ("PYSEC-2021-109", "py-uv/uv.lock:5"),
        ("PYSEC-2020-96", "py-pipenv/Pipfile.lock:8"),
    }
    assert expected <= set(by_key)
    assert not any(f.rule_id == "GHSA-8g9c-28fc-mcx2" for f in result.findings)  # withdrawn
    assert not any(
        f.where.startswith("py-pipenv") and "pillow" in f.message for f in result.findings
    )
    assert len({f.fingerprint for f in result.findings}) == len(result.findings)


def test_old_data_and_unpinned_packages_warn_never_clean(poly) -> None:
    _, result = poly
    assert result.status is Status.WARNED
    # the total counts the 4 skipped packages too: "25 of 29", never "25 of 25"
    assert "25 of 29 packages checked" in result.summary
    assert "4 packages NOT checked (4 skipped in the files" in result.summary
    assert "PyPI advisory data is" in result.summary and "newest 2024-10-10" in result.summary
    whats = {u.what for u in result.unchecked}
    assert {"py-req/requirements.txt", "ruby/Gemfile.lock", "PyPI advisory data"} <= whats
    metrics = {m.name: m.value for m in result.metrics}
    assert metrics["dependencies"] == 25 and metrics["advisory_age_days"] > 30


def test_sbom_artifact_is_valid_cyclonedx(poly) -> None:
    tmp, result = poly
    assert SBOM_FILE in result.artifacts
    text = (tmp / "artifacts" / "deps" / SBOM_FILE).read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert len(json.loads(text)["components"]) == 25


def test_fresh_data_and_exact_pins_pass(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "package-lock.json").write_text(
        json.dumps(
            {
                "lockfileVersion": 3,
                "packages": {
                    "": {"dependencies": {"lodash": "^4"}},
                    "node_modules/lodash": {"version": "4.17.21"},
                },
            }
        )
    )
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(fresh_db(tmp_path))])
    assert result.status is Status.PASSED, result.summary
    assert result.findings == () and "1 of 1 packages checked" in result.summary


def test_gaps_are_unchecked_entries_never_findings(tmp_path: Path) -> None:
    project = copy_project(FIXTURES / "deps" / "polyglot" / "py-req", tmp_path / "p")
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(PYPA)])
    assert {f.tool for f in result.findings} == {"lockgate-deps"}
    assert all(f.rule_id.startswith(("PYSEC-", "GHSA-")) for f in result.findings)
    by_what = {(u.what, u.count): u for u in result.unchecked}
    unpinned = by_what[("requirements.txt", 1)]
    assert "requests (>=2.0)" in unpinned.reason or "local-package" in unpinned.reason
    stale = by_what[("PyPI advisory data", 2)]  # 2 packages checked against old data
    assert "days old" in stale.reason and "advisories sync" in stale.fix
    assert result.status is Status.WARNED


def test_unreachable_osv_service_is_reported_and_nothing_is_called_clean(tmp_path: Path) -> None:
    project = copy_project(FIXTURES / "deps" / "polyglot" / "node-v3", tmp_path / "p")
    result = run_stage(
        DepsStage,
        project,
        tmp_path,
        source="osv",
        osv_url=f"http://127.0.0.1:{closed_port()}",
        osv_timeout=2.0,
    )
    assert result.status is Status.WARNED
    assert "0 of 3 packages checked" in result.summary
    assert "source osv failed" in result.summary and "3 packages NOT checked" in result.summary
    (uncovered,) = [u for u in result.unchecked if u.what == "3 npm packages"]
    assert uncovered.count == 3 and "did not answer" in uncovered.reason
    assert (tmp_path / "artifacts" / "deps" / SBOM_FILE).is_file()


def test_broken_lock_file_is_unchecked_with_line_and_fix(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "web").mkdir(parents=True)
    (project / "web" / "package-lock.json").write_text('{\n  "packages": {\n    "x": ,\n  }\n}\n')
    (project / "requirements.txt").write_text("jinja2==2.10\n")
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(fresh_db(tmp_path))])
    (broken,) = [u for u in result.unchecked if u.what.startswith("web/")]
    assert broken.what == "web/package-lock.json:3" and "invalid JSON" in broken.reason
    assert "npm install" in broken.fix
    assert result.status is Status.WARNED


def test_no_dependency_files_is_skipped_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "main.py").write_text("print('hi')\n")
    ctx = make_context(DepsStage, tmp_path / "p", tmp_path / "art")
    result = DepsStage().run(ctx)
    assert result.status is Status.SKIPPED and "no dependency files" in result.summary
    empty = json.loads((tmp_path / "art" / SBOM_FILE).read_text())  # an SBOM on every run
    assert empty["components"] == [] and result.artifacts == (SBOM_FILE,)


def test_cache_key_tracks_lock_files_and_advisory_data(tmp_path: Path) -> None:
    project = copy_project(FIXTURES / "deps" / "polyglot" / "ruby", tmp_path / "p")
    db = fresh_db(tmp_path)
    ctx = make_context(DepsStage, project, tmp_path / "art", advisory_db=[str(db)])
    first = DepsStage().cache_key(ctx)
    assert first and first == DepsStage().cache_key(ctx)
    (project / "Gemfile.lock").write_text((project / "Gemfile.lock").read_text() + "\n")
    second = DepsStage().cache_key(ctx)
    assert second != first
    (db / "npm" / "GHSA-xvch-5gv4-984h.json").unlink()
    assert DepsStage().cache_key(ctx) != second
    live = make_context(DepsStage, project, tmp_path / "art2", source="osv")
    assert DepsStage().cache_key(live) is None


def test_sarif_of_the_findings_is_valid_and_names_the_advisory(poly) -> None:
    from lockgate.model import Run, RunStatus
    from lockgate.reports.sarif import build
    from tests.testing.harness import REPO

    _, result = poly
    log = build(Run("r1", "deps", datetime.now(UTC), RunStatus.FAILED, results=(result,)))
    import jsonschema

    schema = json.loads((REPO / "tests/fixtures/schemas/sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    rules = {r["id"]: r for run in log["runs"] for r in run["tool"]["driver"].get("rules", [])}
    lodash = next(r for rid, r in rules.items() if rid.endswith("GHSA-p6mc-m468-83gw"))
    assert (
        "Upgrade lodash" in lodash["help"]["text"]
        and "CVE-2020-8203" in lodash["properties"]["tags"]
    )


def test_oversized_lock_file_is_reported_not_read(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "yarn.lock").write_text("# yarn lockfile v1\n" + "# padding\n" * 300)
    result = run_stage(
        DepsStage, project, tmp_path, advisory_db=[str(fresh_db(tmp_path))], max_file_kb=1
    )
    (gap,) = result.unchecked
    assert gap.what == "yarn.lock" and "max_file_kb" in gap.reason and not result.findings
    assert result.status is Status.WARNED


def test_a_failing_source_warns_even_when_another_covers_everything(tmp_path: Path) -> None:
    project = copy_project(FIXTURES / "deps" / "polyglot" / "node-v3", tmp_path / "p")
    dbs = [str(fresh_db(tmp_path)), str(tmp_path / "no-such-db")]
    result = run_stage(DepsStage, project, tmp_path, advisory_db=dbs)
    assert "3 of 3 packages checked" in result.summary
    assert result.status is Status.WARNED and "does not exist" in result.summary
    assert any("does not exist" in u.reason for u in result.unchecked)


# --- coverage holes (issue 7): each of these passed, or crashed, on a vulnerable project -------


def project_with(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "p"
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    return project


def ids_at(result: StageResult) -> set[tuple[str, str]]:
    return {(f.rule_id, f.where) for f in result.findings}


def test_requirement_includes_constraints_and_pip_options(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "requirements.txt": "-i https://index.example.invalid/simple\n-f ./wheels\n"
            "-r requirements/base.txt\n-c constraints.txt\nflask>=0.12\t# the web app\n",
            "requirements/base.txt": "jinja2==2.10 \\\n    --hash=sha256:00\n",
            "constraints.txt": "flask==0.12.2\n",
        },
    )
    db = osvdb.pypa(tmp_path / "db", "jinja2", "flask")
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(db)])
    assert {
        ("PYSEC-2019-217", "requirements/base.txt:1"),
        ("PYSEC-2018-66", "constraints.txt:1"),
    } <= ids_at(result)
    assert result.unchecked == () and result.status is Status.PASSED, result.unchecked


def test_pdm_lock_is_read_and_a_file_with_no_packages_is_reported(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["jinja2"]\n',
            "pdm.lock": '[metadata]\nlock_version = "4.4"\n\n[[package]]\nname = "jinja2"\n'
            'version = "2.10"\ngroups = ["default"]\n',
            "web/package-lock.json": "{}",
            "svc/poetry.lock": '[metadata]\nlock-version = "2.0"\n',
        },
    )
    db = osvdb.pypa(tmp_path / "db", "jinja2")
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(db)])
    assert ("PYSEC-2019-217", "pdm.lock:5") in ids_at(result)
    gaps = {u.what: u.reason for u in result.unchecked}
    assert set(gaps) == {"web/package-lock.json", "svc/poetry.lock"}
    assert "neither `packages` nor" in gaps["web/package-lock.json"]
    assert "no packages found" in gaps["svc/poetry.lock"]
    assert result.status is Status.WARNED


def test_manifests_without_a_lock_are_checked_where_pinned_and_reported(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "web/package.json": '{"dependencies": {"lodash": "4.17.15", "express": "^4.18.0"}}',
            "Gemfile": 'gem "rack", "2.2.8"\n',
            "dev-requirements.txt": "jinja2==2.10\n",
        },
    )
    dbs = [str(osvdb.pypa(tmp_path / "pypa", "jinja2")), str(osvdb.ghsa(tmp_path / "ghsa"))]
    result = run_stage(DepsStage, project, tmp_path, advisory_db=dbs)
    assert {
        ("GHSA-p6mc-m468-83gw", "web/package.json:1"),
        ("GHSA-22f2-v57c-j9cx", "Gemfile:1"),
        ("PYSEC-2019-217", "dev-requirements.txt:1"),
    } <= ids_at(result)
    gaps = {(u.what, u.reason.split(":")[0]) for u in result.unchecked}
    assert ("web/package.json", "1 package not pinned to one version") in gaps
    assert {u.what for u in result.unchecked if "no lock file" in u.reason} == {
        "web/package.json",
        "Gemfile",
    }
    assert result.status is Status.WARNED


def test_a_folder_without_pypi_data_never_passes_pypi_packages(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"requirements.txt": "jinja2==2.10\n"})
    db = osvdb.write(
        tmp_path / "db",
        osvdb.record("GHSA-0000-mixed", [("PyPI", "other"), ("NuGet", "Other.Net")]),
        osvdb.record("GHSA-1111-nuget", [("NuGet", "Newtonsoft.Json")], fixed="13.0.1"),
    )
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(db)])
    assert result.status is Status.WARNED and "0 of 1 packages checked" in result.summary
    (gap,) = result.unchecked
    assert gap.what == "1 PyPI package" and "no advisory data for PyPI" in gap.reason


def test_staleness_is_judged_per_ecosystem(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "requirements.txt": "jinja2==2.11.3\n",
            "package-lock.json": json.dumps(
                {"lockfileVersion": 3, "packages": {"node_modules/lodash": {"version": "4.17.21"}}}
            ),
        },
    )
    old_pypi = osvdb.pypa(tmp_path / "pypa", "jinja2", days_ago=781)
    fresh_npm = osvdb.ghsa(tmp_path / "ghsa", days_ago=0)
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(old_pypi), str(fresh_npm)])
    assert result.findings == ()
    (stale,) = result.unchecked
    assert stale.what == "PyPI advisory data" and "781 days old" in stale.reason
    assert result.status is Status.WARNED


def test_malformed_advisory_records_are_counted_never_fatal(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"requirements.txt": "jinja2==2.10\n"})
    pypi = osvdb.pypa(tmp_path / "db", "jinja2")
    osvdb.write(
        pypi / "broken",
        {"id": "BAD-1", "affected": [{"package": "jinja2"}]},
        {
            "id": "BAD-2",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "jinja2"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{}]}],
                }
            ],
        },
        "{ cut off",
    )
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(pypi)])
    assert ("PYSEC-2019-217", "requirements.txt:1") in ids_at(result)
    (bad,) = result.unchecked
    assert (
        bad.count == 3 and "broken/BAD-1.json" in bad.reason and "broken/raw-2.json" in bad.reason
    )
    assert "3 advisory records unreadable" in result.summary and result.status is Status.WARNED


def test_unparsable_versions_and_non_registry_packages_are_never_clean(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "requirements.txt": "Django===2.2.4-corp1\n",
            "web/package-lock.json": json.dumps(
                {
                    "lockfileVersion": 3,
                    "packages": {"node_modules/lodash": {"version": "4.17.15-corp_1"}},
                }
            ),
            "svc/poetry.lock": '[[package]]\nname = "jinja2"\nversion = "2.10"\n\n[package.source]\n'
            'type = "git"\nurl = "https://example.invalid/jinja2.git"\nreference = "main"\n',
        },
    )
    dbs = [
        str(osvdb.pypa(tmp_path / "pypa", "django", "jinja2")),
        str(osvdb.ghsa(tmp_path / "ghsa")),
    ]
    result = run_stage(DepsStage, project, tmp_path, advisory_db=dbs)
    assert result.findings == ()  # no namesake's advisory, no guess at a version
    assert "0 of 3 packages checked" in result.summary
    gaps = {u.what: u for u in result.unchecked}
    assert "version the ecosystem does not accept" in gaps["requirements.txt"].reason
    assert "version the ecosystem does not accept" in gaps["web/package-lock.json"].reason
    assert "not registry releases" in gaps["svc/poetry.lock"].reason
    assert result.status is Status.WARNED


def test_npm_aliases_are_checked_as_the_real_package(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "v1/yarn.lock": '# yarn lockfile v1\n\n\n"utils@npm:lodash@^4.17.0":\n  version "4.17.15"\n',
            "berry/yarn.lock": '__metadata:\n  version: 8\n\n"utils@npm:lodash@4.17.15":\n'
            '  version: 4.17.15\n  resolution: "lodash@npm:4.17.15"\n\n'
            '"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n',
        },
    )
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(osvdb.ghsa(tmp_path / "db"))])
    # one finding per advisory, at the first place, naming the other
    assert ("GHSA-p6mc-m468-83gw", "berry/yarn.lock:4") in ids_at(result)
    assert "v1/yarn.lock:4" in next(
        f.help_text or "" for f in result.findings if f.rule_id == "GHSA-p6mc-m468-83gw"
    )
    assert result.unchecked == () and "2 of 2 packages checked" in result.summary


def test_one_vulnerability_of_one_package_version_is_one_finding(tmp_path: Path) -> None:
    project = project_with(
        tmp_path, {"requirements.txt": "jinja2==2.10\n", "api/requirements.txt": "Jinja2==2.10\n"}
    )
    pypa = osvdb.pypa(tmp_path / "pypa", "jinja2")
    ghsa = osvdb.stamp(
        osvdb.write(
            tmp_path / "ghsa",
            osvdb.record(
                "GHSA-462w-v97r-4m45",
                [("PyPI", "jinja2")],
                fixed="2.10.1",
                aliases=["CVE-2019-10906"],
            ),
        ),
        {"PyPI": 0},
    )
    result = run_stage(DepsStage, project, tmp_path, advisory_db=[str(pypa), str(ghsa)])
    about = [
        f
        for f in result.findings
        if "CVE-2019-10906" in f.message or f.rule_id == "GHSA-462w-v97r-4m45"
    ]
    assert len(about) == 1
    (finding,) = about
    assert finding.rule_id == "GHSA-462w-v97r-4m45" and "PYSEC-2019-217" in finding.message
    assert finding.where == "api/requirements.txt:1" and "requirements.txt:1" in (
        finding.help_text or ""
    )
    assert len({f.fingerprint for f in result.findings}) == len(result.findings)


def test_absurd_lock_content_is_unchecked_never_a_crash(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "package-lock.json": json.dumps(
                {
                    "lockfileVersion": 3,
                    "packages": {
                        "node_modules/a": {"name": 5, "version": "1.0.0"},
                        "node_modules/lodash": {"version": "4." + "1" * 4400 + ".0"},
                    },
                }
            ),
            "requirements.txt": "jinja2==" + "9" * 4400 + "\n",
        },
    )
    dbs = [str(osvdb.pypa(tmp_path / "pypa", "jinja2")), str(osvdb.ghsa(tmp_path / "ghsa"))]
    result = run_stage(DepsStage, project, tmp_path, advisory_db=dbs)
    assert result.status is Status.WARNED and result.findings == ()
    assert sum(u.count for u in result.unchecked) == 3


def test_cache_key_tracks_files_read_through_includes(tmp_path: Path) -> None:
    project = project_with(
        tmp_path, {"requirements.txt": "-r base/common.in\n", "base/common.in": "jinja2==2.10\n"}
    )
    ctx = make_context(DepsStage, project, tmp_path / "art", advisory_db=[str(fresh_db(tmp_path))])
    first = DepsStage().cache_key(ctx)
    (project / "base" / "common.in").write_text("jinja2==2.11.3\n")
    assert DepsStage().cache_key(ctx) != first
