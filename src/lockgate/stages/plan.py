"""Plan stage (off by default, on in the terraform pack): a Terraform or OpenTofu plan of each root
module, or the team's own plan command. A failing plan is a high finding, a plan that destroys
resources a medium one; each plan's output, secrets scrubbed, is an artifact.

Without terraform or tofu and without a command nothing was planned: the stage is WARNED with an
unchecked item, never passed.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from lockgate.config.options import Option, command
from lockgate.model import Finding, Metric, Severity, StageResult, Status, Unchecked
from lockgate.stages.interface import Input, StageContext, StageKind

STAGE = "plan"
BINARIES = ("terraform", "tofu")
INIT = ("init", "-input=false", "-no-color")
PLAN = ("plan", "-input=false", "-lock=false", "-no-color", "-detailed-exitcode")
DETAILED = "-detailed-exitcode"  # exit 2: the plan succeeded and has changes
LOCK_FILE = ".terraform.lock.hcl"
TF_SUFFIXES = (".tf", ".tf.json")
TAIL_LINES = 12
_ONLY_MODULES = (
    "only modules (folders under modules/), no root module to plan; name the root modules in "
    "[stages.plan] dirs"
)
_NO_BINARY_FIX = (
    "install terraform or tofu, or set [stages.plan] command to the team's plan command"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_COUNT = re.compile(r"(\d+) to (\w+)")
_DESTROYED = re.compile(
    r"^\s*# (.+?)(?: \(deposed object \w+\))? (?:will be destroyed|must be replaced|will be replaced)"
)


class PlanStage:
    name: ClassVar[str] = STAGE
    description: ClassVar[str] = (
        "Terraform/OpenTofu plan of each root module, or the team's own plan command: a failing "
        "plan and destroyed resources are findings (off by default; on in terraform@1)"
    )
    kind: ClassVar[StageKind] = StageKind.CHECK
    consumes: ClassVar[Input] = Input.TREE
    provides: ClassVar[Input | None] = None
    needs: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = (
        Option("enabled", "bool", False, ""),  # off unless a pack or the project turns it on
        Option(
            "command",
            "list[str]",
            [],
            'The team\'s own plan command, e.g. ["make", "plan"]; run from the project root, '
            "once per folder of `dirs` when it names {dir} (else once); {dir} and {artifacts} are "
            "substituted. Empty: `init` then `plan -detailed-exitcode` in each folder",
            check=command,
        ),
        Option(
            "dirs",
            "list[str]",
            [],
            "Folders of root modules, relative to the project; empty: every folder with .tf "
            "files except those under a modules/ folder",
        ),
        Option(
            "binary",
            "str",
            "auto",
            "Which program plans when `command` is empty; auto: terraform, else tofu",
            choices=("auto", *BINARIES),
        ),
        Option(
            "fail_on_destroy",
            "bool",
            True,
            "A plan that destroys or replaces resources is a medium finding naming them",
        ),
    )

    def available(self, ctx: StageContext) -> str | None:
        return None  # without terraform or tofu run() reports the plan as unchecked, not passed

    def cache_key(self, ctx: StageContext) -> str | None:
        return None  # a plan compares with the real infrastructure: never cached

    def run(self, ctx: StageContext) -> StageResult:
        from lockgate import fsutil

        started = time.monotonic()
        folders = _terraform_folders(fsutil.project_files(ctx.project))
        if not folders:
            return StageResult(
                STAGE, Status.SKIPPED, summary="no Terraform files (*.tf, *.tf.json) in the project"
            )
        custom = list(ctx.options["command"])
        binary = None if custom else _binary(str(ctx.options["binary"]))
        if not custom and binary is None:
            return _not_run(str(ctx.options["binary"]), started)
        dirs, unchecked = _chosen_dirs(ctx, _roots(folders))
        if custom and not any("{dir}" in a for a in custom):
            dirs, unchecked = ["."], []  # a command that names no folder plans the project once
        if not dirs and not unchecked:
            return StageResult(STAGE, Status.SKIPPED, summary=_ONLY_MODULES)
        deadline = started + ctx.gate.timeout
        plans = [_plan_dir(ctx, d, custom, binary, deadline) for d in dirs]
        return _result(ctx, plans, unchecked, time.monotonic() - started, custom, binary)


# --- which folders, which program ------------------------------------------------------------


def _terraform_folders(files: Sequence[str]) -> list[str]:
    """Every folder holding .tf (or .tf.json) files, relative to the project, sorted."""
    return sorted({f.rpartition("/")[0] or "." for f in files if f.endswith(TF_SUFFIXES)})


def _roots(folders: Sequence[str]) -> list[str]:
    """The root modules: folders outside any modules/ folder (those are called, not planned)."""
    return [d for d in folders if "modules" not in d.split("/")]


def _chosen_dirs(ctx: StageContext, roots: list[str]) -> tuple[list[str], list[Unchecked]]:
    given = list(ctx.options["dirs"])
    if not given:
        return roots, []
    project = ctx.project.resolve()
    dirs: list[str] = []
    unchecked: list[Unchecked] = []
    for name in given:
        path = (project / name).resolve()
        if not path.is_relative_to(project) or not path.is_dir():
            why = "not a folder inside the project"
        elif not any(p.name.endswith(TF_SUFFIXES) for p in path.iterdir()):
            why = "no .tf files in it"
        else:
            dirs.append(path.relative_to(project).as_posix() or ".")
            continue
        fix = "fix [stages.plan] dirs (folders of root modules, relative to the project)"
        unchecked.append(Unchecked(f"plan of {name}", why, fix=fix))
    return list(dict.fromkeys(dirs)), unchecked


def _binary(choice: str) -> str | None:
    from lockgate.tools import proc

    names = BINARIES if choice == "auto" else (choice,)
    return next((path for n in names if (path := proc.which(n)) is not None), None)


def _not_run(choice: str, started: float) -> StageResult:
    missing = "neither terraform nor tofu is" if choice == "auto" else f"{choice} is not"
    why = f"terraform plan not run: {missing} installed"
    return StageResult(
        STAGE,
        Status.WARNED,
        duration=time.monotonic() - started,
        summary=why,
        unchecked=(Unchecked("terraform plan", why, fix=_NO_BINARY_FIX),),
    )


# --- one plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    argv: tuple[str, ...]
    returncode: int
    output: str  # stdout then stderr, colours stripped, secrets scrubbed
    tail: str  # the last lines of stderr (else stdout), scrubbed
    timed_out: bool = False
    detailed: bool = False  # run with -detailed-exitcode: exit 2 means changes, not failure

    @property
    def failed(self) -> bool:
        ok = (0, 2) if self.detailed else (0,)
        return self.timed_out or self.returncode not in ok


@dataclass(frozen=True)
class _Plan:
    dir: str
    steps: tuple[_Step, ...]
    artifact: str
    missing: str | None = None  # the command's program could not be started: why
    counts: Mapping[str, int] = field(default_factory=dict)  # add/change/destroy/... -> number
    destroyed: tuple[str, ...] = ()  # addresses of resources destroyed or replaced
    recognised: bool = True  # the output said what the plan does ("Plan: ..." or "No changes.")

    @property
    def failed(self) -> _Step | None:
        return next((s for s in self.steps if s.failed), None)


def _plan_dir(
    ctx: StageContext, folder: str, custom: list[str], binary: str | None, deadline: float
) -> _Plan:
    from lockgate.errors import LockgateError

    if custom:
        values = {"{dir}": str(ctx.project.resolve() / folder), "{artifacts}": str(ctx.artifacts)}
        argvs = [tuple(_substitute(a, values) for a in custom)]
        cwd, env = ctx.project, None
    else:
        assert binary is not None
        cwd = ctx.project / folder
        lock = ("-lockfile=readonly",) if (cwd / LOCK_FILE).is_file() else ()
        argvs = [(binary, *INIT, *lock), (binary, *PLAN)]
        env = _environment(ctx.project, folder)
    steps: list[_Step] = []
    artifact = _artifact_name(folder)
    try:
        for argv in argvs:
            steps.append(_step(argv, cwd, env, deadline))
            if steps[-1].failed:
                break
    except LockgateError as exc:  # the team's program is missing or cannot start
        why = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return _Plan(folder, tuple(steps), artifact, missing=why)
    (ctx.artifacts / artifact).write_text(_transcript(steps), encoding="utf-8")
    last = steps[-1]
    if last.failed:
        return _Plan(folder, tuple(steps), artifact)
    counts, recognised = _counts(last.output)
    return _Plan(folder, tuple(steps), artifact, None, counts, _destroyed(last.output), recognised)


def _substitute(text: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _environment(project: Path, folder: str) -> dict[str, str]:
    """No prompts, no colours; `.terraform/` goes under .lockgate/, not into the team's tree."""
    env = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}
    if not os.environ.get("TF_DATA_DIR"):
        slug = "root" if folder == "." else folder.replace("/", "__")
        env["TF_DATA_DIR"] = str(project.resolve() / ".lockgate" / "terraform" / slug)
    return env


def _step(argv: tuple[str, ...], cwd: Path, env: dict[str, str] | None, deadline: float) -> _Step:
    from lockgate.secrets.redact import scrub
    from lockgate.tools import proc

    left = max(deadline - time.monotonic(), 1.0)
    done = proc.run(argv, cwd=cwd, env=env, timeout=left)
    out, err = (scrub(_ANSI.sub("", t)) for t in (done.stdout, done.stderr))
    lines = [line.rstrip() for line in (err.strip() or out.strip()).splitlines() if line.strip()]
    tail = "\n".join(lines[-TAIL_LINES:])
    output = out + (("\n" if out and not out.endswith("\n") else "") + err if err else "")
    return _Step(argv, done.returncode, output, tail, done.timed_out, DETAILED in argv)


def _transcript(steps: Sequence[_Step]) -> str:
    parts = []
    for s in steps:
        verdict = "timed out" if s.timed_out else f"exit {s.returncode}"
        parts.append(f"$ {' '.join(s.argv)}\n{s.output.rstrip()}\n[{verdict}]\n")
    return "\n".join(parts)


def _artifact_name(folder: str) -> str:
    if folder == ".":
        return "plan.txt"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.replace("/", "__")).strip("-.") or "dir"
    digest = hashlib.sha256(folder.encode()).hexdigest()[:6]  # two folders never share a file
    return f"plan-{slug}-{digest}.txt"


def _counts(output: str) -> tuple[dict[str, int], bool]:
    """What the plan does, summed over every plan summary the output holds (a team's command may
    plan several modules): add, change, destroy (and import, forget)."""
    counts: dict[str, int] = {}
    recognised = False
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Plan: "):
            recognised = True
            for number, action in _COUNT.findall(line):
                counts[action] = counts.get(action, 0) + int(number)
        elif line.startswith("No changes.") or line == "Changes to Outputs:":
            recognised = True
    return counts, recognised


def _destroyed(output: str) -> tuple[str, ...]:
    found = (m.group(1) for line in output.splitlines() if (m := _DESTROYED.match(line)))
    return tuple(dict.fromkeys(found))


# --- the result --------------------------------------------------------------------------------


def _result(
    ctx: StageContext,
    plans: Sequence[_Plan],
    unchecked: list[Unchecked],
    seconds: float,
    custom: list[str],
    binary: str | None,
) -> StageResult:
    tool = Path(custom[0] if custom else binary or "terraform").name
    findings: list[Finding] = []
    for p in plans:
        where = "the project root" if p.dir == "." else p.dir
        if p.missing is not None:
            fix = "install the program or fix [stages.plan] command"
            unchecked.append(Unchecked(f"plan of {where}", p.missing, fix=fix))
        elif (step := p.failed) is not None:
            findings.append(_failure(tool, p, step, where))
        elif not p.recognised:
            why = "its output has no 'Plan: ...' or 'No changes.' line"
            fix = "make [stages.plan] command print terraform's own plan output"
            unchecked.append(Unchecked(f"plan of {where}", why, fix=fix))
        elif ctx.options["fail_on_destroy"] and p.counts.get("destroy", 0) > 0:
            findings.append(_destroys(tool, p, where))
    planned = [p for p in plans if p.missing is None and p.failed is None]
    total = {a: sum(p.counts.get(a, 0) for p in planned) for a in ("add", "change", "destroy")}
    metrics = (
        Metric("plans", len(planned), "root modules"),
        Metric("plans_failed", sum(p.failed is not None for p in plans), "root modules"),
        *(Metric(f"resources_to_{a}", n, "resources") for a, n in total.items()),
    )
    return StageResult(
        stage=STAGE,
        status=Status.WARNED if unchecked else Status.PASSED,
        findings=tuple(findings),
        metrics=metrics,
        artifacts=tuple(p.artifact for p in plans if p.missing is None),
        duration=seconds,
        summary=_summary(plans, total),
        unchecked=tuple(unchecked),
    )


def _failure(tool: str, plan: _Plan, step: _Step, where: str) -> Finding:
    from lockgate.secrets.redact import scrub

    how = "timed out" if step.timed_out else f"exited {step.returncode}"
    what = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(step.argv[:2]))
    message = f"`{what}` {how} in {where}" + (f":\n{step.tail}" if step.tail else "")
    return _finding(
        tool,
        "plan-failed",
        scrub(message),
        Severity.HIGH,
        plan.dir,
        f"read {plan.artifact} in the stage's artifacts; fix the configuration, the backend or "
        "the credentials in the environment, then run the plan again",
    )


def _destroys(tool: str, plan: _Plan, where: str) -> Finding:
    from lockgate.secrets.redact import scrub

    n = plan.counts["destroy"]
    names = f": {', '.join(plan.destroyed)}" if plan.destroyed else ""
    message = f"the plan destroys {n} resource{'s' if n != 1 else ''} in {where}{names}"
    return _finding(
        tool,
        "plan-destroys",
        scrub(message),
        Severity.MEDIUM,
        plan.dir + "|" + ",".join(sorted(plan.destroyed)),
        "make sure the destroys are meant (a replaced resource counts too); accept them with a "
        "[[suppress]] entry for rule plan-destroys, or set [stages.plan] fail_on_destroy = false",
    )


def _finding(tool: str, rule: str, message: str, severity: Severity, key: str, fix: str) -> Finding:
    digest = hashlib.sha256(f"{STAGE}|{rule}|{key}".encode()).hexdigest()[:32]
    return Finding(STAGE, tool, rule, message, severity, digest, help_text=fix)


def _summary(plans: Sequence[_Plan], total: Mapping[str, int]) -> str:
    failed = sum(p.failed is not None for p in plans)
    planned = sum(p.missing is None and p.failed is None for p in plans)
    counts = f"{total['add']} to add, {total['change']} to change, {total['destroy']} to destroy"
    head = f"{planned} of {len(plans)} root module{'s' if len(plans) != 1 else ''} planned"
    return f"{head} ({counts})" + (f"; {failed} failed" if failed else "")
