"""From the `[stages.secrets]` options to the engine set both the CI gate and the git hooks run.

Profiles: `standard` (the default) runs lockgate's own rules and gitleaks, which a team can adopt
on day one; `paranoid` adds detect-secrets with its entropy heuristics. A configured engine that
cannot run here is named as unchecked, never silently dropped.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from typing import Any

from lockgate.model import Severity, Unchecked
from lockgate.secrets.engines import DETECT_SECRETS, GITLEAKS, LOCKGATE, detect_secrets, gitleaks
from lockgate.secrets.scan import Settings
from lockgate.secrets.valueid import ValueIds
from lockgate.tools import proc

DEFAULT_ENGINES = (LOCKGATE, GITLEAKS)
ENTROPY_PLUGINS = ("Base64HighEntropyString", "HexHighEntropyString")
MAX_PATH_BYTES = 4095  # PATH_MAX less the NUL
MAX_NAME_BYTES = 255  # NAME_MAX


class Profile(enum.StrEnum):
    STANDARD = "standard"  # lockgate's rules + gitleaks; detect-secrets' entropy plugins off
    PARANOID = "paranoid"  # + detect-secrets with its entropy heuristics


def engines(options: Mapping[str, Any]) -> tuple[str, ...]:
    """The configured engines, detect-secrets added by the paranoid profile."""
    chosen = tuple(options.get("engines", DEFAULT_ENGINES))
    if Profile(options.get("profile", Profile.STANDARD)) is Profile.PARANOID:
        chosen += (DETECT_SECRETS,) if DETECT_SECRETS not in chosen else ()
    return chosen


def detect_secrets_disabled(options: Mapping[str, Any]) -> tuple[str, ...]:
    """detect-secrets plugins turned off: the user's list, plus the entropy heuristics unless paranoid."""
    disabled = list(options.get("detect_secrets_disable", ()))
    if Profile(options.get("profile", Profile.STANDARD)) is not Profile.PARANOID:
        disabled += [p for p in ENTROPY_PLUGINS if p not in disabled]
    return tuple(disabled)


def binary_path_problem(value: Any) -> str | None:
    """Config check of `gitleaks_path`: a path the system could open (else exit 2, not a crash)."""
    if not isinstance(value, str) or not value:
        return None
    if "\0" in value:
        return "a path without NUL characters"
    raw = os.fsencode(value)
    if len(raw) > MAX_PATH_BYTES or any(len(part) > MAX_NAME_BYTES for part in raw.split(b"/")):
        return (
            f"a path to an executable of at most {MAX_PATH_BYTES} bytes, each folder or file name"
            f" at most {MAX_NAME_BYTES}"
        )
    return None


def settings(
    options: Mapping[str, Any], *, timeout: float, ids: ValueIds
) -> tuple[Settings, list[Unchecked]]:
    """The Settings every secrets scan of this project uses, and the engines that cannot run."""
    chosen = engines(options)
    missing: list[Unchecked] = []
    gl = ds = None
    if GITLEAKS in chosen:
        configured = str(options.get("gitleaks_path", ""))
        gl = gitleaks.find(configured)[0]
        if gl is None:
            what = f"gitleaks_path {configured!r}" if configured else "gitleaks"
            missing.append(
                Unchecked(
                    what="gitleaks",
                    reason=f"{what} is not installed or not an executable file",
                    fix=gitleaks.INSTALL_HINT,
                )
            )
    if DETECT_SECRETS in chosen:
        ds = proc.which("detect-secrets")
        if ds is None:
            missing.append(
                Unchecked(
                    what="detect-secrets",
                    reason="detect-secrets is not installed",
                    fix=detect_secrets.INSTALL_HINT,
                )
            )
    return (
        Settings(
            engines=chosen,
            max_file_size=int(options.get("max_file_size", 2_000_000)),
            timeout=timeout,
            gitleaks_bin=gl,
            detect_secrets_bin=ds,
            detect_secrets_disable=detect_secrets_disabled(options),
            exclude=tuple(options.get("exclude", ())),
            ids=ids,
            example_severity=Severity(options.get("example_severity", Severity.INFO)),
        ),
        missing,
    )
