"""build stage: lint the Containerfile, build the service's image (Podman or Docker), record its digest."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar

from lockgate.config.options import Option
from lockgate.deploy import containerfile, engine
from lockgate.deploy.image import BuildRequest, BuiltImage, build_image
from lockgate.errors import LockgateError
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status, fingerprint
from lockgate.stages.interface import Input, StageContext, StageKind


class BuildStage:
    """Waits for every static stage (the graph derives that from `consumes` and `provides`)."""

    name: ClassVar[str] = "build"
    description: ClassVar[str] = (
        "Container image (Podman or Docker) from the Containerfile or a stack template; lints it"
    )
    kind: ClassVar[StageKind] = StageKind.DELIVERY
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = Input.IMAGE
    needs: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = (
        Option("version", "str", "", "Extra image tag and org.opencontainers.image.version."),
    )

    def __init__(self) -> None:
        self._engine: engine.Engine | None = None

    def available(self, ctx: StageContext) -> str | None:
        try:
            self._engine = engine.detect(ctx.container.engine)
        except LockgateError as exc:
            return f"{exc.message}; {exc.hint}"
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        return None  # the engine caches layers; the image itself must exist every time

    def run(self, ctx: StageContext) -> StageResult:
        start = time.monotonic()
        container = ctx.container
        req = BuildRequest(
            project=ctx.project,
            service=ctx.service or ctx.project.name,
            out_dir=ctx.artifacts,
            container=container.as_mapping(),
            health_path=ctx.deploy.health_path,
            commit=ctx.git.commit,
            version=str(ctx.options["version"]) or None,
        )
        findings: list[Finding] = []
        tool = ""
        try:
            src = containerfile.find_or_generate(
                ctx.project,
                ctx.artifacts,
                file=container.file,
                base_image=container.base_image,
                port=container.port,
                health_path=req.health_path,
            )
            if container.lint:
                findings, tool = _lint(ctx, src.path)
            built = build_image(req, self._engine)
        except LockgateError as exc:
            summary = exc.message + (f" (fix: {exc.hint})" if exc.hint else "")
            where = f"{exc.where}: " if exc.where else ""
            return StageResult(
                self.name,
                Status.ERROR,
                tuple(findings),
                duration=time.monotonic() - start,
                summary=where + summary,
            )
        artifact = _write_artifact(ctx.artifacts, built)
        versions = (("engine", built.engine),) + ((("linter", tool),) if container.lint else ())
        return StageResult(
            self.name,
            Status.PASSED,
            tuple(findings),
            metrics=(
                Metric("image_size", built.size, "bytes"),
                Metric("build_time", round(built.seconds, 2), "s"),
            ),
            artifacts=(str(artifact), str(ctx.artifacts / "build.log")),
            duration=time.monotonic() - start,
            tool_versions=versions,
            summary=f"built {built.ref} ({built.digest[:19]}, {built.size / 1e6:.0f} MB)"
            + (
                f" from a generated {built.source.stack} Containerfile"
                if built.source.generated
                else ""
            ),
        )


def _lint(ctx: StageContext, path: Path) -> tuple[list[Finding], str]:
    items, tool = containerfile.lint(path)
    try:
        rel = path.resolve().relative_to(ctx.project.resolve()).as_posix()
    except ValueError:
        rel = path.name  # a generated Containerfile, under the artifacts
    return [
        Finding(
            stage="build",
            tool=i.tool,
            rule_id=i.rule,
            message=i.message,
            severity=Severity(i.severity),
            fingerprint=fingerprint(i.rule, rel, i.snippet),
            location=Location(rel, i.line),
            help_uri=f"https://github.com/hadolint/hadolint/wiki/{i.rule}"
            if i.tool == "hadolint"
            else None,
        )
        for i in items
    ], tool


def _write_artifact(out: Path, built: BuiltImage) -> Path:
    data: Mapping[str, Any] = {
        **{k: v for k, v in asdict(built).items() if k != "source"},
        "containerfile": str(built.source.path),
        "generated": built.source.generated,
        "stack": built.source.stack,
    }
    path = out / "image.json"
    path.write_text(json.dumps(data, indent=2))
    return path
