"""Terraform resources: the type, the label, and the name/bucket/identifier/tags attributes."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from lockgate.naming import hcl, limits
from lockgate.naming.interface import HOLE, Found, NamedObject, ObjectKind, Source, Unread
from lockgate.naming.limits import Platform
from lockgate.naming.readers.text import read_text

NAME_ATTRIBUTES = ("name", "bucket", "identifier")


def read(source: Source) -> Found:
    paths = [
        p
        for p in source.files
        if PurePosixPath(p).suffix == ".tf" and "/.terraform/" not in f"/{p}"
    ]
    if paths and (missing := hcl.available()) is not None:
        return Found(
            unread=(Unread(f"{len(paths)} Terraform file(s)", missing, "run scripts/bootstrap"),)
        )
    objects: list[NamedObject] = []
    unread: list[Unread] = []
    for path in paths:
        text = read_text(source.root, path)
        if isinstance(text, Unread):
            unread.append(text)
            continue
        try:
            blocks = hcl.parse(text)
        except hcl.HclError as exc:
            where = f"{path}:{exc.line}" if exc.line else path
            unread.append(
                Unread(
                    where,
                    f"the HCL parser cannot read it: {exc}",
                    "fix the syntax (terraform fmt / terraform validate show where)",
                )
            )
            continue
        for block in blocks:
            if block.type == "resource" and len(block.labels) == 2:
                objects += _resource(path, block)
    return Found(tuple(objects), tuple(unread), len(paths))


def _resource(path: str, block: hcl.Block) -> list[NamedObject]:
    rtype, label = block.labels
    tags = block.body.get("tags")
    literal_tags = tags if isinstance(tags, dict) else None
    out = [
        NamedObject(
            ObjectKind.TERRAFORM_LABEL,
            label,
            f"{rtype}.{label}",
            path,
            block.line,
            tags={str(k): str(v) for k, v in literal_tags.items()}
            if literal_tags is not None
            else None,
            tags_unknown=tags is not None and literal_tags is None,
            taggable=rtype in limits.TAGGABLE,
        )
    ]
    platforms = limits.TERRAFORM.get(rtype, {})
    for attr in dict.fromkeys((*NAME_ATTRIBUTES, *platforms)):
        value = block.body.get(attr)
        if not isinstance(value, str):
            continue
        out.append(
            NamedObject(
                ObjectKind.TERRAFORM_NAME,
                holes(value),
                f"{rtype}.{label} {attr}",
                path,
                block.lines.get(attr, block.line),
                platforms.get(attr, Platform.NONE),
            )
        )
    return out


def holes(value: Any) -> str:
    """`value` with every `${...}` expression (nested braces included) replaced by HOLE."""
    text, out, i = str(value), [], 0
    while i < len(text):
        if text.startswith("${", i):
            depth, j = 0, i + 1
            while j < len(text):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            out.append(HOLE)
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
