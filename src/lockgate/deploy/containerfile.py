"""Containerfiles: find the service's own, or generate one from its stack's template; lint it."""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lockgate.errors import LockgateError
from lockgate.tools import proc
from lockgate.tools import versions as tool_versions

NAMES = ("Containerfile", "Dockerfile")

# Pinned default base images per stack (container.base_image overrides them).
DEFAULT_BASE = {
    "python": "python:3.12.8-slim-bookworm",
    "node": "node:20.18.1-bookworm-slim",
    "dotnet": "mcr.microsoft.com/dotnet/aspnet:8.0.11-bookworm-slim",
}


IGNORE_NAMES = (".containerignore", ".dockerignore")

# What a generated Containerfile's `COPY . /app` leaves out when the project has no ignore file of
# its own: lockgate's store and reports, VCS data, local environments, caches and secrets files.
DEFAULT_IGNORE = """\
.lockgate
.git
.env
.env.*
*.pem
*.key
.venv
venv
.venv-tools
node_modules
**/__pycache__
*.pyc
.pytest_cache
.mypy_cache
.ruff_cache
"""
# .NET build output; other stacks keep bin/ (a Node app's `bin/www`, scripts)
STACK_IGNORE = {"dotnet": "bin\nobj\n"}


@dataclass(frozen=True)
class Source:
    path: Path  # the file to build with
    generated: bool
    stack: str | None = None
    ignore_file: Path | None = None  # lockgate's ignore file, when the project has none


def detect_stack(project: Path) -> str | None:
    if any((project / n).is_file() for n in ("pyproject.toml", "requirements.txt", "setup.py")):
        return "python"
    if (project / "package.json").is_file():
        return "node"
    if any(project.glob("*.csproj")):
        return "dotnet"
    return None


def find_or_generate(
    project: Path, out_dir: Path, *, file: str, base_image: str, port: int, health_path: str
) -> Source:
    """The project's Containerfile (container.file, Containerfile, Dockerfile) or a generated one."""
    if file:
        path = project / file
        if not path.is_file():
            raise LockgateError(
                f"container.file names {file}, which does not exist",
                where=str(path),
                hint="fix container.file in lockgate.toml, or remove it to use the stack template",
            )
        return Source(path, generated=False)
    for name in NAMES:
        if (project / name).is_file():
            return Source(project / name, generated=False)
    stack = detect_stack(project)
    if stack is None:
        raise LockgateError(
            "no Containerfile or Dockerfile, and lockgate cannot tell the stack "
            "(no pyproject.toml, requirements.txt, package.json or *.csproj)",
            where=str(project),
            hint="add a Containerfile to the project, or set container.file in lockgate.toml",
        )
    text = render_template(project, stack, base_image or DEFAULT_BASE[stack], port, health_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "Containerfile.generated"
    path.write_text(text)
    ignore = None
    if not any((project / n).is_file() for n in IGNORE_NAMES):
        # podman takes it through --ignorefile, Docker (BuildKit) beside the Dockerfile
        ignore = out_dir / "Containerfile.generated.dockerignore"
        ignore.write_text(DEFAULT_IGNORE + STACK_IGNORE.get(stack, ""))
    return Source(path, generated=True, stack=stack, ignore_file=ignore)


def render_template(project: Path, stack: str, base_image: str, port: int, health_path: str) -> str:
    tmpl = resources.files("lockgate.deploy").joinpath(f"templates/{stack}.Containerfile.tmpl")
    values = {
        "base_image": base_image,
        "port": str(port),
        "health_path": health_path,
        **_stack_values(project, stack, port),
    }
    return string.Template(tmpl.read_text()).substitute(values)


def _stack_values(project: Path, stack: str, port: int) -> dict[str, str]:
    if stack == "python":
        packaged = any((project / n).is_file() for n in ("pyproject.toml", "setup.py"))
        if (project / "requirements.txt").is_file():
            deps = (
                "# Dependencies first, so code changes reuse this layer.\n"
                "COPY requirements.txt ./\n"
                "RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt"
            )
        else:
            deps = "RUN python3 -m venv /opt/venv"
        # a packaged project installs itself (and, without requirements.txt, its dependencies)
        project_step = (
            "RUN /opt/venv/bin/pip install . && rm -rf build *.egg-info" if packaged else ""
        )
        module = "app" if (project / "app.py").is_file() or (project / "app").is_dir() else "main"
        cmd = ["/opt/venv/bin/python", "-m", module]
        return {"dependencies": deps, "project_step": project_step, "command": json.dumps(cmd)}
    if stack == "node":
        # `npm ci` refuses to run without a lock file; without one the versions float
        locked = any((project / n).is_file() for n in ("package-lock.json", "npm-shrinkwrap.json"))
        install = "npm ci --omit=dev" if locked else "npm install --omit=dev --no-package-lock"
        return {"install": install, "command": json.dumps(["npm", "start"])}
    dll = next(project.glob("*.csproj")).stem + ".dll"
    return {"dll": dll, "command": json.dumps(["dotnet", dll])}


# --- lint ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LintFinding:
    line: int
    rule: str
    message: str
    severity: str  # a model.Severity value
    tool: str = "lockgate"
    snippet: str = ""


_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)", re.I
)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    args: str


def parse(text: str) -> list[Instruction]:
    """Instructions with the line they start on; continuation lines joined, comments dropped."""
    out: list[Instruction] = []
    buf, start = "", 0
    for no, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue
        if not buf:
            start = no
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        keyword, _, args = buf.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
        buf = ""
    if buf:
        keyword, _, args = buf.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
    return out


def lint_builtin(text: str) -> list[LintFinding]:
    """lockgate's own rules for the common mistakes: latest tags, root user, ADD of URLs, secrets."""
    instrs = parse(text)
    args = _arg_defaults(instrs)
    findings: list[LintFinding] = []
    stages: set[str] = set()
    user: tuple[Instruction, str] | None = None
    last_from: Instruction | None = None
    for ins in instrs:
        if ins.keyword == "FROM":
            last_from, user = ins, None
            findings += _check_from(ins, args, stages)
        elif ins.keyword == "USER":
            user = (ins, ins.args.split(":")[0].strip())
        elif ins.keyword == "ADD":
            findings += [
                LintFinding(
                    ins.line,
                    "add-url",
                    "ADD downloads a URL: the build is not "
                    "reproducible and the file is unchecked; use RUN with a checksum "
                    "check, or COPY a vendored file",
                    "medium",
                    snippet=f"ADD {ins.args}",
                )
                for part in ins.args.split()
                if _URL.match(part)
            ]
        elif ins.keyword in ("ENV", "ARG"):
            findings += _check_secrets(ins)
    if last_from is not None:
        if user is None:
            findings.append(
                LintFinding(
                    last_from.line,
                    "root-user",
                    "the image runs as root: no USER after the last FROM; add a non-root USER",
                    "high",
                    snippet="no USER",
                )
            )
        elif user[1] in ("root", "0"):
            findings.append(
                LintFinding(
                    user[0].line,
                    "root-user",
                    "the image runs as root; switch to a non-root USER",
                    "high",
                    snippet=f"USER {user[0].args}",
                )
            )
    return sorted(findings, key=lambda f: f.line)


def _arg_defaults(instrs: list[Instruction]) -> dict[str, str]:
    out: dict[str, str] = {}
    for ins in instrs:
        if ins.keyword == "ARG" and "=" in ins.args:
            key, _, value = ins.args.partition("=")
            out[key.strip()] = value.strip().strip("\"'")
    return out


def _check_from(ins: Instruction, args: dict[str, str], stages: set[str]) -> list[LintFinding]:
    words = [w for w in ins.args.split() if not w.startswith("--")]
    if not words:
        return []
    image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), words[0])
    if len(words) >= 3 and words[1].upper() == "AS":
        stages.add(words[2].lower())
    if image == "scratch" or image.lower() in stages or "$" in image or "@sha256:" in image:
        return []
    name_tag = image.rsplit("/", 1)[-1]
    tag = name_tag.split(":", 1)[1] if ":" in name_tag else None
    if tag is None or tag == "latest":
        what = "the `latest` tag" if tag else "no tag (that is `latest`)"
        return [
            LintFinding(
                ins.line,
                "latest-tag",
                f"base image {image} uses {what}: builds "
                "change under you; pin a version tag or a digest",
                "medium",
                snippet=f"FROM {image}",
            )
        ]
    return []


def _check_secrets(ins: Instruction) -> list[LintFinding]:
    out: list[LintFinding] = []
    pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(\"[^\"]*\"|'[^']*'|\S+)?", ins.args)
    if ins.keyword == "ENV" and "=" not in ins.args:
        key, _, value = ins.args.partition(" ")
        pairs = [(key, value)]
    for key, value in pairs:
        if _SECRET_NAME.search(key) and value.strip("\"'"):
            out.append(
                LintFinding(
                    ins.line,
                    "secret-in-env",
                    f"{ins.keyword} {key} puts a secret into the image (every layer and `inspect` "
                    "shows it); pass it at run time or use a build secret (--secret)",
                    "high",
                    snippet=f"{ins.keyword} {key}",
                )
            )
    return out


# hadolint rules that already report what one of lockgate's rules would, on the same line.
COVERED_BY_HADOLINT = {
    "latest-tag": ("DL3006", "DL3007"),
    "root-user": ("DL3002",),
    "secret-in-env": ("DL3064",),
}


def _covered(own: LintFinding, hadolint: list[LintFinding]) -> bool:
    codes = COVERED_BY_HADOLINT.get(own.rule, ())
    return any(h.rule in codes and h.line == own.line for h in hadolint)


HADOLINT_SEVERITY = {"error": "high", "warning": "medium", "info": "low", "style": "info"}


def lint(path: Path, *, use_hadolint: bool = True) -> tuple[list[LintFinding], str]:
    """Findings for `path` and the tool used ("hadolint x.y.z" or "lockgate").

    With hadolint installed: its findings, plus lockgate's where hadolint has no rule for the
    mistake (an ADD of a URL, no USER at all).
    """
    text = path.read_text(errors="replace")
    exe = proc.which("hadolint") if use_hadolint else None
    if exe is None:
        return lint_builtin(text), "lockgate"
    done = proc.run([exe, "--no-fail", "--format", "json", str(path)], timeout=60)
    try:
        items = json.loads(done.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise LockgateError(
            f"hadolint gave no JSON: {done.describe()}",
            hint="check the hadolint install (requirements/tool-hadolint.txt)",
        ) from exc
    lines = text.splitlines()
    found = [
        LintFinding(
            int(i["line"]),
            i["code"],
            i["message"],
            HADOLINT_SEVERITY.get(i.get("level", ""), "low"),
            tool="hadolint",
            snippet=lines[int(i["line"]) - 1] if 0 < int(i["line"]) <= len(lines) else "",
        )
        for i in items
    ]
    found += [f for f in lint_builtin(text) if not _covered(f, found)]
    version = tool_versions.version(exe, _hadolint_version)
    return sorted(found, key=lambda f: f.line), f"hadolint {version}"


def _hadolint_version(exe: str) -> str:
    return proc.run([exe, "--version"], timeout=30).stdout.strip().rsplit(" ", 1)[-1]
