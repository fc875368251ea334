"""Fuzz lockgate.toml and .lockgate/baseline.json: every input is accepted or refused as bad input.

The contract is the CLI's: exit 0/1/2, never 3. Here that means loading returns a value or raises
LockgateError with exit code 2, and nothing else (no RecursionError, OverflowError, ValueError,
hang). Runs are derandomized and bounded so the suite stays fast and the same on every machine;
the deps tests fuzz the lock-file parsers the same way.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lockgate.config.loader import Config, load_config
from lockgate.engine.baseline import BASELINE_FILE, load_file
from lockgate.engine.context import stage_context
from lockgate.errors import ExitCode, LockgateError
from lockgate.stages.interface import GitInfo
from lockgate.stages.registry import all_stages

FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
STAGES = all_stages()

# --- values a user (or an attacker) can write -------------------------------------------------

_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=24)
_nasty_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "x" * 5000,
        "p/" * 3000,
        "../../../../etc/passwd",
        "/dev/zero",
        "\x1b[2J\x1b]0;t\x07",
        "\u202eevil",
        "low",
        "critical",
        "{python}",
        "{artifacts}/../../x",
        "$HOME..$PATH",
        "http://127.0.0.1:1/ö",
        "*",
        "[",
    ]
)
_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(min_value=-(10**80), max_value=10**80),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    _nasty_text,
    st.dates(),
    st.datetimes(),
    st.times(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
# Deep values are drawn as a depth and built inside the test: Hypothesis's own printer would
# overflow the stack showing a 1,000-level example.
_depth = st.integers(min_value=30, max_value=1200)


class Deep:
    """A placeholder the TOML writer expands into `depth` levels of nested tables and arrays."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"


def _nest(depth: int) -> Any:
    value: Any = 1
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def _known_keys(section: str) -> list[str]:
    from lockgate.config import schema
    from lockgate.config.loader import stage_options

    if section.startswith("stages."):
        return [o.name for o in stage_options(STAGES[section.split(".", 1)[1]])]
    found = {s.name: s for s in (schema.PROJECT, schema.RUN, schema.SUPPRESS, *schema.SECTIONS)}
    return [o.name for o in found[section].options] if section in found else []


_SECTIONS = ["project", "run", "container", "deploy", *(f"stages.{n}" for n in STAGES)]


@st.composite
def _table(draw: st.DrawFn, section: str) -> dict[str, Any]:
    keys = _known_keys(section) or ["x"]
    names = draw(st.lists(st.sampled_from(keys) | _text, max_size=5, unique=True))
    table = {name: draw(_values) for name in names}
    if names and draw(st.integers(0, 9)) == 0:
        table[names[0]] = Deep(draw(_depth))
    return table


@st.composite
def _config(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for section in draw(st.lists(st.sampled_from(_SECTIONS), max_size=4, unique=True)):
        head, _, name = section.partition(".")
        table = draw(_table(section))
        if name:
            data.setdefault(head, {})[name] = table
        else:
            data[head] = table
    if draw(st.booleans()):
        data["suppress"] = draw(st.lists(_table("suppress"), max_size=3))
    if draw(st.integers(0, 5)) == 0:
        data["environments"] = draw(st.dictionaries(_text, _table("environments"), max_size=2))
    if draw(st.integers(0, 5)) == 0:
        data[draw(_text)] = draw(_values)
    return data


# --- a TOML writer just for the fuzzer (the standard library reads TOML but does not write it) ---


def _toml_string(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)  # \" \\ \n \uXXXX: all valid TOML escapes
    return quoted.replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, Deep):
        return "{k = [" * (value.depth // 2) + "1" + "]}" * (value.depth // 2)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _toml(data: dict[str, Any]) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()) and value:
            for name, table in value.items():  # [stages.lint] style headers, as people write them
                lines.append(f"[{_toml_string(key)}.{_toml_string(name)}]")
                lines += [f"{_toml_string(k)} = {_toml_value(v)}" for k, v in table.items()]
        else:
            lines.insert(0, f"{_toml_string(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


# --- the contract -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-project")


def _load_as_the_cli_does(root: Path) -> Config | LockgateError:
    """What `lockgate run` and `lockgate stages` do with the file before running anything."""
    try:
        config = load_config(root, STAGES)
        for name, cls in STAGES.items():
            artifacts = root / ".lockgate" / "fuzz" / name
            stage_context(config, cls, artifacts=artifacts, run_id="fuzz", git=GitInfo())
    except LockgateError as exc:
        assert exc.exit_code is ExitCode.BAD_INPUT, exc.render()
        assert exc.render().strip(), "an error must say something"
        assert len(exc.render()) < 20_000, "an error must not echo a huge value back"
        return exc
    _assert_usable(config)
    return config


def _assert_usable(config: Config) -> None:
    """What the loader accepts, stages can use: timers take the timeouts, paths take the strings."""
    assert 0 < config.run.timeout < 2**31
    for stage in config.stages.values():
        assert 0 < stage.gate.timeout < 2**31, stage
        for value in _leaves(stage.options):
            assert not (isinstance(value, float) and not math.isfinite(value)), stage
            assert not (isinstance(value, str) and ("\0" in value or len(value) > 4096)), stage


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _check_config_text(root: Path, text: str | bytes) -> None:
    path = root / "lockgate.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    _load_as_the_cli_does(root)  # any exception other than LockgateError fails the test


@FUZZ
@given(data=_config())
@example(data={"run": {"timeout": math.inf}})
@example(data={"stages": {"sast": {"rules_dir": "a\x00b"}}})
@example(data={"stages": {"test": {"python": "x" * 1_000_000}}})
@example(data={"stages": {"test": {"command": [""]}}})
def test_structured_configs_load_or_are_bad_input(project: Path, data: dict[str, Any]) -> None:
    _check_config_text(project, _toml(data))


_VALID = (
    '[project]\nname = "svc"\nbase_branch = "main"\n\n[run]\ntimeout = 60\njobs = 2\n\n'
    '[stages.lint]\nfail_on = "high"\n\n[stages.test]\ncoverage_min = 80\n\n'
    '[[suppress]]\nrule = "B101"\nreason = "tests"\nexpires = 2027-03-31\n'
)


@FUZZ
@given(position=st.integers(0, len(_VALID)), insert=_text | _nasty_text, cut=st.integers(0, 8))
def test_mangled_configs_load_or_are_bad_input(
    project: Path, position: int, insert: str, cut: int
) -> None:
    _check_config_text(project, _VALID[:position] + insert + _VALID[position + cut :])


@FUZZ
@given(raw=st.binary(max_size=200))
@example(raw=b"\xff\xfe[run]")
@example(raw=b"[run]\ntimeout = " + b"9" * 5000)
@example(raw=b"x = " + b"[" * 5000)
def test_raw_bytes_as_config_load_or_are_bad_input(project: Path, raw: bytes) -> None:
    _check_config_text(project, raw)


# --- baseline.json ------------------------------------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
    | _nasty_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=10,
)
_baseline_doc = st.fixed_dictionaries(
    {"schema_version": st.sampled_from([1, 1.0, 2, True, "1", None, 10**50])},
    optional={
        "stages": st.dictionaries(
            _text | _nasty_text, st.lists(_text | _nasty_text, max_size=3) | _json, max_size=3
        ),
        "created": _text,
    },
)


def _check_baseline(root: Path, raw: bytes) -> None:
    path = root / BASELINE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    try:
        load_file(root)
    except LockgateError as exc:
        assert exc.exit_code is ExitCode.BAD_INPUT, exc.render()
        assert exc.where == str(BASELINE_FILE)
        assert len(exc.render()) < 2000


@FUZZ
@given(doc=_baseline_doc | _json)
def test_structured_baselines_load_or_are_bad_input(project: Path, doc: Any) -> None:
    _check_baseline(project, json.dumps(doc).encode())


@FUZZ
@given(raw=st.binary(max_size=200) | st.integers(1, 200_000).map(lambda n: b"[" * n))
@example(raw=b'{"schema_version": 1, "stages": ' + b"{" * 50_000)
@example(raw=b'{"schema_version": ' + b"7" * 5000 + b', "stages": {}}')
def test_raw_bytes_as_baseline_load_or_are_bad_input(project: Path, raw: bytes) -> None:
    _check_baseline(project, raw)


@pytest.mark.parametrize("depth", [33, 400, 3000, 100_000])
def test_deep_nesting_is_bad_input(project: Path, depth: int) -> None:
    _check_config_text(project, "[run]\nx = " + "[" * depth + "]" * depth + "\n")
    _check_config_text(project, "[run]\nx = " + "{a = " * depth + "1" + "}" * depth + "\n")
    deep = b"[" * depth + b"]" * depth
    _check_baseline(project, b'{"schema_version": 1, "stages": {"lint": ' + deep + b"}}")
    _check_baseline(project, b'{"schema_version": 1, "stages": ' + b'{"a": ' * depth + b"1")
