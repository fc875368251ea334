"""The sast stage on a fixture tree in every supported language (one run of each real engine)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lockgate.model import Severity, StageResult, Status
from lockgate.sast.merge import engines_of
from lockgate.stages.sast import SastStage
from lockgate.tools import proc
from tests.testing.canaries import assert_no_canaries, make_canaries
from tests.testing.harness import FIXTURES, copy_project, make_context, run_stage

SAMPLES = FIXTURES / "sast" / "mixed"
_ANNOTATION = re.compile(r"(ruleid|ok): (lockgate\.[\w.-]+)")
needs_all = pytest.mark.skipif(
    not all(proc.which(t) for t in ("semgrep", "bandit", "checkov")),
    reason="semgrep, bandit and checkov are installed by scripts/bootstrap",
)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StageResult]:
    tmp = tmp_path_factory.mktemp("sast")
    project = copy_project(SAMPLES, tmp / "project")
    (project / "big.py").write_text("x = 1\n" * 40_000)  # 234 KiB
    (project / "blob.py").write_bytes(b"\x00\x01binary\x00" * 10)
    return project, run_stage(SastStage, project, tmp, max_file_kb=200)


def expected(project: Path) -> tuple[set[tuple[str, str, int]], set[tuple[str, str, int]]]:
    """(rule, path, line) that must be flagged, and those that must not, from the annotations."""
    flag, clean = set(), set()
    for path in project.rglob("*"):
        if not path.is_file() or path.name in {"big.py", "blob.py"}:
            continue
        for no, line in enumerate(path.read_text().splitlines(), start=1):
            for kind, rule in _ANNOTATION.findall(line):
                key = (rule, path.relative_to(project).as_posix(), no + 1)
                (flag if kind == "ruleid" else clean).add(key)
    return flag, clean


@needs_all
def test_every_semgrep_rule_flags_its_positive_and_not_its_negative(mixed) -> None:
    project, result = mixed
    flag, clean = expected(project)
    got = {
        (f.rule_id, f.location.path, f.location.start_line)
        for f in result.findings
        if f.tool == "semgrep"
    }
    assert flag and flag <= got
    assert not clean & got
    assert got <= flag  # no hit outside the annotated lines


@needs_all
def test_findings_carry_cwe_confidence_help_and_stable_fingerprints(mixed) -> None:
    _, result = mixed
    real = list(result.findings)
    for finding in real:
        assert any(re.fullmatch(r"CWE-\d+", t) for t in finding.tags), finding
        assert any(t.startswith("confidence:") for t in finding.tags), finding
        assert finding.help_text and finding.help_uri and finding.location
    sql = next(f for f in real if f.rule_id == "lockgate.python.sql-string-format")
    assert sql.severity is Severity.HIGH and "CWE-89" in sql.tags
    assert len({f.fingerprint for f in real}) == len(real)


def seen(result: StageResult, tool: str) -> set[str]:
    """Rule ids `tool` reported, whether they lead a finding or were merged into another."""
    ids = {f.rule_id for f in result.findings if f.tool == tool}
    merged = " ".join(f.message for f in result.findings if tool in engines_of(f))
    return ids | set(re.findall(rf"\b{tool} ([\w.-]+)", merged))


@needs_all
def test_bandit_and_checkov_report_too(mixed) -> None:
    _, result = mixed
    bandit_ids = {i.removeprefix("bandit.") for i in seen(result, "bandit")}
    assert {"B602", "B307", "B506", "B501"} <= bandit_ids
    assert {"CKV_AWS_24", "CKV_DOCKER_1", "CKV_DOCKER_4"} <= seen(result, "checkov")
    containerfile = [
        f for f in result.findings if f.location and f.location.path == "Containerfile"
    ]
    assert any(f.rule_id == "CKV_DOCKER_1" and f.location.start_line == 4 for f in containerfile)
    assert dict(result.tool_versions) == {
        "semgrep": "1.185.0",
        "bandit": "1.9.4",
        "checkov": "3.3.30",
    }
    assert {"semgrep.json", "semgrep.sarif", "bandit.json", "checkov.json"} <= set(result.artifacts)


@needs_all
def test_one_finding_per_line_and_weakness_whoever_saw_it(mixed) -> None:
    _, result = mixed
    shell = [
        f for f in result.findings if f.location.path == "py/app.py" and f.location.start_line == 15
    ]
    assert len(shell) == 1 and set(engines_of(shell[0])) == {"semgrep", "bandit"}
    assert "also reported by bandit B602" in shell[0].message


@needs_all
def test_huge_and_binary_files_are_reported_not_silently_passed(mixed) -> None:
    _, result = mixed
    reasons = {u.reason: u for u in result.unchecked}
    assert {"over the size limit", "binary content in a source file"} <= set(reasons)
    assert "big.py" in reasons["over the size limit"].what
    assert "max_file_kb" in reasons["over the size limit"].fix
    assert "blob.py" in reasons["binary content in a source file"].what
    assert result.status is Status.WARNED
    assert "2 files not scanned" in result.summary


def test_vendored_and_minified_code_is_left_out_and_counted(tmp_path: Path) -> None:
    if not proc.which("semgrep"):
        pytest.skip("semgrep is installed by scripts/bootstrap")
    project = tmp_path / "p"
    (project / "static" / "js" / "lib").mkdir(parents=True)
    code = "function run(req) { return eval(req.query.code); }\n"
    (project / "app.js").write_text(code)
    (project / "static" / "js" / "lib" / "jquery.js").write_text(code)
    (project / "static" / "js" / "app.min.js").write_text(code)
    (project / "bundle.js").write_text("var a=1;" * 200 + code)
    result = run_stage(SastStage, project, tmp_path / "a", engines=["semgrep"])
    assert {f.location.path for f in result.findings} == {"app.js"}
    assert result.status is Status.WARNED and result.unchecked_count == 3
    assert "3 vendored or minified files left out" in result.summary
    every = run_stage(SastStage, project, tmp_path / "b", engines=["semgrep"], skip_vendored=False)
    assert len({f.location.path for f in every.findings}) == 4
    assert every.status is Status.PASSED and not every.unchecked


def test_findings_in_test_code_are_info(tmp_path: Path) -> None:
    if not proc.which("semgrep"):
        pytest.skip("semgrep is installed by scripts/bootstrap")
    project = tmp_path / "p"
    (project / "tests").mkdir(parents=True)
    code = "def calc(expr):\n    return eval(expr)\n"
    (project / "app.py").write_text(code)
    (project / "tests" / "helpers.py").write_text(code)
    result = run_stage(SastStage, project, tmp_path / "a", engines=["semgrep"])
    by_path = {f.location.path: f for f in result.findings}
    assert by_path["app.py"].severity is Severity.HIGH
    assert by_path["tests/helpers.py"].severity is Severity.INFO
    assert "test-code" in by_path["tests/helpers.py"].tags


def test_missing_engine_is_named_and_the_rest_still_runs(tmp_path: Path, monkeypatch) -> None:
    if not proc.which("bandit"):
        pytest.skip("bandit is installed by scripts/bootstrap")
    monkeypatch.setenv("LOCKGATE_CHECKOV_BIN", str(tmp_path / "no-such-checkov"))
    project = tmp_path / "p"
    project.mkdir()
    (project / "app.py").write_text("import subprocess\nsubprocess.call('ls', shell=True)\n")
    (project / "main.tf").write_text('resource "aws_ebs_volume" "v" {\n  size = 1\n}\n')
    result = run_stage(SastStage, project, tmp_path, engines=["bandit", "checkov"])
    assert result.status is Status.WARNED
    assert "NOT scanned, not installed: checkov" in result.summary
    (uncovered,) = result.unchecked
    assert uncovered.what == "1 file(s) checked by no engine: main.tf"  # app.py had bandit
    assert "checkov" in uncovered.reason and "scripts/bootstrap" in uncovered.fix
    assert "bandit.B602" in seen(result, "bandit") or "B602" in seen(result, "bandit")


def test_no_engine_installed_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    for tool in ("SEMGREP", "BANDIT", "CHECKOV"):
        monkeypatch.setenv(f"LOCKGATE_{tool}_BIN", str(tmp_path / "missing"))
    ctx = make_context(SastStage, tmp_path, tmp_path / "art")
    why = SastStage().available(ctx)
    assert why and "scripts/bootstrap" in why


def test_project_without_sources_is_skipped(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "README.md").write_text("# nothing to scan\n")
    ctx = make_context(SastStage, project, tmp_path / "art")
    result = SastStage().run(ctx)
    assert result.status is Status.SKIPPED and "no Python" in result.summary


def test_cache_key_follows_source_content(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.py").write_text("x = 1\n")
    ctx = make_context(SastStage, project, tmp_path / "art")
    first = SastStage().cache_key(ctx)
    (project / "a.py").write_text("x = 2\n")
    second = SastStage().cache_key(ctx)
    assert second != first
    (project / "notes.txt").write_text("not a source\n")
    assert SastStage().cache_key(ctx) == second


@needs_all
def test_sarif_of_the_findings_is_valid_and_carries_rule_metadata(mixed) -> None:
    import json
    from datetime import UTC, datetime

    import jsonschema

    from lockgate.model import Run, RunStatus
    from lockgate.reports.sarif import build
    from tests.testing.harness import REPO

    _, result = mixed
    log = build(Run("r1", "sast", datetime.now(UTC), RunStatus.FAILED, results=(result,)))
    schema = json.loads((REPO / "tests/fixtures/schemas/sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    rules = {r["id"]: r for run in log["runs"] for r in run["tool"]["driver"].get("rules", [])}
    sql = next(r for rid, r in rules.items() if rid.endswith("sql-string-format"))
    assert "query parameters" in sql["help"]["text"] and sql["helpUri"].startswith("https://")
    assert "external/cwe/cwe-089" in sql["properties"]["tags"]


def test_project_rules_dir_adds_rules_and_a_missing_one_is_reported(tmp_path: Path) -> None:
    if not proc.which("semgrep"):
        pytest.skip("semgrep is installed by scripts/bootstrap")
    project = tmp_path / "p"
    (project / "rules").mkdir(parents=True)
    (project / "app.py").write_text("import pickle\npickle.loads(blob)\n")
    (project / "rules" / "own.yml").write_text(
        "rules:\n  - id: team.no-pickle\n    languages: [python]\n    severity: WARNING\n"
        "    message: no pickle\n    pattern: pickle.loads(...)\n"
        "    metadata: {cwe: 'CWE-502', confidence: high, help: use json}\n"
    )
    result = run_stage(SastStage, project, tmp_path / "a", engines=["semgrep"], rules_dir="rules")
    own = [f for f in result.findings if f.rule_id == "team.no-pickle"]
    assert own and own[0].severity is Severity.MEDIUM and "CWE-502" in own[0].tags
    assert result.status is Status.PASSED
    missing = run_stage(SastStage, project, tmp_path / "b", engines=["semgrep"], rules_dir="nope")
    assert missing.status is Status.WARNED
    (gap,) = missing.unchecked
    assert "nope" in gap.what and "does not exist" in gap.reason and "rules_dir" in gap.fix


@needs_all
def test_secret_values_the_engines_quote_are_redacted_in_findings_and_artifacts(
    tmp_path: Path,
) -> None:
    values = make_canaries(21)
    project = tmp_path / "project"
    project.mkdir()
    (project / "settings.py").write_text(
        f'GH = "{values["github"]}"\n'
        f'password = "{values["aws_secret"]}"\n'
        f'token = "{values["jwt"]}"\n'
        f'DB = "postgres://app:{values["db_password"]}@db.internal/app"\n'
        "import pickle\npickle.loads(open('x', 'rb').read())\n"
    )
    (project / "Dockerfile").write_text(
        f"FROM debian:12\nENV SLACK={values['slack']}\nRUN apt-get update\n"
    )
    # B105 is off by default (the secrets gate's job): on here, so bandit quotes the literals
    result = run_stage(SastStage, project, tmp_path, bandit_skips=["B101"])
    rules = {f.rule_id for f in result.findings}
    assert "bandit.B105" in rules  # the hardcoded-password check fired on the planted literals
    assert any(f.tool == "checkov" for f in result.findings)
    shown = [f"{f.message} {f.help_text} {f.location}" for f in result.findings]
    assert_no_canaries([*shown, tmp_path / "artifacts"], values.values())
    assert not (tmp_path / "artifacts" / "sast" / "checkov-input").exists()


@needs_all
def test_a_parse_error_does_not_quote_the_code_it_could_not_parse(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    value = "".join(reversed("kq8Zr2LmW7vXn4Tp9Bc"))  # a credential in a format no rule knows
    (project / "app.js").write_text(f'function (( {{\n eval("{value}" + x)\n')
    result = run_stage(SastStage, project, tmp_path, engines=["semgrep"])
    (skipped,) = result.unchecked
    assert skipped.what.startswith("app.js") and "Syntax error" in skipped.reason
    assert result.status is Status.WARNED
    assert_no_canaries([skipped.what, skipped.reason, tmp_path / "artifacts"], [value])
