"""Portability stage (warn-only by default): what would make the service hard to move to another
cloud, as findings with the portable alternative, plus the score as a metric."""

from __future__ import annotations

import datetime
import hashlib
from typing import ClassVar

from lockgate.config.options import Option
from lockgate.model import Finding, Location, Metric, Severity, StageResult, Status
from lockgate.stages.interface import Input, StageContext, StageKind

STAGE = "portability"


class PortabilityStage:
    name: ClassVar[str] = STAGE
    description: ClassVar[str] = (
        "How portable the service is between clouds: container, configuration from the "
        "environment, state outside the container, cloud-specific Terraform resources and SDKs "
        "(warn-only by default)"
    )
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = (
        # warn-only: its findings are low or medium, so the gate fails only if a team lowers this
        Option("fail_on", "str", "critical", "Lowest severity that fails the gate."),
    )

    def available(self, ctx: StageContext) -> str | None:
        return None

    def cache_key(self, ctx: StageContext) -> str | None:
        return None  # it reads [[portability.exception]] outside its own section: never cached

    def run(self, ctx: StageContext) -> StageResult:
        return check(ctx, datetime.date.today())


def check(ctx: StageContext, today: datetime.date) -> StageResult:
    from lockgate.config.loader import load_config
    from lockgate.portability import register
    from lockgate.portability.scan import assess

    config = load_config(ctx.project)
    entries = config.sections.get("portability", {}).get("exception", ())
    exceptions = register.read(entries, config.where)
    excepted = frozenset(e.match for e in exceptions if not e.overdue(today))
    result = assess(ctx.project, ctx.service)
    findings = [
        _finding(
            f"cloud-{i.kind}",
            f"{i.provider} {i.kind} {i.name}: portable alternative: {i.alternative}",
            Severity.LOW,
            i.path,
            i.line,
        )
        for i in result.items
        if i.name not in excepted
    ]
    for reason, lost in result.deductions(excepted).items():
        if lost and not reason.startswith("cloud-specific"):
            findings.append(_finding(reason.replace(" ", "-"), reason, Severity.LOW, None, None))
    for e in exceptions:
        if e.overdue(today):
            path, _, line = e.where.rpartition(":")
            at = (path, int(line)) if line.isdigit() else (e.where, None)
            message = register.overdue([e], today)[0].split(": ", 1)[1]
            findings.append(_finding("exception-overdue", message, Severity.MEDIUM, *at))
    score = result.score(excepted)
    return StageResult(
        stage=STAGE,
        status=Status.WARNED if findings else Status.PASSED,
        findings=tuple(findings),
        metrics=(Metric("portability_score", float(score), "points"),),
        summary=f"portability score {score}/100",
        unchecked=result.unchecked,
    )


def _finding(
    rule: str, message: str, severity: Severity, path: str | None, line: int | None
) -> Finding:
    digest = hashlib.sha256(f"{rule}|{message}|{path}".encode()).hexdigest()[:32]
    location = Location(path, line) if path else None
    return Finding(STAGE, "lockgate", rule, message, severity, digest, location=location)
