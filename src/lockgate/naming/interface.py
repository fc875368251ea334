"""What the naming readers produce and the rules consume: named objects and files they could not read."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lockgate.naming.limits import Platform

# A name built from an expression (`${var.name}-api`) holds this in place of each expression.
HOLE = "\x00"


class ObjectKind(enum.StrEnum):
    """What a name names; `[naming] casing` and `templates` are keyed by these."""

    REPOSITORY = "repository"
    PACKAGE = "package"  # pyproject.toml, package.json, *.gemspec
    DOTNET_PACKAGE = "dotnet-package"  # *.csproj (Pascal.Dotted by .NET convention)
    IMAGE = "image"  # the container image repository
    TERRAFORM_LABEL = "terraform-label"  # resource "aws_s3_bucket" "THIS"
    TERRAFORM_NAME = "terraform-name"  # name / bucket / identifier attributes
    KUBERNETES = "kubernetes"  # metadata.name of a manifest
    ENVIRONMENT = "environment"  # [environments.NAME]
    HOSTNAME = "hostname"  # an environment's host
    ENV_VAR = "env-var"  # environment variables in Containerfiles, .env files and manifests


@dataclass(frozen=True)
class NamedObject:
    kind: ObjectKind
    name: str  # HOLE marks the parts an expression computes
    what: str  # which object, for people: 'aws_s3_bucket.rents bucket'
    path: str  # relative POSIX path of the declaring file
    line: int
    platform: Platform = Platform.NONE
    tags: Mapping[str, str] | None = None  # the tags of a taggable resource, when literal
    tags_unknown: bool = False  # tags set by an expression (merge(...), local.tags)
    taggable: bool = False

    @property
    def computed(self) -> bool:
        return HOLE in self.name


@dataclass(frozen=True)
class Unread:
    """A file (or value) a reader could not read: named, never silently passed."""

    path: str
    reason: str
    fix: str


@dataclass(frozen=True)
class Found:
    objects: tuple[NamedObject, ...] = ()
    unread: tuple[Unread, ...] = ()
    files: int = 0  # files the reader read


@dataclass(frozen=True)
class Source:
    """What every reader is given: the project and what the config already knows."""

    root: Path
    files: tuple[str, ...]  # the project's files (relative POSIX paths)
    service: str
    image_repository: str
    environments: Mapping[str, str] = field(default_factory=dict)  # name -> host ("" if none)


class Reader(Protocol):
    def __call__(self, source: Source) -> Found: ...
