"""kubernetes target: manifests valid against the official schemas; apply/rollout/undo through kubectl."""

from __future__ import annotations

import json
import re
from pathlib import Path

import kubernetes_validate
import pytest

from lockgate.deploy.containerfile import find_or_generate, parse
from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Source, context, deploy
from lockgate.deploy.interface import DeployFailed, Release
from lockgate.deploy.kubernetes import KubernetesTarget, render, resource_name, write_manifests
from lockgate.store.repository import Store
from tests.testing.containers import settings_for
from tests.testing.harness import FIXTURES

K8S_VERSION = "1.30.0"
RELEASE = Release(
    "tenancy-api",
    "1.4.2",
    "registry.example.invalid/tenancy-api:1.4.2",
    commit="ab" * 20,
    image_digest="sha256:" + "cd" * 32,
)


def _ctx(tmp_path: Path, **deploy: object):  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path, **deploy)
    return context(settings, resolve("review", settings.environments, "feature/Login"))


def test_manifests_are_valid_against_the_kubernetes_schemas(tmp_path: Path) -> None:
    docs = render(_ctx(tmp_path), RELEASE)
    assert [d["kind"] for d in docs] == ["Deployment", "Service", "Ingress"]
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_an_invalid_manifest_is_caught_by_the_schema_check(tmp_path: Path) -> None:
    dep = render(_ctx(tmp_path), RELEASE)[0]
    dep["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(dep, K8S_VERSION, strict=True)


def test_probes_resources_and_labels_come_from_the_config(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, cpu="500m", memory="1Gi", replicas=3)
    dep, svc, ing = render(ctx, RELEASE)
    pod = dep["spec"]["template"]["spec"]["containers"][0]
    assert pod["readinessProbe"]["httpGet"]["path"] == "/api/v1/healthcheck/ping"
    assert pod["livenessProbe"]["httpGet"]["path"] == "/api/v1/healthcheck/ping"
    assert pod["resources"]["limits"] == {"cpu": "500m", "memory": "1Gi"}
    assert dep["spec"]["replicas"] == 3
    assert dep["metadata"]["name"] == "tenancy-api-review-feature-login"
    assert dep["metadata"]["labels"]["app.kubernetes.io/version"] == "1.4.2"
    assert svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"]
    assert (
        ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"]
        == svc["metadata"]["name"]
    )


def test_without_a_context_it_only_renders(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    live = KubernetesTarget().deploy(ctx, RELEASE)
    data = json.loads((ctx.state_dir / "manifests.json").read_text())
    assert data["kind"] == "List" and len(data["items"]) == 3
    assert any("without applying" in n for n in ctx.notes)
    assert KubernetesTarget().live(ctx).version == "1.4.2"  # type: ignore[union-attr]
    assert live.version == "1.4.2"


def _fake_kubectl(tmp_path: Path, rollout_exit: int) -> Path:
    log = tmp_path / "kubectl.log"
    script = tmp_path / "kubectl"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {log}\n'
        f'case "$*" in *"rollout status"*) echo "timed out waiting" >&2; exit {rollout_exit};; esac\n'
        "exit 0\n"
    )
    script.chmod(0o755)
    return log


def test_apply_waits_for_the_rollout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _fake_kubectl(tmp_path, rollout_exit=0)
    monkeypatch.setenv("LOCKGATE_KUBECTL_BIN", str(tmp_path / "kubectl"))
    KubernetesTarget().deploy(_ctx(tmp_path, kube_context="dev"), RELEASE)
    calls = log.read_text().splitlines()
    assert calls[0].startswith("--context dev --namespace default apply -f ")
    assert "rollout status deployment/tenancy-api-review-feature-login" in calls[1]
    assert len(calls) == 2


def test_a_failed_rollout_is_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _fake_kubectl(tmp_path, rollout_exit=1)
    monkeypatch.setenv("LOCKGATE_KUBECTL_BIN", str(tmp_path / "kubectl"))
    with pytest.raises(DeployFailed) as err:
        KubernetesTarget().deploy(_ctx(tmp_path, kube_context="dev"), RELEASE)
    assert "rolled back with `kubectl rollout undo`" in err.value.message
    assert "rollout undo deployment/tenancy-api-review-feature-login" in log.read_text()


def test_render_only_is_not_recorded_as_a_deployment(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, target="kubernetes")
    env = resolve("staging", settings.environments, None)
    with Store.open(tmp_path) as store:
        out = deploy(settings, env, Source("ab" * 20, "main", "1.0"), store)
        assert out.deployment.id is None and "not applied" in out.deployment.detail
        assert store.deployments() == []
    assert (tmp_path / ".lockgate/env/staging/manifests.json").is_file()


DNS_LABEL = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?")


@pytest.mark.parametrize(
    "service",
    ["tenancy-api", "shop.api", "3d-viewer", "Über Service", "a_b", "x" * 100, "9" * 70],
)
def test_names_are_dns_labels_and_every_rendered_item_validates(
    tmp_path: Path, service: str
) -> None:
    ctx = _ctx(tmp_path)
    release = Release(service, "1.4.2+build.7", "registry.example.invalid/svc:1.4.2", "ab" * 20)
    items = json.loads(write_manifests(ctx, release).read_text())["items"]
    names = {item["metadata"]["name"] for item in items}
    assert len(names) == 1
    [name] = names
    assert DNS_LABEL.fullmatch(name), name  # Service and Deployment names: RFC 1035 labels
    backend = items[2]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"]
    assert backend == name
    for item in items:  # kubernetes-validate has no schema for the List wrapper
        for value in item["metadata"]["labels"].values():
            assert LABEL_VALUE.fullmatch(value), value
        kubernetes_validate.validate(item, K8S_VERSION, strict=True)


def test_long_service_names_stay_apart(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    one = resource_name(ctx, "a" * 70 + "-billing")
    two = resource_name(ctx, "a" * 70 + "-shipping")
    assert one != two and len(one) <= 63 and len(two) <= 63


@pytest.mark.parametrize("stack", ["python-stack", "node-stack", "dotnet-stack"])
def test_generated_containerfiles_run_as_a_numeric_user_for_run_as_non_root(
    tmp_path: Path, stack: str
) -> None:
    src = find_or_generate(
        FIXTURES / "deploy" / stack, tmp_path, file="", base_image="", port=8000, health_path="/"
    )
    users = [i.args for i in parse(src.path.read_text()) if i.keyword == "USER"]
    assert users, "no USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) > 0, users[-1]  # runAsNonRoot cannot verify a user name
