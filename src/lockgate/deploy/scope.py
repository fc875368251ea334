"""Names of what lockgate runs for a project: DNS labels, scoped by the project's identity.

Two checkouts of one service on one machine (two clones, a demo beside a checkout) must never
share a container name, or one's deploy removes the other's live container.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Protocol

MAX_LABEL = 63  # RFC 1035 / Kubernetes DNS label


def dns_label(text: str, max_len: int = MAX_LABEL) -> str:
    """`text` as an RFC 1035 label: a-z, 0-9 and '-', starting with a letter, ending with a letter
    or digit, at most `max_len` characters. A name cut to fit ends with a hash of the whole text,
    so two long names that share their start stay apart."""
    label = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not label[:1].isalpha():
        label = f"x-{label}".rstrip("-")
    if len(label) > max_len:
        digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]
        label = f"{label[: max_len - len(digest) - 1].rstrip('-')}-{digest}"
    return label


class Identified(Protocol):
    """What a scope is made of (deploy.flow.Settings has it)."""

    @property
    def project(self) -> Path: ...

    @property
    def service(self) -> str: ...

    @property
    def project_id(self) -> str | None: ...


def deploy_scope(settings: Identified) -> str:
    """The project's identity in the names of what it runs on this machine: the configured
    project id (else the service name) and a short hash of the project's resolved path.

    The path is always part of it: a configured id is committed with lockgate.toml, so two
    clones of one repository share it, and they must still not share containers."""
    where = str(settings.project.resolve()).encode("utf-8", "surrogateescape")
    name = dns_label(settings.project_id or settings.service, 31)
    return f"{name}-{hashlib.sha256(where).hexdigest()[:8]}"
