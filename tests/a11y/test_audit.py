"""The audit on real pages in Chromium: each barrier page is flagged for its barrier, clean pages
(a GOV.UK-style form among them) give no finding at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lockgate.a11y.audit import Interaction, Settings, audit
from lockgate.a11y.engines import AXE, HTMLCS
from lockgate.a11y.interface import Impact, Issue, Outcome, Standard
from lockgate.errors import LockgateError
from lockgate.model import Status
from lockgate.stages.accessibility import AccessibilityStage
from tests.a11y.server import PAGES, serve
from tests.testing.harness import make_context

pytestmark = pytest.mark.slow

# page -> the (criterion, rule) pairs it must be flagged for, and nothing else
BARRIERS: dict[str, set[tuple[str, str]]] = {
    "missing-alt.html": {("1.1.1", "image-alt")},
    "no-label.html": {("4.1.2", "label"), ("1.3.1", "Principle1.Guideline1_3.1_3_1.F68")},
    "low-contrast.html": {("1.4.3", "color-contrast")},
    "no-lang.html": {("3.1.1", "html-has-lang")},
    "no-title.html": {("2.4.2", "document-title")},
    "focus-trap.html": {("2.1.2", "focus-trap")},
    "focus-invisible.html": {("2.4.7", "focus-visible")},
    "mouse-only.html": {("2.1.1", "keyboard-unreachable")},
    "reflow.html": {("1.4.10", "reflow")},
    "vague-link.html": {("2.4.4", "link-text")},
    "heading-order.html": {("1.3.1", "heading-order")},
    "no-main.html": {("1.3.1", "main-landmark")},
    "no-skip-link.html": {("2.4.1", "skip-link")},
    "autoplay.html": {("2.2.2", "autoplay")},
    "sensory.html": {("1.3.3", "sensory-instructions")},
    "error-not-linked.html": {("1.3.1", "error-not-linked"), ("3.3.1", "error-not-linked")},
    "text-spacing.html": {("1.4.12", "text-spacing")},
    "resize-text.html": {("1.4.4", "resize-text")},
    "resize-text-overlap.html": {("1.4.4", "resize-text")},
    "abbreviation.html": {("3.1.4", "abbreviation")},
    "moving-content.html": {("2.2.2", "moving-content")},
    "focus-order.html": {("2.4.3", "focus-order")},
}
CLEAN = (
    "clean.html",
    "govuk-form.html",
    "clean-patterns.html",
    "form-errors.html",
    "clean-errors.html",
    "clean-content.html",
)


@pytest.fixture(scope="module")
def outcome() -> Iterator[Outcome]:
    """One audit of every fixture page, in one browser."""
    pages = sorted(p.name for p in PAGES.glob("*.html"))
    assert set(BARRIERS) | set(CLEAN) == set(pages), "every fixture page is in a table"
    with serve() as base:
        yield audit(
            Settings(url=base + pages[0], paths=tuple(pages[1:]), crawl=False, max_pages=50)
        )


def _on(outcome: Outcome, page: str) -> list[Issue]:
    return [i for i in outcome.issues if i.page.endswith("/" + page)]


def test_every_page_was_checked(outcome: Outcome) -> None:
    assert outcome.skipped == ()
    assert len(outcome.pages) == len(BARRIERS) + len(CLEAN)


@pytest.mark.parametrize("page", sorted(BARRIERS))
def test_barrier_is_flagged_with_its_criterion_and_nothing_else(
    outcome: Outcome, page: str
) -> None:
    found = {(c, i.rule_id) for i in _on(outcome, page) for c in i.criteria}
    assert found == BARRIERS[page], [(i.rule_id, i.criteria, i.message) for i in _on(outcome, page)]


@pytest.mark.parametrize("page", CLEAN)
def test_clean_page_gives_no_finding(outcome: Outcome, page: str) -> None:
    assert _on(outcome, page) == []


def test_both_engines_flag_one_barrier_once(outcome: Outcome) -> None:
    (image,) = _on(outcome, "missing-alt.html")
    assert image.engines == (AXE, HTMLCS)
    assert image.impact is Impact.CRITICAL
    assert image.selector == "html > body > main > img"
    assert image.snippet.startswith("<img ")
    assert image.help_url.startswith("https://")


def test_focus_trap_names_the_trapping_field(outcome: Outcome) -> None:
    (trap,) = _on(outcome, "focus-trap.html")
    assert trap.selector == "#q" and trap.impact is Impact.CRITICAL


def test_reflow_names_the_wide_element(outcome: Outcome) -> None:
    (wide,) = _on(outcome, "reflow.html")
    assert wide.selector == "html > body > main > div"
    assert "320 CSS px" in wide.message


def test_crawl_follows_same_origin_links_up_to_max_pages() -> None:
    with serve() as base:
        out = audit(
            Settings(url=base + "clean.html", max_pages=3, engines=("checks",), screenshots=None)
        )
    # clean.html links to /services, /contact and /guidance (404 here: not checked, named)
    assert out.pages == (base + "clean.html",)
    assert [s.url for s in out.skipped] == [base + "services", base + "contact"]
    assert all(s.reason == "answered HTTP 404" for s in out.skipped)


def test_wcag2a_leaves_out_level_aa_checks() -> None:
    with serve() as base:
        out = audit(
            Settings(
                url=base + "reflow.html",
                paths=("focus-invisible.html",),
                crawl=False,
                standard=Standard.WCAG2A,
            )
        )
    assert out.issues == ()  # reflow (1.4.10) and focus visible (2.4.7) are level AA


def test_crawl_reads_the_sitemap_on_this_origin_only() -> None:
    with serve(sitemap=["/govuk-form.html", "https://www.gov.uk/elsewhere"]) as base:
        out = audit(Settings(url=base + "missing-alt.html", max_pages=2, engines=("checks",)))
    assert out.pages == (base + "missing-alt.html", base + "govuk-form.html")


def test_a_document_the_crawl_reaches_is_not_a_page_left_unchecked() -> None:
    with serve(sitemap=["/status.json"]) as base:
        out = audit(Settings(url=base + "missing-alt.html", max_pages=3, engines=("checks",)))
    assert out.pages == (base + "missing-alt.html",)
    assert out.skipped == ()


def test_a_page_that_is_not_html_is_not_checked() -> None:
    with serve() as base:
        out = audit(Settings(url=base + "status.json", crawl=False))
    assert out.pages == () and out.issues == ()
    assert [s.reason for s in out.skipped] == ["is not an HTML page (application/json)"]


def test_interactions_check_the_state_after_a_click() -> None:
    action = Interaction("/form-errors.html", "#continue")
    with serve() as base:
        before = audit(Settings(url=base + "form-errors.html", crawl=False))
        after = audit(Settings(url=base + "form-errors.html", crawl=False, interactions=(action,)))
        missing = audit(
            Settings(
                url=base + "form-errors.html",
                crawl=False,
                page_timeout=2.0,
                interactions=(Interaction("/form-errors.html", "#no-such-button"),),
            )
        )
    assert before.issues == ()
    (contrast,) = after.issues
    assert contrast.rule_id == "color-contrast" and contrast.selector == "#summary > p"
    assert contrast.message.startswith("After clicking #continue: ")
    assert missing.pages == (base + "form-errors.html",)
    (skip,) = missing.skipped
    assert skip.url.endswith("after clicking #no-such-button")
    assert skip.reason.startswith("the action failed")


def test_resize_text_names_the_box_that_cuts_off_and_the_text_overlapped(outcome: Outcome) -> None:
    (cut,) = _on(outcome, "resize-text.html")
    assert cut.selector == "html > body > main > div" and "200 %" in cut.message
    assert cut.snippet == '<div class="deadline">Renew by 1 June.</div>'  # the page as it was
    (over,) = _on(outcome, "resize-text-overlap.html")
    assert over.selector == "html > body > main > div"
    assert "overlaps other text (html > body > main > p)" in over.message


def test_pages_in_parallel_tabs_give_what_one_tab_gives() -> None:
    pages = sorted(p.name for p in PAGES.glob("*.html"))
    with serve(sitemap=["/" + p for p in pages]) as base:
        one, four = (
            audit(Settings(url=base + "clean.html", max_pages=8, tabs=tabs, screenshots=None))
            for tabs in (1, 4)
        )
    # the URL, then the sitemap in its order (the URL itself not again), up to max_pages
    expected = ["clean.html", *(p for p in pages if p != "clean.html")][:8]
    assert one.pages == four.pages == tuple(base + p for p in expected)
    assert [(i.page, i.rule_id, i.selector) for i in one.issues] == [
        (i.page, i.rule_id, i.selector) for i in four.issues
    ]
    assert one.skipped == four.skipped


def test_pages_are_checked_at_once_in_their_tabs() -> None:
    with serve(meet=3) as base:  # each /meet/ page answers only when three wait at once
        out = audit(
            Settings(
                url=base + "meet/1",
                paths=("/meet/2", "/meet/3"),
                crawl=False,
                tabs=3,
                page_timeout=60,
            )
        )
    assert out.pages == (base + "meet/1", base + "meet/2", base + "meet/3")
    assert out.issues == () and out.skipped == ()


def test_a_chromium_that_is_missing_or_does_not_start_is_an_error_naming_the_fix(
    tmp_path: Path,
) -> None:
    with serve() as base:
        with pytest.raises(LockgateError, match="no Chromium at") as missing:
            audit(Settings(url=base + "clean.html", browser=str(tmp_path / "chromium")))
        with pytest.raises(LockgateError, match="did not start") as broken:
            audit(Settings(url=base + "clean.html", browser="/bin/false"))
    assert "apt-get install chromium" in str(missing.value)
    assert broken.value.hint is not None and "apt-get install chromium" in broken.value.hint


def test_a_site_where_nothing_can_be_checked_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with serve() as base:  # the URL answers 404 and the crawl finds nothing else
        ctx = make_context(AccessibilityStage, tmp_path, tmp_path / "art", url=base + "nothing/")
        result = AccessibilityStage().run(ctx)
    assert result.status is Status.ERROR and result.findings == ()
    assert "no page could be checked" in result.summary and "answered HTTP 404" in result.summary
    assert f"is running at {base}nothing/" in result.summary
    assert [u.what for u in result.unchecked] == [base + "nothing/"]
