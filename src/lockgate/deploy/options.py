"""Declared options of the [container], [deploy] and [environments.NAME] config sections."""

from __future__ import annotations

from typing import Any

from lockgate.config.options import Option, command, positive


def _port(value: Any) -> str | None:
    return None if 0 <= value <= 65535 else "a port number between 1 and 65535 (0 = pick one)"


def _status(value: Any) -> str | None:
    return None if 100 <= value <= 599 else "an HTTP status code such as 200"


# fmt: off
CONTAINER_OPTIONS: tuple[Option, ...] = (
    Option("engine", "str", "auto", "Container engine: auto (Podman, else Docker; the first whose engine answers), podman or docker.", choices=("auto", "podman", "docker")),
    Option("file", "str", "", "Containerfile/Dockerfile relative to the project; empty = Containerfile, else Dockerfile, else generated from the stack's template."),
    Option("base_image", "str", "localhost/lockgate-python:bookworm", "Base image (pinned tag or digest) passed as the BASE_IMAGE build argument and used by generated Containerfiles."),
    Option("repository", "str", "", "Image repository; empty = localhost/<service>."),
    Option("pull", "str", "missing", "When the build pulls base images: missing, never (offline machines) or always.", choices=("missing", "never", "always")),
    Option("port", "int", 8000, "Port the service listens on inside the container.", check=_port),
    Option("build_timeout", "float", 900.0, "Seconds a build may take.", check=positive),
    Option("lint", "bool", True, "Lint the Containerfile (hadolint when installed, else lockgate's own rules)."),
    Option("name_prefix", "str", "lockgate-", "Prefix of the names of containers lockgate starts."),
)

DEPLOY_OPTIONS: tuple[Option, ...] = (
    Option("target", "str", "container", "Where deployments go: container (blue/green behind nginx), command (the team's own command) or kubernetes.", choices=("container", "command", "kubernetes")),
    Option("health_path", "str", "/healthz", "Path of the service's health endpoint."),
    Option("health_timeout", "float", 60.0, "Seconds a new release may take to answer its health check.", check=positive),
    Option("health_status", "int", 200, "HTTP status a healthy service answers.", check=_status),
    Option("drain_seconds", "float", 2.0, "Seconds the old release keeps running after the switch at least; it runs on until nginx's old workers finished every request in flight at the switch.", check=positive),
    Option("drain_timeout", "float", 60.0, "Longest time requests in flight at the switch may take to finish (nginx's worker_shutdown_timeout); then nginx closes them and the old release stops.", check=positive),
    Option("command", "list[str]", [], "command target: the deploy command (argv); gets LOCKGATE_IMAGE, LOCKGATE_VERSION, LOCKGATE_ENVIRONMENT, LOCKGATE_COMMIT.", check=command),
    Option("rollback_command", "list[str]", [], "command target: run when the health check after the deploy command fails.", check=command),
    Option("command_timeout", "float", 900.0, "command target: seconds the deploy or rollback command may take.", check=positive),
    Option("kube_context", "str", "", "kubernetes target: kubectl context; empty = only render the manifests."),
    Option("kube_namespace", "str", "default", "kubernetes target: namespace."),
    Option("replicas", "int", 2, "kubernetes target: replicas per environment.", check=positive),
    Option("cpu", "str", "250m", "kubernetes target: CPU request and limit."),
    Option("memory", "str", "256Mi", "kubernetes target: memory request and limit."),
    Option("review_ttl_hours", "float", 72.0, "Hours a review environment lives before `lockgate env prune` removes it.", check=positive),
    Option("keep_images", "int", 3, "`lockgate env prune`: images of this project kept per environment (the newest deployed ones, for rollback); older ones no environment runs are removed.", check=positive),
)

ENVIRONMENT_OPTIONS: tuple[Option, ...] = (
    Option("port", "int", 0, "container target: loopback port nginx listens on for this environment; 0 = pick a free one on first deploy.", check=_port),
    Option("url", "str", "", "URL the environment serves on (command and kubernetes targets; container target: derived from port)."),
    Option("host", "str", "", "kubernetes target: Ingress host name."),
    Option("requires", "list[str]", [], "Environments a version must have succeeded in first (production: [\"staging\"])."),
    Option("branches", "list[str]", [], "Only versions from these branches may deploy here (\"@default\" = project.base_branch); empty = any (production: the default branch)."),
    Option("require_passed_run", "bool", False, "Only versions whose commit has a passed `lockgate run` in the store."),
)
# fmt: on

# Used when lockgate.toml declares no environments. Production's rules are built in (see
# environments.admission): only the default branch, only versions that passed staging and every gate.
DEFAULT_ENVIRONMENTS: tuple[str, ...] = ("review", "staging", "production")
