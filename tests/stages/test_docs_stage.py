"""The docs stage: the example service's site has every endpoint and variable; the gate; bad input."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lockgate.docsite.html import esc
from lockgate.model import Severity, Status
from lockgate.naming import hcl
from lockgate.stages.docs import DocsStage
from tests.testing.harness import EXAMPLES, copy_project, make_context

EXAMPLE = EXAMPLES / "tenancy-api"


def run(root: Path, tmp_path: Path, **options: object):  # type: ignore[no-untyped-def]
    ctx = make_context(DocsStage, root, tmp_path / "artifacts", **options)
    result = DocsStage().run(ctx)
    assert result.artifacts == ("site/index.html",)  # relative to the stage's artifact folder
    return result


def site(tmp_path: Path) -> Path:
    return tmp_path / "artifacts" / "site"


def site_text(tmp_path: Path) -> str:
    folder = site(tmp_path)
    return "".join(p.read_text() for p in sorted(folder.glob("*.html")))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]


def test_example_site_has_every_endpoint_and_terraform_variable(tmp_path: Path) -> None:
    root = copy_project(EXAMPLE, tmp_path / "tenancy-api")
    result = run(root, tmp_path)
    assert result.status is Status.PASSED, result.summary
    text = site_text(tmp_path)
    doc = json.loads((EXAMPLE / "openapi.json").read_text())
    for path, ops in doc["paths"].items():
        for method in ops:
            assert f'<span class="method">{method}</span> <code>{esc(path)}</code>' in text
    variables = [
        b.labels[0]
        for tf in sorted((EXAMPLE / "terraform").glob("*.tf"))
        for b in hcl.parse(tf.read_text())
        if b.type == "variable"
    ]
    assert len(variables) >= 10
    for name in variables:
        assert f"<code>{name}</code>" in text, name
    assert "Tenancy API" in text and "tenancy-api" in text  # README and pipeline


def test_site_is_self_contained(tmp_path: Path) -> None:
    run(copy_project(EXAMPLE, tmp_path / "tenancy-api"), tmp_path)
    folder = site(tmp_path)
    for page in folder.glob("*.html"):
        parser = _Links()
        parser.feed(page.read_text())
        for url in parser.urls:
            assert not re.match(r"[a-z]+:", url) or url.startswith(
                ("https://", "http://", "mailto:")
            ), url
            if not re.match(r"[a-z]+:|#", url):
                assert (folder / url.split("#")[0]).exists(), (page.name, url)
        assert "<script" not in page.read_text() and 'rel="stylesheet"' not in page.read_text()


@pytest.mark.parametrize(("require", "severity"), [(False, Severity.INFO), (True, Severity.LOW)])
def test_missing_descriptions_gate(tmp_path: Path, require: bool, severity: Severity) -> None:
    root = tmp_path / "svc"
    (root / "infra").mkdir(parents=True)
    (root / "infra" / "main.tf").write_text('variable "region" {\n  type = string\n}\n')
    result = run(root, tmp_path, require_descriptions=require)
    [finding] = result.findings
    assert finding.rule_id == "docs-missing-terraform-variable-description"
    assert finding.where == "infra/main.tf:1" and finding.severity is severity


@pytest.mark.parametrize(
    ("files", "what"),
    [
        ({"openapi.json": "{broken"}, "openapi.json"),
        ({"main.tf": 'variable "x" {\n'}, "main.tf:"),
        ({"pkg/__init__.py": "def (:\n"}, "pkg/__init__.py"),
    ],
)
def test_unreadable_inputs_leave_the_stage_warned(
    tmp_path: Path, files: dict[str, str], what: str
) -> None:
    root = tmp_path / "svc"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    result = run(root, tmp_path)
    assert result.status is Status.WARNED
    assert result.unchecked[0].what.startswith(what) and result.unchecked[0].fix
    assert (site(tmp_path) / "index.html").exists()  # the rest of the site is still built


def test_run_only_docs_writes_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lockgate.cli.main import main

    root = copy_project(EXAMPLE, tmp_path / "tenancy-api")
    assert main(["run", str(root), "--only", "docs"]) == 0
    [index] = (root / ".lockgate" / "reports").glob("*/artifacts/docs/site/index.html")
    assert 'href="../../../report.html"' in index.read_text()
    report = (index.parents[3] / "report.html").read_text()
    assert '<a href="artifacts/docs/site/index.html">' in report  # and the report links to it


@pytest.mark.slow
def test_site_passes_lockgates_accessibility_stage(tmp_path: Path) -> None:
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from lockgate.stages.accessibility import AccessibilityStage

    root = copy_project(EXAMPLE, tmp_path / "tenancy-api")
    adr = root / "docs" / "adr" / "0001-record-decisions.md"  # the example has none: every kind
    adr.parent.mkdir(parents=True)
    adr.write_text(
        "# 1. Record architecture decisions\n\nStatus: Accepted\n\n## Context\n\n"
        "We need to record the decisions made on this service.\n\n## Decision\n\n"
        "- use *ADRs*\n- keep them in `docs/adr`\n\n| Option | Chosen |\n|---|---|\n"
        "| ADR | yes |\n\n```\nlockgate run\n```\n"
    )
    run(root, tmp_path)
    folder = site(tmp_path)
    assert (folder / "adr-0001-record-decisions.html").exists()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        ctx = make_context(AccessibilityStage, tmp_path, tmp_path / "a11y", url=url)
        stage = AccessibilityStage()
        if (why := stage.available(ctx)) is not None:
            pytest.skip(why)
        checked = stage.run(ctx)
    finally:
        server.shutdown()
        server.server_close()
    # level AA finds nothing; the AAA abbreviation hint (minor) may name cloud services' initials
    barriers = [f.message for f in checked.findings if f.rule_id != "abbreviation"]
    assert barriers == [], barriers
    assert checked.status is Status.PASSED, checked.summary
    assert "7 page(s)" in checked.summary  # the example's five, the decisions and the ADR


def test_publish_writes_the_served_copy_without_the_runs_report_link(tmp_path: Path) -> None:
    from dataclasses import replace

    from lockgate.stages.docs import published_site

    root = copy_project(EXAMPLE, tmp_path / "tenancy-api")
    runs = tmp_path / "report" / "artifacts"
    ctx = make_context(DocsStage, root, runs / "docs", publish=True)
    result = DocsStage().run(replace(ctx, enabled_stages=(*ctx.enabled_stages, "deploy")))
    assert result.status is Status.PASSED, result.summary
    assert result.artifacts == ("site/index.html", "published/index.html")
    assert "for the deploy stage to serve under /docs/" in result.summary
    served = published_site(result, runs)
    assert served == runs / "docs" / "published"
    own, copy = runs / "docs" / "site", served
    assert sorted(p.name for p in own.iterdir()) == sorted(p.name for p in copy.iterdir())
    assert 'href="../../../report.html"' in (own / "index.html").read_text()
    assert "report.html" not in (copy / "index.html").read_text()  # nothing serves it there
    assert (own / "pipeline.html").read_text() == (copy / "pipeline.html").read_text()


def test_publish_without_a_deploy_stage_is_unchecked_and_off_publishes_nothing(
    tmp_path: Path,
) -> None:
    from lockgate.stages.docs import published_site

    root = tmp_path / "svc"
    root.mkdir()
    (root / "README.md").write_text("# Svc\n")
    lonely = DocsStage().run(make_context(DocsStage, root, tmp_path / "a" / "docs", publish=True))
    assert lonely.status is Status.WARNED
    [item] = lonely.unchecked
    assert "deploy stage is not enabled" in item.reason and "publish = false" in item.fix
    off = DocsStage().run(make_context(DocsStage, root, tmp_path / "b" / "docs"))
    assert published_site(off, tmp_path / "b") is None
    assert not (tmp_path / "b" / "docs" / "published").exists()
