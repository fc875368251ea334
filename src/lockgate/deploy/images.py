"""A project's local images that no environment needs any more, and the space removing them frees.

Kept: every image a container runs (of any project), and per environment the newest
`keep` images it ran successfully (what `lockgate rollback` goes back to). Only images of this
project are ever removed: labelled with its scope when lockgate built them, or recorded in its
store as deployed — another checkout's images of the same service stay.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lockgate.deploy.engine import Engine
from lockgate.deploy.image import PROJECT_LABEL
from lockgate.model import Deployment, DeploymentStatus


@dataclass(frozen=True)
class LocalImage:
    id: str  # bare hex, no "sha256:"
    tags: tuple[str, ...]
    labels: Mapping[str, str]
    size: int = 0  # every layer, shared or not
    parent: str = ""  # the image it was built on, when built here (bare hex)


@dataclass(frozen=True)
class Removal:
    image: LocalImage
    freed: int  # bytes the engine no longer holds (layers shared with kept images stay)


def bare(image_id: str | None) -> str:
    return (image_id or "").removeprefix("sha256:")


def local_images(eng: Engine, repository: str) -> list[LocalImage]:
    """The images tagged in `repository` on this machine."""
    ids = eng.run("images", "-q", "--no-trunc", repository, timeout=60).stdout.split()
    ids = list(dict.fromkeys(bare(i) for i in ids if i.strip()))
    if not ids:
        return []
    return inspect(eng, ids)


def inspect(eng: Engine, ids: Sequence[str]) -> list[LocalImage]:
    done = eng.run("image", "inspect", *ids, timeout=120)
    try:
        items = json.loads(done.stdout or "[]")
    except ValueError:
        return []
    found = []
    for item in items if isinstance(items, list) else []:
        labels = item.get("Labels") or (item.get("Config") or {}).get("Labels") or {}
        found.append(
            LocalImage(
                bare(item.get("Id")),
                tuple(item.get("RepoTags") or ()),
                labels,
                int(item.get("Size") or 0),
                bare(item.get("Parent")),
            )
        )
    return found


def ancestors(eng: Engine, image: LocalImage, limit: int = 200) -> list[LocalImage]:
    """The images `image` was built on, nearest first (as far as this machine knows them)."""
    chain: list[LocalImage] = []
    parent = image.parent
    while parent and len(chain) < limit:
        found = inspect(eng, [parent])
        if not found:
            break
        chain.append(found[0])
        parent = found[0].parent
    return chain


def running_images(eng: Engine) -> set[str]:
    """Images of every container on this machine (running or stopped): never removed."""
    names = eng.run("ps", "-aq", timeout=60).stdout.split()
    if not names:
        return set()
    done = eng.run("container", "inspect", *names, timeout=120)
    try:
        items = json.loads(done.stdout or "[]")
    except ValueError:
        return set()
    return {bare(str(item.get("Image") or "")) for item in items if isinstance(item, dict)}


def rollback_images(
    deployments: Iterable[Deployment], environments: Iterable[str], keep: int
) -> set[str]:
    """Per environment, the newest `keep` distinct images it ran successfully, and any image a
    deploy underway is putting there. `deployments` newest first."""
    wanted = set(environments)
    kept: dict[str, list[str]] = {env: [] for env in wanted}
    underway: set[str] = set()
    for dep in deployments:
        image = bare(dep.image_digest)
        if not image or dep.environment not in wanted:
            continue
        mine = kept[dep.environment]
        if dep.status is DeploymentStatus.IN_PROGRESS:
            underway.add(image)
        elif dep.status is DeploymentStatus.SUCCEEDED and image not in mine and len(mine) < keep:
            mine.append(image)
    return underway.union(*kept.values())


def removable(
    images: Sequence[LocalImage],
    scope: str,
    deployed: Iterable[Deployment],
    keep: set[str],
    in_use: set[str],
) -> list[LocalImage]:
    """This project's images (its label, or its deployment records) that nothing keeps."""
    ours = {bare(d.image_digest) for d in deployed if d.image_digest}
    return [
        image
        for image in images
        if (image.labels.get(PROJECT_LABEL) == scope or image.id in ours)
        and image.id not in keep
        and image.id not in in_use
    ]


def remove(eng: Engine, image: LocalImage, repository: str) -> Removal | None:
    """Untag `image` in `repository` (it goes when no other tag holds it); None when it stays."""
    if any(not t.startswith(f"{repository}:") for t in image.tags):
        return None  # tagged elsewhere too: someone else uses it
    chain = ancestors(eng, image)
    unique = 0 if chain else unique_sizes(eng).get(image.id[:12], 0)
    done = eng.run("rmi", *(image.tags or (image.id,)), timeout=120)
    if done.returncode != 0 and eng.image_exists(image.id):
        return None
    # the engine also deletes the build's intermediate images nothing else uses: what went is
    # everything above the nearest ancestor still here (one removal at a time, so exact)
    kept = next((a for a in chain if eng.image_exists(a.id)), None)
    if not chain:
        return Removal(image, unique)
    return Removal(image, image.size - (kept.size if kept is not None else 0))


_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4}


def parse_size(text: str) -> int:
    """`40.49MB`, `0B`, `1.2GB` (the engines' SI units) in bytes; 0 when unreadable."""
    found = re.fullmatch(r"([\d.]+)\s*([kmgt]?b)", text.strip().lower())
    if not found:
        return 0
    try:
        return round(float(found.group(1)) * _UNITS[found.group(2)])
    except ValueError:
        return 0


def unique_sizes(eng: Engine) -> dict[str, int]:
    """Short image id → bytes only that image holds (`system df -v`, Podman and Docker alike)."""
    done = eng.run("system", "df", "-v", timeout=120)
    sizes: dict[str, int] = {}
    for line in done.stdout.splitlines():
        found = re.search(r"(?:^|\s)([0-9a-f]{12})\s", line)
        cells = line.split()
        if found and len(cells) >= 4:
            sizes[found.group(1)] = parse_size(cells[-2])
    return sizes


def human(size: int) -> str:
    for unit, factor in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"
