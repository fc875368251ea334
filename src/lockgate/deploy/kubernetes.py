"""kubernetes target: render Deployment, Service and Ingress per environment; apply with kubectl."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from lockgate.deploy.image import slug
from lockgate.deploy.interface import DeployContext, DeployFailed, Live, Release
from lockgate.deploy.scope import dns_label
from lockgate.errors import LockgateError
from lockgate.tools import proc

KUBECTL_HINT = "install kubectl (`apt-get install kubernetes-client`) or clear deploy.kube_context"


def resource_name(ctx: DeployContext, service: str) -> str:
    """The Deployment, Service and Ingress name: an RFC 1035 label (a Service name must start
    with a letter and hold no dots) for any service name, at most 63 characters."""
    return dns_label(f"{service}-{ctx.environment.name}")


def render(ctx: DeployContext, release: Release) -> list[dict[str, Any]]:
    """The Deployment, Service and Ingress of `release` in the environment, as plain data."""
    name = resource_name(ctx, release.service)
    ns = str(ctx.options.get("kube_namespace", "default"))
    labels = {
        "app.kubernetes.io/name": slug(release.service),
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/version": slug(release.version),
        "app.kubernetes.io/managed-by": "lockgate",
        "lockgate.dev/environment": slug(ctx.environment.name),
    }
    selector = {"app.kubernetes.io/instance": name}
    port = int(ctx.container.get("port", 8000))
    meta = {"name": name, "namespace": ns, "labels": labels}
    annotations = {
        "lockgate.dev/commit": release.commit or "",
        "lockgate.dev/image-digest": release.image_digest or "",
    }
    return [
        _deployment(ctx, release, meta, annotations, selector, port),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta,
            "spec": {
                "selector": selector,
                "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
            },
        },
        _ingress(ctx, meta, name),
    ]


def _probe(ctx: DeployContext, period: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": ctx.health.path, "port": "http"},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }


def _deployment(
    ctx: DeployContext,
    release: Release,
    meta: dict[str, Any],
    annotations: dict[str, str],
    selector: dict[str, str],
    port: int,
) -> dict[str, Any]:
    res = {
        "cpu": str(ctx.options.get("cpu", "250m")),
        "memory": str(ctx.options.get("memory", "256Mi")),
    }
    container = {
        "name": "app",
        "image": release.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": [{"name": "LOCKGATE_ENVIRONMENT", "value": ctx.environment.name}],
        "readinessProbe": _probe(ctx, 5, 3),
        "livenessProbe": {**_probe(ctx, 10, 3), "initialDelaySeconds": 10},
        "resources": {"requests": res, "limits": res},
        "securityContext": {
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": False,
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {**meta, "annotations": annotations},
        "spec": {
            "replicas": int(ctx.options.get("replicas", 2)),
            "selector": {"matchLabels": selector},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "template": {
                "metadata": {"labels": meta["labels"], "annotations": annotations},
                "spec": {"containers": [container]},
            },
        },
    }


def _ingress(ctx: DeployContext, meta: dict[str, Any], name: str) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "http": {
            "paths": [
                {
                    "path": "/",
                    "pathType": "Prefix",
                    "backend": {"service": {"name": name, "port": {"name": "http"}}},
                }
            ]
        }
    }
    if ctx.environment.host:
        rule["host"] = ctx.environment.host
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta,
        "spec": {"rules": [rule]},
    }


def write_manifests(ctx: DeployContext, release: Release) -> Path:
    """Write the manifests as one JSON List (kubectl reads JSON) under the state dir."""
    ctx.state_dir.mkdir(parents=True, exist_ok=True)
    path = ctx.state_dir / "manifests.json"
    path.write_text(
        json.dumps({"apiVersion": "v1", "kind": "List", "items": render(ctx, release)}, indent=2)
    )
    return path


class KubernetesTarget:
    name: ClassVar[str] = "kubernetes"

    def check(self, ctx: DeployContext) -> None:
        if ctx.options.get("kube_context") and proc.which("kubectl") is None:
            raise LockgateError("kubectl is not installed", hint=KUBECTL_HINT)

    def plan_only(self, ctx: DeployContext) -> str | None:
        if ctx.options.get("kube_context"):
            return None
        return "no deploy.kube_context is set: the manifests are rendered, not applied"

    def _kubectl(self, ctx: DeployContext, *args: str, timeout: float = 300) -> proc.Completed:
        exe = proc.require("kubectl", KUBECTL_HINT)
        return proc.run(
            [
                exe,
                "--context",
                str(ctx.options["kube_context"]),
                "--namespace",
                str(ctx.options.get("kube_namespace", "default")),
                *args,
            ],
            timeout=timeout,
        )

    def deploy(self, ctx: DeployContext, release: Release) -> Live:
        path = write_manifests(ctx, release)
        since = datetime.now(UTC)
        live = Live(
            ctx.environment.name,
            release.version,
            release.image,
            ctx.environment.url,
            since,
            f"manifests: {path}",
        )
        if not ctx.options.get("kube_context"):
            ctx.notes.append(f"rendered {path} without applying it")
            return live
        done = self._kubectl(ctx, "apply", "-f", str(path))
        if done.returncode != 0:
            raise DeployFailed(f"kubectl apply failed: {done.describe()}")
        deployment = f"deployment/{resource_name(ctx, release.service)}"
        wait = f"{int(ctx.health.timeout)}s"
        done = self._kubectl(
            ctx,
            "rollout",
            "status",
            deployment,
            f"--timeout={wait}",
            timeout=ctx.health.timeout + 60,
        )
        if done.returncode != 0:
            undo = self._kubectl(ctx, "rollout", "undo", deployment)
            back = (
                "rolled back with `kubectl rollout undo`"
                if undo.returncode == 0
                else (f"`kubectl rollout undo` failed too: {undo.describe()}")
            )
            raise DeployFailed(f"the rollout did not finish: {done.describe()}; {back}")
        return live

    def live(self, ctx: DeployContext) -> Live | None:
        path = ctx.state_dir / "manifests.json"
        try:
            items = json.loads(path.read_text())["items"]
        except (OSError, ValueError, KeyError):
            return None
        dep = items[0]
        since = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return Live(
            ctx.environment.name,
            dep["metadata"]["labels"]["app.kubernetes.io/version"],
            dep["spec"]["template"]["spec"]["containers"][0]["image"],
            ctx.environment.url,
            since,
        )

    def remove(self, ctx: DeployContext) -> None:
        path = ctx.state_dir / "manifests.json"
        if ctx.options.get("kube_context") and path.exists():
            self._kubectl(ctx, "delete", "--ignore-not-found", "-f", str(path))
        path.unlink(missing_ok=True)
