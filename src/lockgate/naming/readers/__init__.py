"""One module per kind of file that declares names; `ALL` runs them in order."""

from __future__ import annotations

from lockgate.naming.interface import Reader
from lockgate.naming.readers import envvars, kubernetes, packages, repository, settings, terraform

ALL: dict[str, Reader] = {
    "repository": repository.read,
    "packages": packages.read,
    "settings": settings.read,
    "terraform": terraform.read,
    "kubernetes": kubernetes.read,
    "env-vars": envvars.read,
}
