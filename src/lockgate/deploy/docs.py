"""A docs site served beside a release under /docs/ (container target): the copies nginx reads.

nginx's workers run as the deploying user, who can read the project, unless lockgate runs as
root: nginx then runs them as `nobody`, who cannot enter a private project folder (403). Root's
copies go to /run/lockgate/docs, made readable by all (nothing else is opened up), and leave at
reboot as nginx's state does. One copy per deploy; the previous one goes once the switch drained.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import stat
from pathlib import Path

from lockgate.deploy.interface import DeployContext, DeployFailed

PATH = "/docs/"  # where the site is served, beside the service
ROOT_COPIES = Path("/run/lockgate/docs")
_SAFE = re.compile(r"[A-Za-z0-9._/@+=,:-]+")  # what an nginx `alias` path may hold unquoted


def folder(ctx: DeployContext) -> Path:
    """This environment's published copies."""
    if os.geteuid() != 0:
        return (ctx.state_dir / "docs").resolve()
    where = str(ctx.state_dir.resolve()).encode("utf-8", "surrogateescape")
    return ROOT_COPIES / hashlib.sha256(where).hexdigest()[:16]


def publish(ctx: DeployContext, site: Path) -> str:
    """A fresh copy of `site` (its regular files; links are left out) that nginx's workers can
    read; its path, for the nginx config."""
    dest = folder(ctx) / secrets.token_hex(8)
    if not _SAFE.fullmatch(str(dest)):
        raise DeployFailed(
            f"the docs site cannot be served from {dest}: nginx's config cannot name that path",
            "move the project to a path of letters, digits and . _ - / only",
        )
    if not (site / "index.html").is_file():
        raise DeployFailed(
            f"no docs site to serve: {site}/index.html does not exist",
            "run the docs stage with the deploy stage (`lockgate run`)",
        )
    try:
        _copy(site, dest)
    except OSError as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise DeployFailed(
            f"could not copy the docs site to {dest}: {exc.strerror or exc}",
            f"make {dest.parent} writable, or set [stages.docs] publish = false",
        ) from exc
    return str(dest)


def _copy(site: Path, dest: Path) -> None:
    dest.mkdir(parents=True)
    top = ROOT_COPIES.parent if dest.is_relative_to(ROOT_COPIES) else dest.parent
    for made in (dest, *dest.parents):  # readable by all, whatever the umask said
        made.chmod(0o755)
        if made == top:
            break
    for path in sorted(site.rglob("*")):  # a folder before what it holds
        mode = path.lstat().st_mode
        target = dest / path.relative_to(site)
        if stat.S_ISDIR(mode):
            target.mkdir(mode=0o755)
            target.chmod(0o755)
        elif stat.S_ISREG(mode):
            shutil.copyfile(path, target)
            target.chmod(0o644)


def prune(ctx: DeployContext, keep: str) -> None:
    """Remove this environment's copies other than `keep` (the one nginx serves now)."""
    base = folder(ctx)
    if not base.is_dir():
        return
    for entry in base.iterdir():
        if str(entry) != keep:
            shutil.rmtree(entry, ignore_errors=True)
    if not keep:
        shutil.rmtree(base, ignore_errors=True)


def nginx_locations(alias: str) -> str:
    """The server block's locations that serve the copy at `alias` under PATH."""
    return f"""        location = {PATH.rstrip("/")} {{
            absolute_redirect off;
            return 301 {PATH};
        }}
        location {PATH} {{
            alias {alias}/;
            index index.html;
            charset utf-8;
            types {{ text/html html; text/css css; image/svg+xml svg; image/png png; }}
            default_type application/octet-stream;
        }}
"""
