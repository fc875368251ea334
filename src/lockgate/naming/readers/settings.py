"""Names lockgate's own config declares: the image repository, environments and their hosts."""

from __future__ import annotations

import ipaddress

from lockgate.naming.interface import Found, NamedObject, ObjectKind, Source
from lockgate.naming.limits import Platform
from lockgate.naming.readers.text import line_of, read_text

CONFIG = "lockgate.toml"


def _local(host: str) -> bool:
    """An address or this machine: not a name the policy governs."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")


def read(source: Source) -> Found:
    text = read_text(source.root, CONFIG) if (source.root / CONFIG).is_file() else ""
    text = text if isinstance(text, str) else ""

    def line(value: str) -> int:
        return line_of(text, value) if text else 1

    objects: list[NamedObject] = []
    if source.image_repository:
        repo = source.image_repository
        objects.append(
            NamedObject(
                ObjectKind.IMAGE,
                repo,
                f"image {repo}",
                CONFIG,
                line(repo),
                Platform.IMAGE_REPOSITORY,
            )
        )
    for env, host in source.environments.items():
        objects.append(
            NamedObject(
                ObjectKind.ENVIRONMENT,
                env,
                f"environment {env}",
                CONFIG,
                line(f"environments.{env}"),
                Platform.K8S_DNS_LABEL,
            )
        )
        if host and not _local(host):
            objects.append(
                NamedObject(
                    ObjectKind.HOSTNAME,
                    host,
                    f"host of {env}",
                    CONFIG,
                    line(host),
                    Platform.K8S_DNS_SUBDOMAIN,
                )
            )
    return Found(objects=tuple(objects), files=1 if text else 0)
