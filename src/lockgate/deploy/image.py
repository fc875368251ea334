"""Build the service's image: Containerfile, tags (commit sha, version), OCI labels, digest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lockgate import fsutil
from lockgate.deploy import containerfile, engine
from lockgate.errors import LockgateError
from lockgate.tools import proc


@dataclass(frozen=True)
class BuildRequest:
    project: Path
    service: str
    out_dir: Path  # build log, generated Containerfile, image.json
    container: Mapping[str, Any]  # the [container] section
    health_path: str = "/healthz"
    commit: str | None = None
    version: str | None = None
    scope: str = ""  # the project's identity (deploy.scope), labelled so `env prune` knows its own


@dataclass(frozen=True)
class BuiltImage:
    ref: str  # repository:tag to run
    tags: tuple[str, ...]
    digest: str  # sha256 of the image config (the image id): the same on every machine and registry
    manifest_digest: str  # the engine's local manifest digest ("" when it has none, as Docker)
    size: int
    seconds: float
    source: containerfile.Source
    engine: str  # "podman 4.3.1"


def slug(text: str) -> str:
    """A tag/name-safe form of `text`: lower case, [a-z0-9.-], at most 63 characters."""
    s = re.sub(r"[^a-z0-9.-]+", "-", text.lower()).strip("-.")
    return s[:63].strip("-.") or "x"


def repository(service: str, container: Mapping[str, Any]) -> str:
    return str(container.get("repository") or f"localhost/{slug(service)}")


def source_tag(project: Path, commit: str | None) -> str:
    """The commit sha (12 characters); `<sha>-dirty-<digest>` with uncommitted changes, so a
    build of changed files never overwrites the commit's own tag; a files digest outside git."""
    if commit:
        return commit[:12] + (dirty_suffix(project) if is_dirty(project) else "")
    return "files-" + fsutil.digest_files(project, fsutil.project_files(project))[:12]


def dirty_suffix(project: Path) -> str:
    """`-dirty-<digest of the files>`: what marks a version built from uncommitted changes."""
    return f"-dirty-{fsutil.digest_files(project, fsutil.project_files(project))[:8]}"


def is_dirty(project: Path) -> bool:
    """True when git reports uncommitted changes (lockgate's own state folder aside)."""
    if proc.which("git") is None:
        return False
    argv = ["git", "status", "--porcelain", "--", ".", ":(exclude).lockgate"]
    done = proc.run(argv, cwd=project, timeout=60)
    return done.returncode == 0 and bool(done.stdout.strip())


def build_image(req: BuildRequest, eng: engine.Engine | None = None) -> BuiltImage:
    """Build (or reuse, when the commit's tag already exists and the tree is clean) the image."""
    eng = eng or engine.detect(str(req.container.get("engine", "auto")))
    src = containerfile.find_or_generate(
        req.project,
        req.out_dir,
        file=str(req.container.get("file", "")),
        base_image=str(req.container.get("base_image", "")),
        port=int(req.container.get("port", 8000)),
        health_path=req.health_path,
    )
    repo = repository(req.service, req.container)
    tags = [f"{repo}:{source_tag(req.project, req.commit)}"]
    if req.version:
        tags.append(f"{repo}:{slug(req.version)}")
    labels = _labels(req)
    args = (
        {"BASE_IMAGE": str(req.container["base_image"])} if req.container.get("base_image") else {}
    )
    argv_extra = _engine_args(eng, str(req.container.get("pull", "missing")))
    req.out_dir.mkdir(parents=True, exist_ok=True)
    done = eng.run(
        "build",
        *argv_extra,
        "-f",
        str(src.path),
        *_ignore_args(eng, src, req.project, req.out_dir),
        *[a for t in tags for a in ("-t", t)],
        *[a for k, v in labels.items() for a in ("--label", f"{k}={v}")],
        *[a for k, v in args.items() for a in ("--build-arg", f"{k}={v}")],
        str(req.project),
        timeout=float(req.container.get("build_timeout", 900.0)),
    )
    log = req.out_dir / "build.log"
    log.write_text(done.stdout + "\n" + done.stderr)
    if done.returncode != 0 or done.timed_out:
        raise _build_error(done, src, log)
    info = eng.image_info(tags[0])
    return BuiltImage(
        ref=tags[-1],
        tags=tuple(tags),
        digest=_image_id(info),
        manifest_digest=str(info.get("Digest") or ""),
        size=int(info.get("Size") or 0),  # type: ignore[call-overload]
        seconds=done.duration,
        source=src,
        engine=f"{eng.name} {eng.version()}",
    )


def _image_id(info: dict[str, object]) -> str:
    raw = str(info.get("Id") or "")
    return raw if raw.startswith("sha256:") else f"sha256:{raw}"


STATE_DIR = ".lockgate"
PROJECT_LABEL = "dev.lockgate.project"  # deploy.images reads it back


def _ignore_args(
    eng: engine.Engine, src: containerfile.Source, project: Path, out_dir: Path
) -> list[str]:
    """podman's --ignorefile: lockgate's default for a generated Containerfile, else the project's
    own ignore file plus lockgate's state folder (its store and reports never go into an image).
    Docker reads <Dockerfile>.dockerignore beside a generated file, and the project's own else."""
    if eng.name != "podman":
        return []
    if src.ignore_file is not None:
        return ["--ignorefile", str(src.ignore_file)]
    own = next((project / n for n in containerfile.IGNORE_NAMES if (project / n).is_file()), None)
    text = own.read_text(errors="replace").rstrip() if own else ""
    if STATE_DIR in {line.strip().strip("/") for line in text.splitlines()}:
        return []  # the project's own file already keeps it out
    ignore = out_dir / "build.containerignore"
    added = f"# added by lockgate: its state stays out of images\n{STATE_DIR}\n"
    ignore.write_text(f"{text}\n{added}" if text else added)
    return ["--ignorefile", str(ignore)]


def _engine_args(eng: engine.Engine, pull: str) -> list[str]:
    if eng.name == "podman":  # docker format keeps HEALTHCHECK, which OCI format drops
        return ["--format", "docker", f"--pull={pull}"]
    return ["--pull"] if pull == "always" else []  # docker build pulls only what is missing


def _labels(req: BuildRequest) -> dict[str, str]:
    labels = {
        "org.opencontainers.image.created": datetime.now(UTC).isoformat(timespec="seconds"),
        "org.opencontainers.image.source": _source_url(req.project) or req.service,
        "org.opencontainers.image.title": req.service,
    }
    if req.commit:
        labels["org.opencontainers.image.revision"] = req.commit
    if req.version:
        labels["org.opencontainers.image.version"] = req.version
    if req.scope:
        labels[PROJECT_LABEL] = req.scope
    return labels


def _source_url(project: Path) -> str | None:
    if not (project / ".git").exists() or proc.which("git") is None:
        return None
    done = proc.run(["git", "config", "--get", "remote.origin.url"], cwd=project, timeout=10)
    return done.stdout.strip() or None


def _build_error(done: proc.Completed, src: containerfile.Source, log: Path) -> LockgateError:
    if done.timed_out:
        return LockgateError(
            "the image build timed out",
            where=str(src.path),
            hint="raise container.build_timeout or make the build smaller",
        )
    tail = "\n".join((done.stderr.strip() or done.stdout.strip()).splitlines()[-8:])
    step = re.findall(r"STEP \d+/\d+: (.+)", done.stdout + done.stderr)
    at = f" at `{step[-1]}`" if step else ""
    return LockgateError(
        f"the image build failed{at} (exit {done.returncode}); full log: {log}\n{tail}",
        where=str(src.path),
        hint="fix the failing Containerfile step; base images must exist locally "
        "(container.base_image) because this machine has no registry",
    )
