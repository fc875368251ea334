"""summary.md, read back with a CommonMark parser (+ GFM tables): structure and hostile strings."""

from __future__ import annotations

from dataclasses import replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from lockgate.model import FindingState, Run, Severity, StageResult, Status
from lockgate.reports import render

from .sample_runs import finding


def tokens(text: str) -> list[Token]:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    flat: list[Token] = []
    for token in parser.parse(text):
        flat.append(token)
        flat.extend(token.children or ())
    return flat


def tables(text: str) -> list[list[list[str]]]:
    """Each table as rows of cell texts (as a reader sees them: escapes and entities decoded)."""
    out: list[list[list[str]]] = []
    row: list[str] = []
    toks = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    for i, tok in enumerate(toks):
        if tok.type == "table_open":
            out.append([])
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open"):
            row.append("".join(c.content for c in toks[i + 1].children or () if c.type == "text"))
        elif tok.type == "tr_close":
            out[-1].append(row)
    return out


def test_status_line_stage_table_and_top_findings(sample_run: Run) -> None:
    text = render(sample_run, "md")
    assert text.startswith("## ❌ lockgate FAILED (31 items not checked): parcel-service\n")
    stages, top = tables(text)
    assert stages[0] == [
        "Stage",
        "Status",
        "Findings (open / total)",
        "Not checked",
        "Duration",
        "Cached",
    ]
    assert stages[1] == ["lint", "❌ failed", "1 / 3", "0", "1.2 s", "yes"]
    assert stages[4] == ["test", "❌ failed", "2 / 2", "0", "1 min 05 s", "no"]
    assert stages[6] == ["deps", "⚠️ warned", "0 / 0", "31", "0.8 s", "no"]
    assert [r[0] for r in stages[1:]] == [r.stage for r in sample_run.results]
    assert [r[2] for r in top[1:]] == ["B602", "test-failure", "coverage-floor", "F401"]
    assert top[4][3] == "src/app/main.py:3"
    assert top[3][3] == "-"
    assert "1 known (in baseline), 1 suppressed, 2 below threshold" in text


def test_only_the_top_ten_open_findings(sample_run: Run) -> None:
    many = [
        finding("lint", "ruff", f"R{i:02d}", f"m{i}", Severity.LOW, path="a.py", line=i + 1)
        for i in range(15)
    ]
    many.append(finding("lint", "ruff", "S1", "s", Severity.HIGH, state=FindingState.SUPPRESSED))
    run = replace(sample_run, results=(StageResult("lint", Status.FAILED, findings=tuple(many)),))
    text = render(run, "md")
    top = tables(text)[1]
    assert len(top) == 11
    assert "S1" not in [row[2] for row in top]
    assert "Top open findings (10 of 15)" in text
    assert "…and 5 more" in text


def test_a_clean_run(sample_run: Run) -> None:
    clean = StageResult("lint", Status.PASSED, duration=0.5)
    run = replace(sample_run, status=sample_run.status.PASSED, results=(clean,))
    text = render(run, "md")
    assert text.startswith("## ✅ lockgate PASSED")
    assert "No open findings." in text


def test_hostile_strings_cannot_break_out(hostile_run: Run) -> None:
    text = render(hostile_run, "md")
    toks = tokens(text)
    assert not [t for t in toks if t.type.startswith("html")], "raw HTML reached the Markdown"
    assert not [t for t in toks if t.type in ("link_open", "image", "code_inline", "s_open")]
    assert len([t for t in toks if t.type == "strong_open"]) == 1  # only our own "**stage**" note
    assert [t.tag for t in toks if t.type == "heading_open"] == ["h2", "h3", "h3"]
    stages, top = tables(text)
    assert all(len(row) == 6 for row in stages)  # no injected `|` made extra cells
    assert all(len(row) == 5 for row in top)
    assert "<script>" in top[1][4]  # shown as text (the parser unescapes the entities)
    assert "@\u200bocto-org/team" in text  # no @mention ping
    assert "\x1b" not in text and "\x00" not in text
