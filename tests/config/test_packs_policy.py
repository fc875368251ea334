"""The org policy layer: later layers may tighten it, a loosening is a finding at its line."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from lockgate.cli.main import main
from lockgate.config import policy
from lockgate.config.loader import Config, load_config
from lockgate.config.packs import Layer, RefKind
from lockgate.config.packs.sources import parse
from lockgate.model import Severity
from lockgate.stages.registry import builtin_stages

ORG = """
[policy]
fail_on = "high"
required_stages = ["secrets", "deps"]
fail_on_unchecked = true
name_pattern = "[a-z][a-z0-9-]*"
allowed_suppressions = ["lint", "sast:B101"]
max_suppression_days = 90
"""


def write(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def project(tmp_path: Path, text: str) -> Config:
    write(tmp_path / "org.toml", ORG)
    write(tmp_path / "lockgate.toml", 'extends = ["./org.toml"]\n' + textwrap.dedent(text))
    return load_config(tmp_path, builtin_stages())


def where(config: Config) -> list[str]:
    return [
        f"{f.location.path}:{f.location.start_line}" for f in config.policy_findings if f.location
    ]


def test_fail_on_critical_under_an_org_policy_of_high_is_a_finding_at_its_line(
    tmp_path: Path,
) -> None:
    config = project(tmp_path, '[project]\nname = "svc"\n[stages.lint]\nfail_on = "critical"\n')
    (finding,) = config.policy_findings
    assert where(config) == ["lockgate.toml:5"]
    assert finding.rule_id == "policy-loosened" and finding.severity is Severity.HIGH
    assert 'fail_on = "critical" loosens the org policy' in finding.message
    assert 'set fail_on = "high" or stricter' in (finding.help_text or "")
    assert config.stages["lint"].gate.fail_on is Severity.HIGH  # the floor holds
    assert config.origins["stages.lint.fail_on"] == "org policy (./org.toml)"
    assert any("lockgate.toml:5: org policy:" in w for w in config.warnings)


# Each row: what the project writes (after extends, lines from 2), the line flagged (None: clean).
CASES = [
    ('[project]\nname = "svc"\n[stages.lint]\nfail_on = "medium"\n', None),  # tighter
    ('[project]\nname = "svc"\n[stages.lint]\nfail_on = "high"\n', None),  # equal
    ('[project]\nname = "svc"\n[stages.deps]\nenabled = false\n', 5),
    ('[project]\nname = "svc"\n[stages.load]\nenabled = false\n', None),  # not required
    ('[project]\nname = "svc"\n[stages.sast]\nfail_on_unchecked = false\n', 5),
    ('[project]\nname = "svc"\n[policy]\nfail_on = "critical"\n', 5),
    ('[project]\nname = "svc"\n[policy]\nfail_on = "medium"\n', None),  # tightening the policy
    ('[project]\nname = "svc"\n[policy]\nmax_suppression_days = 365\n', 5),
    ('[project]\nname = "svc"\n[policy]\nmax_suppression_days = 30\n', None),
    ('[project]\nname = "svc"\n[policy]\nallowed_suppressions = ["deps"]\n', 5),
    ('[project]\nname = "svc"\n[policy]\nallowed_suppressions = ["lint"]\n', None),
    ('[project]\nname = "Bad Name"\n', 3),
    (
        '[project]\nname = "svc"\n[[suppress]]\nstage = "deps"\nrule = "X"\nreason = "r"\nexpires = 2026-01-02\n',
        4,
    ),
    (
        '[project]\nname = "svc"\n[[suppress]]\nstage = "sast"\nrule = "B101"\nreason = "r"\nexpires = 2026-01-02\n',
        None,
    ),
]


@pytest.mark.parametrize(("text", "line"), CASES)
def test_tightening_is_clean_and_loosening_is_flagged(
    tmp_path: Path, text: str, line: int | None
) -> None:
    write(tmp_path / "org.toml", ORG)
    write(tmp_path / "lockgate.toml", 'extends = ["./org.toml"]\n' + text)
    layers = _layers(tmp_path)
    name = layers[-1].data["project"]["name"]
    outcome = policy.evaluate(layers, datetime.date(2026, 1, 1), name)
    flagged = [f.location.start_line for f in outcome.findings if f.location]
    assert flagged == ([] if line is None else [line])


def _layers(root: Path) -> tuple[Layer, ...]:
    layers = []
    for name, kind in (("org.toml", RefKind.PATH), ("lockgate.toml", None)):
        label = f"./{name}" if kind else name
        data, lines = parse(label, (root / name).read_text())
        layers.append(Layer(label, kind, data, lines, name, root))
    return tuple(layers)


def test_a_suppression_longer_than_the_policy_allows(tmp_path: Path) -> None:
    write(tmp_path / "org.toml", ORG)
    write(
        tmp_path / "lockgate.toml",
        'extends = ["./org.toml"]\n[[suppress]]\nstage = "lint"\nreason = "r"\nrule = "E1"\n'
        "expires = 2026-06-01\n",
    )
    today = datetime.date(2026, 1, 1)
    (finding,) = policy.evaluate(_layers(tmp_path), today, "svc").findings
    assert finding.location is not None and finding.location.start_line == 6
    assert "set expires = 2026-04-01 or earlier" in (finding.help_text or "")
    assert policy.evaluate(_layers(tmp_path), datetime.date(2026, 4, 1), "svc").findings == ()


def test_required_stages_and_unchecked_are_held_by_the_floor(tmp_path: Path) -> None:
    config = project(tmp_path, '[project]\nname = "svc"\n[stages.deps]\nenabled = false\n')
    assert config.stages["deps"].enabled
    assert all(s.gate.fail_on_unchecked for s in config.stages.values())
    assert config.sections["policy"]["fail_on"] == "high"


def test_a_stage_default_looser_than_the_floor_is_held_without_a_finding(tmp_path: Path) -> None:
    write(tmp_path / "lockgate.toml", '[policy]\nfail_on = "info"\n')
    config = load_config(tmp_path, builtin_stages())
    assert config.policy_findings == ()
    assert {s.gate.fail_on for s in config.stages.values()} == {Severity.INFO}


def test_no_policy_changes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "lockgate.toml", '[stages.lint]\nfail_on = "critical"\n')
    config = load_config(tmp_path, builtin_stages())
    assert config.policy_findings == () and config.stages["lint"].gate.fail_on is Severity.CRITICAL


def test_an_unknown_policy_key_is_a_warning_with_did_you_mean(tmp_path: Path) -> None:
    write(tmp_path / "lockgate.toml", '[policy]\nfail_onn = "high"\n')
    (warning,) = load_config(tmp_path, builtin_stages()).warnings
    assert warning.startswith("lockgate.toml:2:") and "did you mean 'fail_on'" in warning


def test_config_check_exits_1_on_a_loosening_and_0_when_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(tmp_path, '[project]\nname = "svc"\n[stages.lint]\nfail_on = "critical"\n')
    assert main(["config", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("lockgate.toml:5: org policy:")
    project(tmp_path, '[project]\nname = "svc"\n')
    assert main(["config", "check", str(tmp_path)]) == 0


def test_a_required_stage_that_does_not_exist_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "lockgate.toml", '[policy]\nrequired_stages = ["secrts"]\n')
    (warning,) = load_config(tmp_path, builtin_stages()).warnings
    assert "required_stages names 'secrts'" in warning and "did you mean 'secrets'" in warning


def test_where_names_the_layer_that_set_a_key(tmp_path: Path) -> None:
    config = project(tmp_path, '[project]\nname = "svc"\n[stages.lint]\nfail_on = "critical"\n')
    assert config.where("stages.lint.fail_on") == "org policy (./org.toml)"
    assert config.where("project.name") == "lockgate.toml:3"


def test_a_required_stage_that_is_off_by_default_is_on_and_names_the_policy(tmp_path: Path) -> None:
    # plan is off unless a project or pack turns it on: the org policy's requirement is its origin
    write(tmp_path / "lockgate.toml", '[policy]\nrequired_stages = ["plan"]\n')
    config = load_config(tmp_path, builtin_stages())
    assert config.stages["plan"].enabled
    assert config.where("stages.plan.enabled").startswith("org policy")
