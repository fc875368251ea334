"""report.html: self-contained, script-free, accessible (structure, contrast) and escaped."""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from lockgate.model import Run
from lockgate.reports import render

AA_TEXT = 4.5


@dataclass
class Page(HTMLParser):
    """What a test needs to know about a page: every tag with its attributes, text per tag."""

    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    style: str = ""
    title: str = ""
    _stack: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "style":
            self.style += data
        elif self._stack and self._stack[-1] == "title":
            self.title += data

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def page(run: Run) -> Page:
    parsed = Page()
    parsed.feed(render(run, "html"))
    parsed.close()
    return parsed


# --- contrast (WCAG 2.x relative luminance) ---------------------------------------------------


def luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colour_pairs(css: str) -> list[tuple[str, str, str]]:
    """(selector, color, background) for every rule that sets a text colour."""
    body = re.search(r"(?:^|\n)body\s*\{([^}]*)\}", css)
    assert body, "the stylesheet sets the body colours"
    default_bg = re.search(r"background-color:\s*(#[0-9a-fA-F]{3,6})", body[1])
    assert default_bg
    pairs = []
    for selector, decls in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", decls)
        if colour:
            bg = re.search(r"background-color:\s*(#[0-9a-fA-F]{3,6})", decls)
            pairs.append((selector.strip(), colour[1], bg[1] if bg else default_bg[1]))
    return pairs


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#777777", "#ffffff", 4.48), ("#ffffff", "#ffffff", 1.0)],
)
def test_contrast_formula(a: str, b: str, ratio: float) -> None:
    assert contrast(a, b) == pytest.approx(ratio, abs=0.01)


def test_contrast_check_fails_on_a_weak_pair() -> None:
    css = "body { color: #1f2328; background-color: #ffffff; }\n.weak { color: #777777; }"
    weak = [p for p in colour_pairs(css) if contrast(p[1], p[2]) < AA_TEXT]
    assert [p[0] for p in weak] == [".weak"]


def test_every_colour_pair_we_ship_meets_wcag_aa(sample_run: Run) -> None:
    css = page(sample_run).style
    pairs = colour_pairs(css)
    assert len(pairs) >= 12  # body, links, muted, code, every status and state badge
    weak = [
        (s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs if contrast(fg, bg) < AA_TEXT
    ]
    assert weak == []
    declared = set(re.findall(r"\.(s-\w+|f-\w+)\s*\{", css))
    used = set(re.findall(r'class="badge ((?:s|f)-\w+)"', render(sample_run, "html")))
    assert used <= declared  # no badge class falls back to unchecked colours


# --- self-contained, no script ----------------------------------------------------------------


def test_self_contained_and_script_free(sample_run: Run) -> None:
    parsed = page(sample_run)
    names = {name for name, _ in parsed.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "video", "audio"}
    for name, attrs in parsed.tags:
        assert "src" not in attrs, name
        assert not [a for a in attrs if a.startswith("on")], name
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href  # in-page links only
    assert "url(" not in parsed.style and "@import" not in parsed.style


def test_content_security_policy_allows_only_our_stylesheet(sample_run: Run) -> None:
    parsed = page(sample_run)
    csp = next(
        a["content"]
        for a in parsed.named("meta")
        if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(parsed.style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp  # the hash matches the <style> we ship


# --- accessible structure ---------------------------------------------------------------------


def test_landmarks_title_language_and_skip_link(sample_run: Run) -> None:
    parsed = page(sample_run)
    assert parsed.named("html") == [{"lang": "en"}]
    assert parsed.title == (
        "lockgate failed (31 items not checked): parcel-service (run run-20260314-0926)"
    )
    names = [name for name, _ in parsed.tags]
    for landmark in ("header", "nav", "main", "footer"):
        assert names.count(landmark) == 1, landmark
    first_link = parsed.named("a")[0]
    assert first_link == {"class": "skip", "href": "#main"}
    assert parsed.named("main")[0]["id"] == "main"
    ids = {attrs["id"] for _, attrs in parsed.tags if attrs.get("id")}
    targets = {(a.get("href") or "#")[1:] for a in parsed.named("a")}
    assert targets <= ids  # every in-page link lands somewhere


def test_headings_in_order(sample_run: Run) -> None:
    levels = page(sample_run).headings
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_tables_have_captions_and_scoped_headers(sample_run: Run) -> None:
    html = render(sample_run, "html")
    tables = re.findall(r"<table>(.*?)</table>", html, re.S)
    assert len(tables) >= 6
    for table in tables:
        assert re.match(r'<caption id="[a-z0-9-]+">', table.lstrip())
        headers = re.findall(r"<th\b[^>]*>", table)
        assert headers and all(re.search(r'scope="(col|row)"', h) for h in headers)


def test_status_is_written_not_only_coloured(sample_run: Run) -> None:
    html = render(sample_run, "html")
    for status in ("PASSED", "FAILED", "WARNED", "SKIPPED", "ERROR"):
        assert re.search(rf'class="badge s-\w+">.*?{status}</span>', html), status
    assert ">Suppressed</span><br>test helper; expires 2026-06-30" in html
    assert ">Known (baseline)</span><br>in the baseline .lockgate/baseline.json" in html
    assert ">Below threshold</span>" in html


def test_findings_metrics_tests_and_artifacts_are_shown(sample_run: Run) -> None:
    html = render(sample_run, "html")
    assert "<code>src/app/run.py:20</code>" in html
    assert "http://127.0.0.1:8080/ img.logo" in html
    assert '<th scope="row">coverage</th><td>87.5</td><td>%</td>' in html
    assert "4 tests: 1 failed, 2 passed, 1 skipped." in html
    assert "tests.test_app::test_total" in html and "test_home" not in html
    assert "<code>test/junit.xml</code>" in html


# --- hostile strings --------------------------------------------------------------------------


def test_hostile_strings_are_escaped_everywhere(hostile_run: Run) -> None:
    html = render(hostile_run, "html")
    assert "<script>" not in html and "<img" not in html
    assert "onerror=alert(2)>" not in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    )
    assert "\x00" not in html and "\x1b" not in html and "\ud800" not in html
    parsed = page(hostile_run)
    names = {name for name, _ in parsed.tags}
    assert "script" not in names and "img" not in names
    for _, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")]
        assert attrs.get("id") is None or re.fullmatch(r"[a-z0-9-]+", attrs["id"] or "")
    assert parsed.title.startswith(
        'lockgate failed (6 items not checked): <script>alert(1)</script> "><img'
    )
