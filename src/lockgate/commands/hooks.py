"""`lockgate hooks install|run`: git pre-commit and pre-push hooks that block commits adding a secret."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lockgate.errors import ExitCode, LockgateError
from lockgate.model import Finding, FindingState
from lockgate.secrets.engines import GITLEAKS, LOCKGATE, gitleaks
from lockgate.secrets.scan import Outcome, Settings, scan, scan_staged
from lockgate.secrets.sources import GitFailed, push_revs
from lockgate.tools import proc

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
    root = _toplevel(Path(args.path))
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


def _toplevel(path: Path) -> Path:
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


def run_hook(root: Path, hook: str, stdin: str = "") -> int:
    """Scan what the hook guards; print why it blocks and what to do. 0 = let it through, 1 = block."""
    settings, notes = _settings(root)
    try:
        if hook == "pre-commit":
            outcome = scan_staged("secrets", root, settings)
        else:
            outcome = Outcome()
            for revs in push_revs(stdin):
                part = scan("secrets", root, settings, revs=_known(root, revs))
                outcome.findings += part.findings
                outcome.problems += part.problems
                outcome.skipped += part.skipped
    except GitFailed as exc:
        raise LockgateError(f"git failed while checking for secrets: {exc}") from exc
    return _report(hook, outcome, notes)


def _known(root: Path, revs: list[str]) -> list[str]:
    """A force-push's remote commit may be unknown here: then check everything not on a remote."""
    if len(revs) == 1 and ".." in revs[0]:
        remote, _, local = revs[0].partition("..")
        done = proc.run(["git", "cat-file", "-e", f"{remote}^{{commit}}"], cwd=root, timeout=30)
        if done.returncode != 0:
            return [local, "--not", "--remotes"]
    return revs


def _settings(root: Path) -> tuple[Settings, list[str]]:
    options, notes = _options(root)
    # lockgate's own rules always run in a hook (they are what makes it block anything); of the
    # configured engines, gitleaks joins them (detect-secrets cannot scan a diff).
    configured = options.get("engines", (LOCKGATE, GITLEAKS))
    engines = (LOCKGATE, *(e for e in configured if e == GITLEAKS))
    binary = gitleaks.find(options.get("gitleaks_path", ""))[0] if GITLEAKS in engines else None
    if GITLEAKS in engines and binary is None:
        notes.append(f"gitleaks not found, only lockgate's own rules ran ({gitleaks.INSTALL_HINT})")
    settings = Settings(
        engines=engines,
        max_file_size=int(options.get("max_file_size", 2_000_000)),
        timeout=_TIMEOUT,
        gitleaks_bin=binary,
        exclude=tuple(options.get("exclude", ())),
    )
    return settings, notes


def _options(root: Path) -> tuple[Mapping[str, Any], list[str]]:
    """The [stages.secrets] options from the project's config; defaults (with a note) if it is broken."""
    from lockgate.config.loader import load_config

    try:
        return load_config(root).stages["secrets"].options, []
    except (LockgateError, KeyError) as exc:
        return {}, [f"config not read ({exc}); default secret settings used"]


def _report(hook: str, outcome: Outcome, notes: list[str]) -> int:
    blocking = [f for f in outcome.findings if f.state is FindingState.OPEN]
    allowed = [f for f in outcome.findings if f.state is FindingState.SUPPRESSED]
    out = sys.stderr
    for note in notes + outcome.problems:
        print(f"lockgate: note: {note}", file=out)
    for skipped in outcome.skipped:
        print(
            f"lockgate: note: not checked, {skipped.detail or skipped.reason.value}: {skipped.path}",
            file=out,
        )
    for f in allowed:
        print(f"lockgate: allowed {f.where} ({f.rule_id}): {f.state_reason}", file=out)
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
