"""`lockgate hooks install|run`: git pre-commit and pre-push hooks that block commits adding a secret.

The hooks run the secrets gate's own engine set and rules (lockgate.secrets.policy) on the staged
change or the pushed commits, and block exactly what the CI gate would fail: its `fail_on`, its
suppressions and the committed baseline apply, so nothing passes the hook that fails CI.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lockgate.errors import ExitCode, LockgateError
from lockgate.secrets.engines import gitleaks
from lockgate.tools import proc

if TYPE_CHECKING:  # imported once gitleaks is running: a git hook's cost is what people feel
    from lockgate.model import Finding
    from lockgate.secrets.candidate import Candidate
    from lockgate.secrets.scan import Outcome, Settings
    from lockgate.stages.interface import Gate

HOOKS = ("pre-commit", "pre-push")
MARK = "# installed by `lockgate hooks install`"
_TIMEOUT = 120.0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("hooks", help="git hooks that stop a commit or push adding a secret")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser("install", help="install the pre-commit and pre-push hooks")
    install.add_argument("path", nargs="?", default=".", help="git work tree (default: .)")
    install.add_argument(
        "--force", action="store_true", help="replace existing hooks (kept as *.lockgate-backup)"
    )
    install.set_defaults(func=execute)
    run = actions.add_parser(
        "run", help="what the hooks call: scan the staged change or the pushed commits"
    )
    run.add_argument("hook", choices=HOOKS)
    run.add_argument("path", nargs="?", default=".", help="git work tree (default: .)")
    run.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    root = toplevel(Path(args.path))
    if args.action == "install":
        return install(root, force=args.force)
    stdin = sys.stdin.read() if args.hook == "pre-push" and not sys.stdin.isatty() else ""
    return run_hook(root, args.hook, stdin)


# --- install -------------------------------------------------------------------------------


def install(root: Path, *, force: bool = False) -> int:
    hooks_dir = _hooks_dir(root)
    hooks_dir.mkdir(parents=True, exist_ok=True)
    foreign = [h for h in HOOKS if (hooks_dir / h).exists() and MARK not in _read(hooks_dir / h)]
    if foreign and not force:
        names = ", ".join(str(hooks_dir / h) for h in foreign)
        raise LockgateError(
            f"a git hook that lockgate did not write already exists: {names}",
            hint="rerun with --force to replace it (the old one is kept as <name>.lockgate-backup),"
            " or add `lockgate hooks run <hook>` to your own hook",
        )
    for hook in HOOKS:
        path = hooks_dir / hook
        if hook in foreign:
            path.replace(path.with_name(f"{hook}.lockgate-backup"))
            print(f"kept your old {hook} hook as {path.name}.lockgate-backup")
        path.write_text(_script(hook), encoding="utf-8")
        path.chmod(0o755)
        print(f"installed {path}")
    print(
        "commits and pushes that add a secret are now blocked; `git commit --no-verify` skips the check"
    )
    return int(ExitCode.OK)


def _script(hook: str) -> str:
    own = Path(sys.prefix) / "bin" / "lockgate"
    fallback = shlex.quote(str(own)) if own.exists() else "lockgate"
    return (
        "#!/bin/sh\n"
        f"{MARK}; reinstall with `lockgate hooks install --force`.\n"
        f'LOCKGATE="${{LOCKGATE:-{fallback}}}"\n'
        'command -v "$LOCKGATE" >/dev/null 2>&1 || LOCKGATE=lockgate\n'
        f'exec "$LOCKGATE" hooks run {hook} "$(git rev-parse --show-toplevel)"\n'
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def toplevel(path: Path) -> Path:
    done = proc.run(["git", "rev-parse", "--show-toplevel"], cwd=path, timeout=30)
    if done.returncode != 0:
        raise LockgateError(
            f"not a git work tree: {path}", hint="run `git init` first, or pass the repository path"
        )
    return Path(done.stdout.strip())


def _hooks_dir(root: Path) -> Path:
    done = proc.run(["git", "rev-parse", "--git-path", "hooks"], cwd=root, timeout=30, check=True)
    hooks = Path(done.stdout.strip())
    return hooks if hooks.is_absolute() else root / hooks


# --- run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Policy:
    """What the CI gate would apply: engines, threshold, suppressions, the committed baseline."""

    settings: Settings
    gate: Gate
    suppressions: tuple[Any, ...]
    known: frozenset[str]
    notes: tuple[str, ...]


def run_hook(root: Path, hook: str, stdin: str = "") -> int:
    """Scan what the hook guards with the gate's engines and rules; block what the gate would fail.

    0 = let it through, 1 = block.
    """
    with ThreadPoolExecutor(max_workers=1) as early:
        # gitleaks starts at once with the default binary while the config loads (both take a
        # while); its result is used only if the config picks that same binary.
        default = gitleaks.find("")[0] if hook == "pre-commit" else None
        started = early.submit(gitleaks.scan_staged, default, root, _TIMEOUT) if default else None
        policy_ = _policy(root)
        same = started is not None and policy_.settings.gitleaks_bin == default
        return _run(root, hook, stdin, policy_, started if same else None)


def _run(
    root: Path,
    hook: str,
    stdin: str,
    policy_: _Policy,
    started: Future[list[Candidate]] | None,
) -> int:
    from lockgate.engine.gate import apply_gate
    from lockgate.model import StageResult, Status
    from lockgate.secrets.scan import Outcome, scan, scan_staged
    from lockgate.secrets.sources import GitFailed, push_revs

    try:
        if hook == "pre-commit":
            outcome = scan_staged("secrets", root, policy_.settings, gitleaks_job=started)
        else:
            outcome = Outcome()
            for revs in push_revs(stdin):
                outcome.add(scan("secrets", root, policy_.settings, revs=_known(root, revs)))
    except GitFailed as exc:
        raise LockgateError(f"git failed while checking for secrets: {exc}") from exc
    judged = apply_gate(
        StageResult("secrets", Status.PASSED, findings=tuple(outcome.findings)),
        policy_.gate,
        policy_.suppressions,
        policy_.known,
    )
    return _report(hook, outcome, judged.findings, list(policy_.notes))


def _known(root: Path, revs: list[str]) -> list[str]:
    """A force-push's remote commit may be unknown here: then check everything not on a remote."""
    if len(revs) == 1 and ".." in revs[0]:
        remote, _, local = revs[0].partition("..")
        done = proc.run(["git", "cat-file", "-e", f"{remote}^{{commit}}"], cwd=root, timeout=30)
        if done.returncode != 0:
            return [local, "--not", "--remotes"]
    return revs


def _policy(root: Path) -> _Policy:
    """The secrets stage's engines, gate and suppressions from the project's config (defaults,
    with a note, when the config cannot be read: CI will then stop on the config itself)."""
    from lockgate.config.loader import load_config
    from lockgate.engine import baseline as baselines
    from lockgate.secrets import policy, valueid
    from lockgate.stages.interface import Gate

    notes: list[str] = []
    options: Mapping[str, Any] = {}
    gate = Gate()
    sups: tuple[Any, ...] = ()
    try:
        config = load_config(root)
        section = config.stages["secrets"]
        options, gate = section.options, section.gate
        sups = tuple(s for s in config.suppressions if s.stage in (None, "secrets"))
    except (LockgateError, KeyError) as exc:
        notes.append(f"config not read ({exc}); default secret settings used")
    try:
        ids = valueid.for_project(root)
    except valueid.KeyProblem as exc:
        ids = valueid.ephemeral()
        notes.append(f"{exc}; baseline entries cannot match")
    settings, missing = policy.settings(options, timeout=_TIMEOUT, ids=ids)
    notes += [f"{u.what} not run: {u.reason} (the CI gate runs it: {u.fix})" for u in missing]
    known: frozenset[str] = frozenset()
    try:
        committed = baselines.load_file(root)
        known = committed.for_stage("secrets") if committed is not None else known
    except LockgateError as exc:
        notes.append(f"baseline not read: {exc.message}")
    return _Policy(settings, gate, sups, known if gate.new_only else frozenset(), tuple(notes))


def _report(hook: str, outcome: Outcome, findings: tuple[Finding, ...], notes: list[str]) -> int:
    from lockgate.model import FindingState

    blocking = [f for f in findings if f.state is FindingState.OPEN]
    allowed = [f for f in findings if f.state is FindingState.SUPPRESSED]
    examples = [f for f in findings if f.state is FindingState.BELOW_THRESHOLD]
    out = sys.stderr
    for note in notes:
        print(f"lockgate: note: {note}", file=out)
    for u in outcome.unchecked:
        print(f"lockgate: note: not checked, {u.what}: {u.reason}", file=out)
    for skipped in outcome.skipped:
        print(
            f"lockgate: note: not checked, {skipped.detail or skipped.reason.value}: {skipped.path}",
            file=out,
        )
    for f in allowed:
        print(f"lockgate: allowed {f.where} ({f.rule_id}): {f.state_reason}", file=out)
    if examples:
        shown = ", ".join(f.where for f in examples[:5]) + (" …" if len(examples) > 5 else "")
        print(
            f"lockgate: {len(examples)} finding(s) below the gate's threshold"
            f" (example credentials and the like): {shown}",
            file=out,
        )
    if not blocking:
        return int(ExitCode.OK)
    action = "commit" if hook == "pre-commit" else "push"
    print(
        f"lockgate: {action} blocked: {len(blocking)} possible secret(s) in what you are about to {action}:",
        file=out,
    )
    for f in blocking:
        print(f"  {_line(f)}", file=out)
    print(_HOW_TO[hook], file=out)
    return int(ExitCode.GATE_FAILED)


def _line(f: Finding) -> str:
    return f"{f.where}  [{f.rule_id}, {f.severity.value}]  {f.message.split('. Remove')[0]}"


_COMMON = (
    "what to do:\n"
    "  - remove the value and load it from the environment or a secret store, then rotate it:\n"
    "    treat it as leaked (editor backups, shell history, other clones);\n"
    '  - if it is not a secret, add  lockgate: allow-secret reason="why"  to that line;\n'
)
_HOW_TO = {
    "pre-commit": _COMMON
    + "  - only in an emergency: `git commit --no-verify` (CI's secrets stage still checks).",
    "pre-push": _COMMON
    + "  - the value is in a commit: remove it from history too (`git rebase -i` / `git commit --amend`)\n"
    "    before pushing; only in an emergency: `git push --no-verify`.",
}
