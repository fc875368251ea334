"""The browser-free parts: URL policy, WCAG criteria from engine tags, merging, redaction."""

from __future__ import annotations

import pytest

from lockgate.a11y import urls
from lockgate.a11y.checks import _cycle
from lockgate.a11y.engines import criteria_of_axe_tags, criterion_of_htmlcs, htmlcs_help
from lockgate.a11y.interface import Impact, Issue
from lockgate.a11y.merge import merge
from lockgate.stages.accessibility import redact


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/", True),
        ("http://localhost/", True),
        ("http://[::1]:8080/x", True),
        ("http://127.9.9.9/", True),
        ("https://www.gov.uk/", False),
        ("http://10.0.0.5/", False),
        ("http://127.0.0.1.example.com/", False),
    ],
)
def test_only_loopback_without_allow_remote(url: str, allowed: bool) -> None:
    problem = urls.check_url(url, allow_remote=False)
    assert (problem is None) is allowed
    if not allowed:
        assert "allow_remote" in str(problem)
    assert urls.check_url(url, allow_remote=True) is None


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "127.0.0.1:8000", "file:///etc/passwd", ""])
def test_not_an_http_url(url: str) -> None:
    assert "not an http(s) URL" in str(urls.check_url(url, allow_remote=True))


def test_crawl_keeps_same_origin_pages_without_fragments() -> None:
    base = "http://127.0.0.1:8000/"
    links = [
        "http://127.0.0.1:8000/apply#start",
        "http://127.0.0.1:9000/other-port",
        "https://www.gov.uk/",
        "http://127.0.0.1:8000/guide.pdf",
        "mailto:help@example.com",
    ]
    assert urls.same_origin_pages(base, links) == ["http://127.0.0.1:8000/apply"]
    assert urls.start_pages(base, ["/a", "a", "/"]) == [base, base + "a"]


@pytest.mark.parametrize(
    ("tags", "criteria"),
    [
        (["cat.text-alternatives", "wcag2a", "wcag111", "section508"], ("1.1.1",)),
        (["wcag2aa", "wcag1410", "wcag143"], ("1.4.10", "1.4.3")),
        (["best-practice"], ()),
    ],
)
def test_axe_tags_to_criteria(tags: list[str], criteria: tuple[str, ...]) -> None:
    assert criteria_of_axe_tags(tags) == criteria


def test_htmlcs_codes_to_criterion_and_technique_page() -> None:
    code = "WCAG2AA.Principle1.Guideline1_4.1_4_10.C32,C31"
    assert criterion_of_htmlcs(code) == ("1.4.10",)
    assert htmlcs_help(code) == "https://www.w3.org/WAI/WCAG22/Techniques/css/C32"
    assert htmlcs_help("WCAG2AA.Principle1.Guideline1_1.1_1_1.H37").endswith("/html/H37")


def _issue(engine: str, selector: str, criteria: tuple[str, ...], impact: Impact) -> Issue:
    return Issue(engine, f"{engine}-rule", criteria, impact, "http://127.0.0.1/", selector, "", "m")


def test_merge_by_element_and_criterion() -> None:
    merged = merge(
        [
            _issue("htmlcs", "html > body > img", ("1.1.1",), Impact.SERIOUS),
            _issue("axe-core", "html > body > img", ("1.1.1",), Impact.CRITICAL),
            _issue("axe-core", "html > body > img", ("1.4.3",), Impact.SERIOUS),
            _issue("htmlcs", "html > body > p", ("1.1.1",), Impact.SERIOUS),
        ]
    )
    assert [(i.rule_id, i.selector, i.engines, i.impact) for i in merged] == [
        ("axe-core-rule", "html > body > img", ("axe-core", "htmlcs"), Impact.CRITICAL),
        ("axe-core-rule", "html > body > img", ("axe-core",), Impact.SERIOUS),
        ("htmlcs-rule", "html > body > p", ("htmlcs",), Impact.SERIOUS),
    ]


def test_snippets_lose_field_values_and_secrets() -> None:
    html = '<input name="ni" value="QQ123456C"><a href="https://u:hunter2pass@h.example/">x</a>'
    shown = redact(html)
    assert "QQ123456C" not in shown and 'value="[REDACTED]"' in shown
    assert "hunter2pass" not in shown


def _walk(*selectors: str) -> list[dict[str, str]]:
    return [{"selector": s} for s in selectors]


def test_a_trap_is_focus_coming_back_or_stuck_not_a_page_longer_than_the_walk() -> None:
    assert _cycle(_walk("#a", "#b", "#c", "#b"), kept_moving=True) == ["#b", "#c"]
    assert _cycle(_walk("#a", "#q"), kept_moving=False) == ["#q"]  # Tab stopped moving focus
    assert _cycle(_walk(*(f"#l{k}" for k in range(600))), kept_moving=True) is None
