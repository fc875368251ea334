"""Kubernetes object names (metadata.name) and container environment variable names in manifests."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import yaml  # type: ignore[import-untyped]

from lockgate.naming.interface import HOLE, Found, NamedObject, ObjectKind, Source, Unread
from lockgate.naming.limits import Platform
from lockgate.naming.readers.text import read_text

# Helm/Go template expressions ({{ .Values.name }}) stand for computed parts of a name.
_TEMPLATE = re.compile(r"\{\{.*?\}\}")
_MARK = "lockgateexpr0"

# Kinds whose names become DNS labels (Services, Namespaces); others are DNS subdomains.
_LABEL_KINDS = frozenset({"Service", "Namespace"})


def read(source: Source) -> Found:
    objects: list[NamedObject] = []
    unread: list[Unread] = []
    files = 0
    for path in source.files:
        if PurePosixPath(path).suffix not in (".yaml", ".yml"):
            continue
        text = read_text(source.root, path)
        if isinstance(text, Unread):
            unread.append(text)
            continue
        if "apiVersion" not in text or "kind" not in text:
            continue
        files += 1
        try:
            nodes = list(yaml.compose_all(_TEMPLATE.sub(_MARK, text), Loader=yaml.SafeLoader))
        except (yaml.YAMLError, RecursionError) as exc:
            unread.append(
                Unread(
                    path,
                    f"is not valid YAML: {exc}".replace("\n", " "),
                    f"fix the YAML syntax of {path}",
                )
            )
            continue
        for node in nodes:
            objects += _manifest(path, node)
    return Found(tuple(objects), tuple(unread), files)


def _get(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _manifest(path: str, node: Any) -> list[NamedObject]:
    kind, meta = _get(node, "kind"), _get(node, "metadata")
    if kind is None or _get(node, "apiVersion") is None:
        return []
    if kind.value == "List":
        items = _get(node, "items")
        return [
            o for item in (items.value if items is not None else []) for o in _manifest(path, item)
        ]
    name = _get(meta, "name")
    out = []
    if isinstance(name, yaml.ScalarNode):
        platform = (
            Platform.K8S_DNS_LABEL if kind.value in _LABEL_KINDS else Platform.K8S_DNS_SUBDOMAIN
        )
        out.append(
            NamedObject(
                ObjectKind.KUBERNETES,
                str(name.value).replace(_MARK, HOLE),
                f"{kind.value} {str(name.value).replace(_MARK, '{{…}}')}",
                path,
                name.start_mark.line + 1,
                platform,
            )
        )
    out += _env_names(path, node)
    return out


def _env_names(path: str, node: Any) -> list[NamedObject]:
    """`env: [{name: ...}]` of every container, wherever the pod template sits."""
    out: list[NamedObject] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "env" and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    name = _get(item, "name")
                    if isinstance(name, yaml.ScalarNode):
                        out.append(
                            NamedObject(
                                ObjectKind.ENV_VAR,
                                str(name.value),
                                f"environment variable {name.value}",
                                path,
                                name.start_mark.line + 1,
                            )
                        )
            else:
                out += _env_names(path, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            out += _env_names(path, item)
    return out
