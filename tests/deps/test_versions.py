"""Version ordering per ecosystem and OSV range evaluation: should-match / should-not-match tables."""

from __future__ import annotations

import pytest

from lockgate.deps.model import Ecosystem
from lockgate.deps.versions import BadVersion, compare, first_fixed, is_affected

E = Ecosystem


@pytest.mark.parametrize(
    ("eco", "low", "high"),
    [
        (E.NPM, "1.0.0-beta", "1.0.0"),
        (E.NPM, "1.0.0-alpha", "1.0.0-alpha.1"),
        (E.NPM, "1.0.0-alpha.1", "1.0.0-alpha.beta"),
        (E.NPM, "1.0.0-beta.2", "1.0.0-beta.11"),
        (E.NPM, "1.0.0-rc.1", "1.0.0"),
        (E.NPM, "1.9.0", "1.10.0"),
        (E.NPM, "5.0.0-alpha.1", "5.0.0-beta.3"),
        (E.PYPI, "1.0rc1", "1.0"),
        (E.PYPI, "1.0.dev1", "1.0a1"),
        (E.PYPI, "2.10", "2.10.1"),
        (E.PYPI, "1.0", "1.0.post1"),
        (E.NUGET, "1.2.3", "1.2.3.1"),
        (E.NUGET, "7.0.0-preview", "7.0.0"),
        (E.NUGET, "4.8.5", "4.8.6"),
        (E.NUGET, "1.0.0-Alpha", "1.0.0-beta"),
        (E.RUBYGEMS, "1.0.0.pre", "1.0.0"),
        (E.RUBYGEMS, "1.0.0.rc1", "1.0.0"),
        (E.RUBYGEMS, "2.2.8", "2.2.8.1"),
        (E.RUBYGEMS, "1.0.a", "1.0.b"),
        (E.RUBYGEMS, "0.9", "0.10"),
    ],
)
def test_order(eco: Ecosystem, low: str, high: str) -> None:
    assert compare(eco, low, high) == -1
    assert compare(eco, high, low) == 1


@pytest.mark.parametrize(
    ("eco", "a", "b"),
    [
        (E.NPM, "1.0.0+build.1", "1.0.0"),
        (E.NPM, "v1.2.3", "1.2.3"),
        (E.NUGET, "4.8.6", "4.8.6.0"),
        (E.NUGET, "1.0.0-RC1", "1.0.0-rc1"),
        (E.RUBYGEMS, "1.0", "1"),
        (E.PYPI, "1.0", "1.0.0"),
    ],
)
def test_equal(eco: Ecosystem, a: str, b: str) -> None:
    assert compare(eco, a, b) == 0


@pytest.mark.parametrize(
    ("eco", "text"),
    [
        (E.NPM, "not-a-version"),
        (E.PYPI, "1.0-foo-bar"),
        (E.NUGET, "1.2.3.4.5"),
        (E.RUBYGEMS, "x.y"),
    ],
)
def test_bad_versions_raise(eco: Ecosystem, text: str) -> None:
    with pytest.raises(BadVersion):
        compare(eco, text, "1.0.0")


EXPRESS = [
    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.19.2"}]},
    {"type": "ECOSYSTEM", "events": [{"introduced": "5.0.0-alpha.1"}, {"fixed": "5.0.0-beta.3"}]},
]
LAST_AFFECTED = [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"last_affected": "1.4"}]}]
MULTI = [  # ws: several branches in one range, events out of order
    {
        "type": "SEMVER",
        "events": [
            {"introduced": "7.0.0"},
            {"fixed": "7.5.10"},
            {"introduced": "2.1.0"},
            {"fixed": "5.2.4"},
        ],
    },
]


@pytest.mark.parametrize(
    ("eco", "ranges", "version", "affected", "fixed"),
    [
        (E.NPM, EXPRESS, "4.18.2", True, "4.19.2"),
        (E.NPM, EXPRESS, "4.19.2", False, None),
        (E.NPM, EXPRESS, "5.0.0-alpha.5", True, "5.0.0-beta.3"),
        (E.NPM, EXPRESS, "5.0.0-beta.3", False, None),
        (E.NPM, EXPRESS, "5.0.0", False, None),
        (E.PYPI, LAST_AFFECTED, "0.9", False, None),
        (E.PYPI, LAST_AFFECTED, "1.4", True, None),
        (E.PYPI, LAST_AFFECTED, "1.4.1", False, None),
        (E.NPM, MULTI, "6.0.0", False, None),
        (E.NPM, MULTI, "7.2.0", True, "7.5.10"),
        (E.NPM, MULTI, "3.0.0", True, "5.2.4"),
        (
            E.RUBYGEMS,
            [{"type": "ECOSYSTEM", "events": [{"introduced": "0.4"}, {"fixed": "2.2.8.1"}]}],
            "2.2.8",
            True,
            "2.2.8.1",
        ),
        (
            E.NUGET,
            [
                {
                    "type": "ECOSYSTEM",
                    "events": [{"introduced": "7.0.0-preview"}, {"fixed": "7.1.2"}],
                }
            ],
            "7.0.0",
            True,
            "7.1.2",
        ),
        (
            E.NPM,
            [{"type": "GIT", "events": [{"introduced": "0"}, {"fixed": "abc123"}]}],
            "1.0.0",
            False,
            None,
        ),
    ],
)
def test_ranges(
    eco: Ecosystem, ranges: list, version: str, affected: bool, fixed: str | None
) -> None:
    assert is_affected(eco, version, ranges, []) is affected
    assert first_fixed(eco, version, ranges) == fixed


def test_explicit_versions_list_counts_even_without_ranges() -> None:
    assert is_affected(E.PYPI, "1.0.1", [], ["1.0.0", "1.0.1"])
    assert not is_affected(E.PYPI, "1.0.2", [], ["1.0.0", "1.0.1"])
