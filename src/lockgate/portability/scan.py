"""Assess one service's portability from its files: container, configuration, state, Terraform
resources and cloud SDK imports. What cannot be read is recorded as not checked, never as clean.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from lockgate import fsread
from lockgate.fsutil import project_files
from lockgate.model import Unchecked
from lockgate.portability import catalog

MAX_FILE = 1024 * 1024
CONTAINER_FILES = ("Containerfile", "Dockerfile")
CODE = (".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".rb", ".cs", ".go", ".java")
ENV_READS = re.compile(
    r"os\.environ|os\.getenv|process\.env|ENV\[|ENV\.fetch|GetEnvironmentVariable|os\.Getenv|System\.getenv"
)
LOCAL_STATE = re.compile(
    r"^\s*(?:import|from)\s+(sqlite3|shelve|dbm)\b|sqlite:///(?!:memory:)", re.M
)
PY_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.M)
JS_IMPORT = re.compile(r"""(?:from\s+|require\(\s*)["']([^"']+)["']""")
WEIGHTS = {"container": 25, "config": 15, "state": 15, "resource": 5, "sdk": 5}
CAPS = {"resource": 30, "sdk": 15}


@dataclass(frozen=True)
class Item:
    """A cloud-specific Terraform resource or SDK import, with the portable alternative."""

    kind: str  # "resource" or "sdk"
    name: str  # "aws_dynamodb_table", "boto3"
    provider: str
    alternative: str
    path: str
    line: int | None


@dataclass(frozen=True)
class Assessment:
    service: str
    container_files: tuple[str, ...]
    env_reads: tuple[str, ...]  # files that read configuration from the environment
    local_state: tuple[str, ...]  # "path:line" where state is kept on the container's disk
    items: tuple[Item, ...]
    unchecked: tuple[Unchecked, ...]

    @property
    def containerised(self) -> bool:
        return bool(self.container_files)

    def deductions(self, excepted: frozenset[str] = frozenset()) -> dict[str, int]:
        """Points lost per reason; `excepted` item names (the exceptions register) cost nothing."""
        out = {
            "not containerised": 0 if self.containerised else WEIGHTS["container"],
            "configuration not read from the environment": 0
            if self.env_reads
            else WEIGHTS["config"],
            "state kept in the container": WEIGHTS["state"] if self.local_state else 0,
        }
        for kind in ("resource", "sdk"):
            names = {i.name for i in self.items if i.kind == kind and i.name not in excepted}
            out[f"cloud-specific {kind}s"] = min(len(names) * WEIGHTS[kind], CAPS[kind])
        return out

    def score(self, excepted: frozenset[str] = frozenset()) -> int:
        return max(0, 100 - sum(self.deductions(excepted).values()))


def assess(root: Path, service: str) -> Assessment:
    files = project_files(root)
    containers = tuple(f for f in files if Path(f).name.startswith(CONTAINER_FILES))
    env_reads: list[str] = []
    state: list[str] = []
    items: list[Item] = []
    unchecked: list[Unchecked] = []
    unreadable = 0
    for name in files:
        if not name.endswith((*CODE, ".tf")):
            continue
        try:
            text = fsread.read_text(root / name, MAX_FILE)
        except (OSError, UnicodeDecodeError):
            unreadable += 1
            continue
        if name.endswith(".tf"):
            found = _terraform(name, text)
            if found is None:
                unchecked.append(_unparsable(name))
            else:
                items += found
            continue
        if ENV_READS.search(text):
            env_reads.append(name)
        state += [f"{name}:{_line(text, m.start())}" for m in LOCAL_STATE.finditer(text)]
        items += _sdks(name, text)
    if unreadable:
        unchecked.append(
            Unchecked(
                "source files",
                "unreadable, larger than 1 MiB or not UTF-8",
                unreadable,
                "convert them to UTF-8 text, or accept that they are not assessed",
            )
        )
    return Assessment(
        service, containers, tuple(env_reads), tuple(state), tuple(items), tuple(unchecked)
    )


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _sdks(name: str, text: str) -> list[Item]:
    pattern = PY_IMPORT if name.endswith(".py") else JS_IMPORT
    out = []
    for m in pattern.finditer(text):
        module = next(g for g in m.groups() if g)
        found = catalog.sdk(module)
        if found is not None:
            top = (
                module.split(".")[0]
                if name.endswith(".py") and not module.startswith("google.")
                else module
            )
            out.append(Item("sdk", top, found[0], found[1], name, _line(text, m.start())))
    return out


def _terraform(name: str, text: str) -> list[Item] | None:
    """Cloud-specific resources of one .tf file; None when it cannot be parsed."""
    try:
        import hcl2

        data = hcl2.load(io.StringIO(text))
    except Exception:  # python-hcl2 raises lark's many errors; any of them: not parsed
        return None
    out = []
    for block in data.get("resource", []):
        for quoted in block:
            kind = quoted.strip('"')
            entry = catalog.resource(kind)
            if entry is not None:
                line = _resource_line(text, kind)
                out.append(Item("resource", kind, entry.provider, entry.alternative, name, line))
    return out


def _resource_line(text: str, kind: str) -> int | None:
    m = re.search(rf'^\s*resource\s+"{re.escape(kind)}"', text, re.M)
    return _line(text, m.start()) if m else None


def _unparsable(name: str) -> Unchecked:
    return Unchecked(
        f"Terraform file {name}",
        "python-hcl2 cannot parse it (or is not installed)",
        1,
        "fix its syntax (`terraform validate` shows where), or install python-hcl2 8.1.4",
    )
