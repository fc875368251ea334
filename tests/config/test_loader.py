"""load_config on small TOML files: defaults, validation with file:line, warnings, suppressions."""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from lockgate.config import schema
from lockgate.config.loader import Config, Suppression, load_config
from lockgate.config.options import Option
from lockgate.errors import ExitCode, LockgateError
from lockgate.model import Finding, Location, Severity
from tests.config.fakes import FAKE_STAGES


def write(root: Path, text: str, name: str = "lockgate.toml") -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(root: Path) -> Config:
    return load_config(root, FAKE_STAGES)


def load_error(root: Path) -> LockgateError:
    with pytest.raises(LockgateError) as info:
        load(root)
    assert info.value.exit_code is ExitCode.BAD_INPUT
    return info.value


# --- defaults and good files --------------------------------------------------------------------


def test_no_file_gives_defaults_for_every_stage(tmp_path: Path) -> None:
    project = tmp_path / "tenancy-api"
    project.mkdir()
    config = load(project)
    assert config.path is None
    assert config.project.name == "tenancy-api"
    assert config.project.base_branch == "main"
    assert config.run.jobs >= 1  # 0 resolves to the number of cores
    assert config.run.timeout == 900.0
    assert set(config.stages) == {"lint", "test"}
    assert config.suppressions == () and config.warnings == ()
    assert config.where("stages.lint") == "built-in defaults"


def test_stage_defaults_gate_and_options(tmp_path: Path) -> None:
    config = load(tmp_path)
    lint, test = config.stages["lint"], config.stages["test"]
    assert lint.enabled is True
    # lint re-declares fail_on with default "medium": its default wins
    assert lint.gate.fail_on is Severity.MEDIUM
    assert lint.gate.new_only is True
    assert lint.gate.timeout == 900.0  # from run.timeout
    assert test.gate.timeout == 1800.0  # re-declared default wins over run.timeout
    assert dict(lint.options) == {"select": ("E", "F")}
    assert dict(test.options) == {"coverage_min": 0.0, "command": None}


def test_values_from_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [project]
        name = "tenancy-api"
        base_branch = "trunk"

        [run]
        jobs = 3
        timeout = 60

        [stages.lint]
        fail_on = "high"
        new_only = false
        select = ["E", "W"]

        [stages.test]
        enabled = false
        coverage_min = 80
        timeout = 120
    """,
    )
    config = load(tmp_path)
    assert config.path == tmp_path / "lockgate.toml"
    assert config.project.name == "tenancy-api"
    assert config.project.base_branch == "trunk"
    assert config.run.jobs == 3 and config.run.timeout == 60.0
    lint, test = config.stages["lint"], config.stages["test"]
    assert (lint.gate.fail_on, lint.gate.new_only, lint.gate.timeout) == (
        Severity.HIGH,
        False,
        60.0,
    )
    assert lint.options["select"] == ("E", "W")
    assert test.enabled is False and test.gate.timeout == 120.0
    assert test.options["coverage_min"] == 80.0 and isinstance(test.options["coverage_min"], float)
    assert config.warnings == ()


def test_config_is_frozen(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [stages.lint]
        select = ["E"]
    """,
    )
    config = load(tmp_path)
    with pytest.raises(FrozenInstanceError):
        config.run = config.run  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.stages["lint"].options["select"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        config.stages["x"] = config.stages["lint"]  # type: ignore[index]
    assert isinstance(config.stages["lint"].options["select"], tuple)


# --- broken and invalid files -------------------------------------------------------------------


def test_broken_toml_names_file_line_and_column(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [project]
        name = "x"
        base_branch = main
    """,
    )
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml:3:15"
    assert "invalid TOML" in err.message
    assert err.hint and "toml" in err.hint.lower()
    assert "Traceback" not in err.render()


def test_duplicate_table_is_a_toml_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [run]
        jobs = 1
        [run]
        jobs = 2
    """,
    )
    assert load_error(tmp_path).where.startswith("lockgate.toml:3")  # type: ignore[union-attr]


def test_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "lockgate.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml" and "UTF-8" in err.message


@pytest.mark.parametrize("kind", ["folder", "broken link"])
def test_a_config_that_is_not_a_file_is_an_error_not_the_defaults(
    tmp_path: Path, kind: str
) -> None:
    if kind == "folder":
        (tmp_path / "lockgate.toml").mkdir()
    else:
        (tmp_path / "lockgate.toml").symlink_to(tmp_path / "moved-away.toml")
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml" and "cannot read" in err.message


def test_wrong_type_names_file_line_expected_and_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        # comment
        [project]
        name = "svc"

        [stages.test]
        command = "pytest"
        coverage_min = "eighty"
    """,
    )
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml:7"
    assert err.message == "stages.test.coverage_min: expected a number, found 'eighty' (a string)"
    assert err.hint == "coverage_min: Coverage floor in percent."
    assert err.render().startswith("error: lockgate.toml:7: stages.test.coverage_min")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('fail_on = "severe"', "one of 'critical', 'high', 'medium', 'low', 'info'"),
        ("new_only = 1", "true or false"),
        ("timeout = 0", "a number greater than 0"),
        ("enabled = true\ntimeout = true", "a number"),
        ('select = "E"', "a list of strings"),
        ("coverage_min = 101", None),  # only valid for test; lint has no such key
    ],
)
def test_invalid_values_of_common_and_stage_options(
    tmp_path: Path, line: str, expected: str | None
) -> None:
    write(tmp_path, f"[stages.lint]\n{line}\n")
    if expected is None:
        assert "unknown key 'coverage_min'" in load(tmp_path).warnings[0]
        return
    err = load_error(tmp_path)
    assert f"expected {expected}," in err.message
    assert err.where == f"lockgate.toml:{1 + line.count(chr(10)) + 1}"


def test_option_check_runs_after_type(tmp_path: Path) -> None:
    write(tmp_path, "[stages.test]\ncoverage_min = 101\n")
    assert "a percentage between 0 and 100" in load_error(tmp_path).message


def test_all_errors_are_reported_together(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [run]
        jobs = -1
        timeout = "long"
    """,
    )
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml:2"
    assert "also lockgate.toml:3: run.timeout: expected a number" in err.message


def test_errors_are_listed_in_file_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [stages.lint]
        fail_on = "severe"

        [stages.lnt]
        x = 1
    """,
    )
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml:2" and err.message.startswith("stages.lint.fail_on")
    assert err.message.endswith(
        "also lockgate.toml:4: unknown stage 'lnt' in [stages]; did you mean 'lint'?"
    )


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    write(tmp_path, 'run = "fast"\n')
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml:1"
    assert err.message == "run: expected a table, found 'fast' (a string)"


def test_unknown_stage_is_an_error_with_suggestion(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [stages.lint]
        fail_on = "low"

        [stages.tset]
        coverage_min = 10
    """,
    )
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml:4"
    assert err.message == "unknown stage 'tset' in [stages]; did you mean 'test'?"
    assert err.hint == "known stages: lint, test"


# --- warnings -----------------------------------------------------------------------------------


def test_unknown_keys_warn_with_suggestion(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [project]
        nmae = "svc"

        [run]
        job = 2

        [stages.lint]
        fail_onn = "high"
        zzz = 1

        [stagse.lint]
        x = 1
    """,
    )
    config = load(tmp_path)
    assert config.warnings == (  # in file order
        "lockgate.toml:2: unknown key 'nmae' in [project]; did you mean 'name'?",
        "lockgate.toml:5: unknown key 'job' in [run]; did you mean 'jobs'?",
        "lockgate.toml:8: unknown key 'fail_onn' in [stages.lint]; did you mean 'fail_on'?",
        "lockgate.toml:9: unknown key 'zzz' in [stages.lint]",
        "lockgate.toml:11: unknown section 'stagse'; did you mean 'stages'?",
    )
    assert config.stages["lint"].gate.fail_on is Severity.MEDIUM  # the typo did not apply


# --- pyproject.toml -----------------------------------------------------------------------------


PYPROJECT = """
    [project]
    name = "pkg"
    version = "1.0"

    [tool.ruff]
    line-length = 100

    [tool.lockgate.project]
    name = "from-pyproject"

    [tool.lockgate.stages.test]
    coverage_min = "high"
"""


def test_pyproject_tool_table_is_loaded_with_its_lines(tmp_path: Path) -> None:
    write(tmp_path, PYPROJECT, "pyproject.toml")
    err = load_error(tmp_path)
    assert err.where == "pyproject.toml:12"
    assert err.message.startswith("stages.test.coverage_min: expected a number")
    write(tmp_path, PYPROJECT.replace('"high"', "75"), "pyproject.toml")
    config = load(tmp_path)
    assert config.path == tmp_path / "pyproject.toml"
    assert config.project.name == "from-pyproject"  # not [project].name of the package
    assert config.stages["test"].options["coverage_min"] == 75.0
    assert config.where("stages.test.coverage_min") == "pyproject.toml:12"
    assert config.warnings == ()


def test_pyproject_without_tool_table_gives_defaults(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "pkg"\n', "pyproject.toml")
    config = load(tmp_path)
    assert config.path is None and config.project.name == tmp_path.name


def test_pyproject_tool_lockgate_must_be_a_table(tmp_path: Path) -> None:
    write(tmp_path, '[tool]\nlockgate = "yes"\n', "pyproject.toml")
    err = load_error(tmp_path)
    assert err.where == "pyproject.toml:2" and "expected a table" in err.message


def test_lockgate_toml_wins_over_pyproject_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, PYPROJECT, "pyproject.toml")  # invalid there, but not read
    write(tmp_path, '[project]\nname = "from-lockgate-toml"\n')
    config = load(tmp_path)
    assert config.path == tmp_path / "lockgate.toml"
    assert config.project.name == "from-lockgate-toml"
    assert config.warnings == (
        "pyproject.toml: [tool.lockgate] is ignored because lockgate.toml exists; "
        "keep the config in one place",
    )


def test_lockgate_toml_wins_over_broken_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "[project\n", "pyproject.toml")
    write(tmp_path, "[run]\njobs = 1\n")
    assert load(tmp_path).run.jobs == 1


def test_broken_pyproject_without_lockgate_toml_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "[project\n", "pyproject.toml")
    assert load_error(tmp_path).where == "pyproject.toml:1:9"


def test_missing_root_is_an_error(tmp_path: Path) -> None:
    assert "not found" in load_error(tmp_path / "nope").message


# --- suppressions -------------------------------------------------------------------------------


SUPPRESS = """
    [stages.lint]
    fail_on = "low"

    [[suppress]]
    stage = "lint"
    rule = "B101"
    path = "tests/*"
    reason = "asserts are how pytest works"
    expires = 2027-03-31

    [[suppress]]
    fingerprint = "abc123"
    reason = "false positive, see issue 12"
    expires = 2020-01-01
"""


def finding(rule: str = "B101", path: str | None = "tests/test_a.py", fp: str = "f1") -> Finding:
    location = Location(path, 3) if path is not None else None
    return Finding("lint", "ruff", rule, "msg", Severity.LOW, fp, location=location)


def test_suppressions_load_with_where(tmp_path: Path) -> None:
    write(tmp_path, SUPPRESS)
    first, second = load(tmp_path).suppressions
    assert first == Suppression(
        reason="asserts are how pytest works",
        expires=datetime.date(2027, 3, 31),
        stage="lint",
        rule="B101",
        path="tests/*",
        fingerprint=None,
        where="lockgate.toml:4",
    )
    assert second.where == "lockgate.toml:11" and second.fingerprint == "abc123"


def test_expired_suppression_loads_and_says_so(tmp_path: Path) -> None:
    write(tmp_path, SUPPRESS)
    first, second = load(tmp_path).suppressions
    today = datetime.date(2026, 11, 26)
    assert second.expired(today) and not first.expired(today)
    assert not first.expired(datetime.date(2027, 3, 31))  # applies through its last day
    assert first.expired(datetime.date(2027, 4, 1))


def test_suppression_matching(tmp_path: Path) -> None:
    write(tmp_path, SUPPRESS)
    by_rule, by_fp = load(tmp_path).suppressions
    assert by_rule.matches(finding())
    assert by_rule.matches(finding(path="tests/unit/deep/test_b.py"))
    assert by_rule.matches(finding(path="./tests/test_a.py"))
    assert not by_rule.matches(finding(path="src/app.py"))
    assert not by_rule.matches(finding(rule="B102"))
    assert not by_rule.matches(finding(path=None))
    other_stage = Finding("sast", "bandit", "B101", "m", Severity.LOW, "f1", Location("tests/a.py"))
    assert not by_rule.matches(other_stage)
    assert by_fp.matches(finding(rule="anything", path="anywhere.py", fp="abc123"))
    assert not by_fp.matches(finding(fp="abc124"))


def test_directory_path_suppression() -> None:
    s = Suppression("r", datetime.date(2030, 1, 1), None, None, "vendor/", None, "x:1")
    assert s.matches(finding(path="vendor/lib/a.py"))
    assert not s.matches(finding(path="src/vendor/a.py"))


def test_suppression_without_criteria_never_matches() -> None:
    s = Suppression("r", datetime.date(2030, 1, 1), "lint", None, None, None, "x:1")
    assert not s.matches(finding())


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ('rule = "B1"\nexpires = 2027-01-01', "[[suppress]] #1 has no reason", 1),
        ('rule = "B1"\nreason = "ok"', "[[suppress]] #1 has no expires", 1),
        (
            'rule = "B1"\nreason = " "\nexpires = 2027-01-01',
            "suppress.0.reason: expected a non-",
            3,
        ),
        (
            'rule = "B1"\nreason = "ok"\nexpires = "2027-01-01"',
            "suppress.0.expires: expected a d",
            4,
        ),
        ('stage = "lint"\nreason = "ok"\nexpires = 2027-01-01', "matches nothing specific", 1),
        (
            'stage = "lnit"\nrule = "B1"\nreason = "ok"\nexpires = 2027-01-01',
            "did you mean 'lint'",
            2,
        ),
    ],
)
def test_invalid_suppressions(tmp_path: Path, body: str, message: str, line: int) -> None:
    write(tmp_path, f"[[suppress]]\n{body}\n")
    err = load_error(tmp_path)
    assert message in err.message
    assert err.where == f"lockgate.toml:{line}"


def test_missing_required_suppression_key_names_a_near_miss(tmp_path: Path) -> None:
    write(tmp_path, '[[suppress]]\nrule = "B1"\nreason = "ok"\nexpire = 2027-01-01\n')
    err = load_error(tmp_path)
    assert err.message == (
        "[[suppress]] #1 has no expires ('expire' is not a key; did you mean 'expires'?)"
    )


def test_second_bad_suppression_points_at_its_own_table(tmp_path: Path) -> None:
    write(tmp_path, SUPPRESS + '\n[[suppress]]\nrule = "X"\nreason = "no expiry"\n')
    err = load_error(tmp_path)
    assert err.where == "lockgate.toml:16"
    assert err.message == "[[suppress]] #3 has no expires"


def test_suppress_as_plain_table_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, '[suppress]\nrule = "B1"\n')
    err = load_error(tmp_path)
    assert "expected an array of tables" in err.message and "[[suppress]]" in (err.hint or "")


# --- other sections -----------------------------------------------------------------------------


DEPLOY = schema.Section(
    "deploy",
    (Option("target", "str", "container", "Where to deploy.", choices=("container", "command")),),
    "Deployment.",
)
ENVIRONMENTS = schema.Section(
    "environments",
    (
        Option("url", "str", None, "Base URL."),
        Option("replicas", "int", 1, "How many."),
        Option("headers", "table", {}, "Extra headers."),
    ),
    "Named environments.",
    each=True,
)


def load_with_sections(root: Path) -> Config:
    """Two extra declared sections, as other parts of lockgate add them to schema.SECTIONS."""
    return load_config(root, FAKE_STAGES, sections=(DEPLOY, ENVIRONMENTS))


def test_declared_sections_are_validated_and_frozen(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [environments.review]
        url = "http://127.0.0.1:8080"
        headers = { X-Team = "a" }

        [environments.staging]
        replicas = 2
        replica = 3
    """,
    )
    config = load_with_sections(tmp_path)
    assert dict(config.sections["deploy"]) == {"target": "container"}
    envs = config.sections["environments"]
    assert set(envs) == {"review", "staging"}
    assert envs["review"]["url"] == "http://127.0.0.1:8080"
    assert envs["review"]["headers"]["X-Team"] == "a"
    assert envs["staging"]["replicas"] == 2 and envs["staging"]["url"] is None
    assert config.warnings == (
        "lockgate.toml:7: unknown key 'replica' in [environments.staging]; did you mean 'replicas'?",
    )
    with pytest.raises(TypeError):
        envs["review"]["headers"]["X-Team"] = "b"  # type: ignore[index]


def test_declared_section_errors(tmp_path: Path) -> None:
    write(tmp_path, '[deploy]\ntarget = "ftp"\n')
    with pytest.raises(LockgateError, match=r"^deploy.target: expected one of 'container'"):
        load_with_sections(tmp_path)
    write(tmp_path, '[environments]\nreview = "http://x"\n')
    with pytest.raises(LockgateError, match=r"^environments.review: expected a table"):
        load_with_sections(tmp_path)


def test_long_and_hostile_values_are_shown_short_and_escaped(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nbase_branch = 1\n[stages.test]\ncommand = ["' + "x" * 500 + '"]\n')
    err = load_error(tmp_path)
    assert err.message.startswith("project.base_branch: expected a string, found 1 (an integer)")
    assert "command: expected a string, found an array" in err.message
    write(tmp_path, '[stages.test]\ncoverage_min = "' + "\\u001b[31m" + "y" * 200 + '"\n')
    err = load_error(tmp_path)
    assert "\x1b" not in err.message and "..." in err.message and len(err.message) < 140


def test_hostile_key_names_are_escaped_in_warnings(tmp_path: Path) -> None:
    write(tmp_path, '[run]\n"\\u001b[2Jjobs" = 1\n')
    (warning,) = load(tmp_path).warnings
    assert "\x1b" not in warning and warning.startswith(
        "lockgate.toml:2: unknown key '\\x1b[2Jjobs'"
    )


def test_registered_sections_load_by_default(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        [deploy]
        target = "command"
        command = ["./deploy.sh"]

        [environments.staging]
        url = "http://127.0.0.1:9000"

        [environments.production]
        requires = ["staging"]
        branchs = ["main"]
    """,
    )
    config = load(tmp_path)
    assert set(config.sections) == {s.name for s in schema.SECTIONS}
    assert config.sections["deploy"]["command"] == ("./deploy.sh",)
    assert config.sections["environments"]["production"]["requires"] == ("staging",)
    assert config.warnings == (
        "lockgate.toml:10: unknown key 'branchs' in [environments.production]; "
        "did you mean 'branches'?",
    )


# --- fail_on_unchecked: a gate key of every stage -----------------------------------------------


def test_fail_on_unchecked_is_a_gate_key_of_every_stage(tmp_path: Path) -> None:
    write(tmp_path, "[stages.lint]\nfail_on_unchecked = true\n")
    config = load(tmp_path)
    assert config.warnings == ()
    assert config.stages["lint"].gate.fail_on_unchecked is True
    assert config.stages["test"].gate.fail_on_unchecked is False  # default: warn, exit 0
    assert "fail_on_unchecked" not in config.stages["lint"].options  # the gate owns it


def test_fail_on_unchecked_of_the_wrong_type_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, '[stages.test]\n\nfail_on_unchecked = "yes"\n')
    error = load_error(tmp_path)
    assert "fail_on_unchecked" in error.message and error.where.endswith("lockgate.toml:3")
