"""The `docs` stage: a static, self-contained, offline documentation site built on every run.

From the README, the Python code (static analysis, nothing imported), the OpenAPI document, the
Terraform modules, lockgate's own pipeline config and the ADRs; lockgate.docsite builds it. What
the code has and the docs lack (no description) is reported, and fails the gate with
`require_descriptions`. With `publish`, the deploy stage serves it under /docs/ beside the
service (it needs this stage, so reads the result: `published_site`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from lockgate import fsutil
from lockgate.config.options import Option
from lockgate.docsite.interface import Gap, GapKind, Source
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, Unchecked
from lockgate.model import fingerprint as make_fingerprint
from lockgate.stages.interface import Input, StageContext, StageKind

if TYPE_CHECKING:  # the site builder loads when the stage runs: loading stages stays cheap
    from lockgate.docsite.build import Site

_WHAT = {
    GapKind.MODULE: "has no module docstring",
    GapKind.ENDPOINT: "has no summary or description in the OpenAPI document",
    GapKind.VARIABLE: "has no description",
    GapKind.OUTPUT: "has no description",
}
PUBLISHED = "published/index.html"  # the site as served by a deploy: no link to the run's report


class DocsStage:
    name: ClassVar[str] = "docs"
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "Documentation site built from the code (README, Python API, HTTP API, Terraform,"
        " pipeline, ADRs); flags what has no description"
    )
    options: ClassVar[tuple[Option, ...]] = (
        Option(
            "require_descriptions",
            "bool",
            False,
            "Fail the gate on public modules, HTTP endpoints and Terraform variables and outputs"
            " with no description (false: they are listed as info findings)",
        ),
        Option(
            "openapi",
            "str",
            "",
            "The OpenAPI document (JSON or YAML); empty: openapi.json/.yaml at the top, in docs/ or api/",
        ),
        Option(
            "python_paths",
            "list[str]",
            [],
            "Python packages to document (folders); empty: the top-level packages (src/ layout too), tests left out",
        ),
        Option(
            "terraform_paths",
            "list[str]",
            [],
            "Terraform module folders to document; empty: every folder with .tf files",
        ),
        Option(
            "adr_dir", "str", "docs/adr", "Folder of the architecture decision records (Markdown)"
        ),
        Option("title", "str", "", "Title of the site; empty: the service name"),
        Option(
            "publish",
            "bool",
            False,
            "Serve the site beside the service: the deploy stage of the same run publishes it"
            " under /docs/ of the environment it deploys to (container target).",
        ),
    )

    def available(self, ctx: StageContext) -> str | None:
        return None  # a missing parser leaves its part unchecked (run says so)

    def cache_key(self, ctx: StageContext) -> str | None:
        return None  # the site is an artifact of every run

    def run(self, ctx: StageContext) -> StageResult:
        start = time.monotonic()
        out = ctx.artifacts / "site"
        source = Source(
            root=ctx.project,
            files=tuple(fsutil.project_files(ctx.project)),
            options=ctx.options,
            service=ctx.service,
            report_link=_report_link(ctx, out),
        )
        publish = bool(ctx.options["publish"])
        published = ctx.artifacts / PurePosixPath(PUBLISHED).parent if publish else None
        from lockgate.docsite.build import build

        site = build(source, out, ctx.options["title"] or ctx.service, published)
        severity = Severity.LOW if ctx.options["require_descriptions"] else Severity.INFO
        findings = tuple(_finding(self.name, gap, severity) for gap in site.gaps)
        unchecked = tuple(Unchecked(what=u.what, reason=u.reason, fix=u.fix) for u in site.unread)
        if publish and "deploy" not in ctx.enabled_stages:
            unchecked += (_NOT_SERVED,)
        return StageResult(
            stage=self.name,
            status=Status.WARNED if unchecked else Status.PASSED,
            findings=findings,
            metrics=_metrics(site),
            artifacts=(str(site.index.relative_to(ctx.artifacts)),)
            + ((PUBLISHED,) if publish else ()),
            duration=time.monotonic() - start,
            summary=_summary(site)
            + ("; published/ for the deploy stage to serve under /docs/" if publish else ""),
            unchecked=unchecked,
        )


_NOT_SERVED = Unchecked(
    what="docs site publishing",
    reason="publish = true, but the deploy stage is not enabled: nothing serves the site",
    fix="enable [stages.deploy], or set [stages.docs] publish = false",
)


def published_site(docs: StageResult, artifacts: Path) -> Path | None:
    """The folder a docs result asks the deploy stage to serve (`publish = true`), or None.

    `artifacts` is the run's artifact folder (the parent of every stage's own folder)."""
    if PUBLISHED not in docs.artifacts:
        return None
    return artifacts / docs.stage / PurePosixPath(PUBLISHED).parent


def _metrics(site: Site) -> tuple[Metric, ...]:
    counts = [Metric(k.replace(" ", "_"), v, "items") for k, v in sorted(site.items.items())]
    return (*counts, Metric("missing_descriptions", len(site.gaps), "items"))


def _summary(site: Site) -> str:
    counts = ", ".join(f"{n} {k}" for k, n in site.items.items())
    text = f"site of {counts} (site/index.html); {len(site.gaps)} item(s) with no description"
    return text + "".join(f"; not checked: {u.what}: {u.reason}" for u in site.unread)


def _report_link(ctx: StageContext, site: os.PathLike[str]) -> str | None:
    """This run's report.html, relative to the site (the engine keeps artifacts beside it)."""
    if ctx.artifacts.parent.name != "artifacts":
        return None
    return os.path.relpath(ctx.artifacts.parent.parent / "report.html", site)


def _finding(stage: str, gap: Gap, severity: Severity) -> Finding:
    rule = f"docs-missing-{gap.kind.value}-description"
    return Finding(
        stage=stage,
        tool="lockgate-docs",
        rule_id=rule,
        message=f"{gap.what} {_WHAT[gap.kind]}: the docs site shows it without one",
        severity=severity,
        fingerprint=make_fingerprint(rule, gap.path, gap.what),
        location=Location(gap.path, gap.line),
        tags=("docs",),
    )
