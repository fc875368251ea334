"""The `naming` stage: every name in the project follows the organisation's naming policy.

The policy is the project-wide [naming] section (or the shared policy file it names); the readers,
rules and suggestions live in lockgate.naming.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import fields
from typing import Any, ClassVar
from urllib.parse import urlsplit

from lockgate import fsutil
from lockgate.config.options import Option
from lockgate.model import Metric, StageResult, Status
from lockgate.stages.interface import Input, StageContext, StageKind

RULES_VERSION = "1"
_READ = re.compile(
    r"(^|/)(pyproject\.toml|package\.json|lockgate\.toml|[^/]*\.(tf|ya?ml|csproj|gemspec)"
    r"|(Containerfile|Dockerfile)[^/]*|[^/]*\.(containerfile|dockerfile)|\.env[^/]*)$",
    re.I,
)


class NamingStage:
    name: ClassVar[str] = "naming"
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = (
        "One naming convention for the repository, packages, images, Terraform, Kubernetes and"
        " settings ([naming] policy)"
    )
    options: ClassVar[tuple[Option, ...]] = ()

    def available(self, ctx: StageContext) -> str | None:
        return None  # a missing HCL parser leaves the Terraform files unchecked (run says so)

    def cache_key(self, ctx: StageContext) -> str | None:
        files = [f for f in fsutil.project_files(ctx.project) if _READ.search(f)]
        policy_file = [ctx.naming.policy] if ctx.naming.policy else []
        return fsutil.digest_text(
            fsutil.digest_files(ctx.project, files + policy_file),
            json.dumps(_settings(ctx), sort_keys=True, default=_plain),
            json.dumps(
                {n: _host(e.host, e.url) for n, e in ctx.environments.items()}, sort_keys=True
            ),
            ctx.service,
            ctx.container.repository,
            _remote(ctx),
            RULES_VERSION,
        )

    def run(self, ctx: StageContext) -> StageResult:
        # readers and rules load when the stage runs, so loading every stage (a git hook) is cheap
        from lockgate.naming import check
        from lockgate.naming import policy as naming_policy
        from lockgate.naming.interface import Source
        from lockgate.naming.rules import Context

        start = time.monotonic()
        policy = naming_policy.load(_settings(ctx), ctx.project)
        rules = Context(policy, ctx.service, tuple(ctx.environments))
        source = Source(
            root=ctx.project,
            files=tuple(fsutil.project_files(ctx.project)),
            service=ctx.service,
            image_repository=ctx.container.repository,
            environments={n: _host(e.host, e.url) for n, e in ctx.environments.items()},
        )
        outcome = check.run(self.name, source, rules)
        checked = sum(outcome.objects.values())
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(outcome.objects.items()))
        summary = f"{len(outcome.findings)} naming finding(s) over {checked} name(s) ({kinds}); policy: {policy.source}"
        summary += "".join(f"; not checked: {u.what}: {u.reason}" for u in outcome.unchecked)
        return StageResult(
            stage=self.name,
            status=Status.WARNED if outcome.unchecked else Status.PASSED,
            findings=outcome.findings,
            metrics=(
                Metric("names_checked", checked, "names"),
                Metric("files_read", outcome.files, "files"),
                Metric("names_from_expressions", outcome.computed, "names"),
            ),
            duration=time.monotonic() - start,
            tool_versions=(("lockgate-naming-rules", RULES_VERSION), *_parser_version()),
            summary=summary,
            unchecked=outcome.unchecked,
        )


def _host(host: str, url: str) -> str:
    """The environment's host name: `host`, else the host of its `url`."""
    return host or (urlsplit(url).hostname or "" if url else "")


def _settings(ctx: StageContext) -> dict[str, Any]:
    return {f.name: getattr(ctx.naming, f.name) for f in fields(ctx.naming)}


def _plain(value: object) -> object:
    return dict(value) if hasattr(value, "items") else list(value)  # type: ignore[call-overload]


def _remote(ctx: StageContext) -> str:
    from lockgate.naming.interface import Source
    from lockgate.naming.readers.repository import read

    return read(Source(ctx.project, (), ctx.service, "")).objects[0].name


def _parser_version() -> tuple[tuple[str, str], ...]:
    from lockgate.naming import hcl

    if hcl.available() is not None:
        return ()
    from importlib.metadata import version

    return (("python-hcl2", version("python-hcl2")),)
