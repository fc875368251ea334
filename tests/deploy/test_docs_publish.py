"""`[stages.docs] publish`: the deploy serves the run's docs site under /docs/ beside the service."""

from __future__ import annotations

import http.client
import os
import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from lockgate.deploy import docs as published
from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import NO_DOCS_SITE, Source, context, deploy
from lockgate.deploy.nginx import Nginx
from lockgate.model import Status
from lockgate.stages.accessibility import AccessibilityStage
from lockgate.stages.deploy import DeployStage, _docs_site
from lockgate.stages.docs import DocsStage, published_site
from lockgate.store.repository import Store
from tests.deploy.fakes import FakeTarget
from tests.testing.containers import HEALTH, ExampleImage, settings_for, tag
from tests.testing.harness import EXAMPLES, copy_project, make_context


def _site(tmp_path: Path, publish: bool = True) -> tuple[Path, object]:
    """The example's docs result, built as `lockgate run` does (artifacts/<stage>/ of one run)."""
    project = copy_project(EXAMPLES / "tenancy-api", tmp_path / "tenancy-api")
    runs = tmp_path / "report" / "artifacts"
    ctx = make_context(DocsStage, project, runs / "docs", publish=publish)
    ctx = replace(ctx, enabled_stages=(*ctx.enabled_stages, "deploy"))
    return runs, DocsStage().run(ctx)


def _get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("target", "publish", "served", "why"),
    [
        ("container", True, True, None),
        ("container", False, False, None),
        ("command", True, False, "the command target has no nginx front"),
        ("kubernetes", True, False, "the kubernetes target has no nginx front"),
    ],
)
def test_the_deploy_stage_serves_the_site_only_when_asked_and_says_why_not(
    tmp_path: Path, target: str, publish: bool, served: bool, why: str | None
) -> None:
    runs, docs = _site(tmp_path, publish)
    config = {"deploy": {"target": target, "command": ["true"]}}
    ctx = make_context(
        DeployStage, tmp_path, runs / "deploy", config=config, upstream={"docs": docs}
    )
    site, unserved = _docs_site(ctx)
    assert site == (runs / "docs" / "published" if served else None)
    if why is None:
        assert unserved == ()
    else:
        [item] = unserved
        assert why in item.reason and item.fix


def test_publish_on_but_no_site_left_is_unchecked_not_silent(tmp_path: Path) -> None:
    runs, docs = _site(tmp_path)
    shutil.rmtree(runs / "docs" / "published")
    ctx = make_context(DeployStage, tmp_path, runs / "deploy", upstream={"docs": docs})
    site, unserved = _docs_site(ctx)
    assert site is None
    [item] = unserved
    assert "left no site" in item.reason and item.fix


@pytest.mark.parametrize("publish", [True, False])
def test_publish_on_but_the_docs_stage_left_out_of_the_run_is_unchecked_not_silent(
    tmp_path: Path, publish: bool
) -> None:
    # `lockgate run --skip docs` (or a CI job per stage): the deploy has no docs result to serve
    config = {"stages": {"docs": {"publish": publish}}}
    ctx = make_context(DeployStage, tmp_path, tmp_path / "deploy", config=config)
    site, unserved = _docs_site(ctx)
    assert site is None
    if publish:
        [item] = unserved
        assert "did not run" in item.reason and "--skip docs" in item.fix
    else:
        assert unserved == ()


def test_a_deploy_without_a_site_says_the_docs_are_not_served(tmp_path: Path) -> None:
    settings = replace(settings_for(tmp_path), publish_docs=True)
    env = resolve("staging", settings.environments, "main")
    with Store.open(tmp_path) as store:
        out = deploy(
            settings, env, Source(None, "main", "1.0"), store, target=FakeTarget(), build=False
        )
    assert NO_DOCS_SITE in out.notes


def test_nginx_serves_docs_only_when_the_release_has_a_site(tmp_path: Path) -> None:
    plain = Nginx(tmp_path).render(8080, 8081)
    with_docs = Nginx(tmp_path).render(8080, 8081, docs="/run/lockgate/docs/x/y")
    assert "/docs/" not in plain
    assert "location /docs/ {" in with_docs and "alias /run/lockgate/docs/x/y/;" in with_docs


@pytest.mark.slow
@pytest.mark.container
def test_the_published_site_is_served_over_nginx_beside_the_service(
    example_image: ExampleImage, tmp_path: Path, env_name: str
) -> None:
    runs, docs = _site(tmp_path)
    site = published_site(docs, runs)  # type: ignore[arg-type]
    assert site is not None
    tag(example_image.engine, example_image.ref, "docs-1")
    tag(example_image.engine, example_image.ref, "docs-2")
    settings = settings_for(tmp_path)
    env = resolve(env_name, settings.environments, None)
    copies = published.folder(context(settings, env))
    try:
        with Store.open(tmp_path) as store:
            first = deploy(
                settings, env, Source(None, "main", "docs-1"), store, build=False, docs=site
            )
            port = int(first.url.rsplit(":", 1)[1])
            [copy] = list(copies.iterdir())
            if os.geteuid() == 0:  # nginx's workers are `nobody`: the copy is outside the project
                assert not copy.is_relative_to(tmp_path)
                assert stat.S_IMODE(copy.stat().st_mode) == 0o755
                assert stat.S_IMODE((copy / "index.html").stat().st_mode) == 0o644

            status, headers, body = _get(port, "/docs/")
            assert status == 200, body[:300]
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "Tenancy API" in body and "lockgate report" not in body  # no run report here
            for page in sorted(site.glob("*.html")):
                assert _get(port, f"/docs/{page.name}")[0] == 200, page.name
            status, headers, _ = _get(port, "/docs")
            assert (status, headers["Location"]) == (301, "/docs/")
            assert _get(port, HEALTH)[0] == 200  # the service still answers beside it

            a11y = make_context(
                AccessibilityStage, tmp_path, tmp_path / "a11y", url=f"{first.url}/docs/"
            )
            if AccessibilityStage().available(a11y) is None:
                checked = AccessibilityStage().run(a11y)
                # no AA barrier; the AAA abbreviation hint (minor) may name cloud initials
                barriers = [f.message for f in checked.findings if f.rule_id != "abbreviation"]
                assert barriers == [], barriers
                assert checked.status is Status.PASSED, checked.summary

            deploy(settings, env, Source(None, "main", "docs-2"), store, build=False)
            status, _, body = _get(port, "/docs/")
            assert status == 404 and "Tenancy API" not in body  # the service's own answer
            assert not copies.exists()  # no copy left behind
    finally:
        shutil.rmtree(copies, ignore_errors=True)
