"""What runs where: declared environments, review environments on disk, warnings for long-lived ones."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lockgate.deploy.environments import resolve
from lockgate.deploy.flow import Source, deploy
from lockgate.deploy.overview import overview, render_rows
from lockgate.model import Deployment, DeploymentStatus
from lockgate.store.repository import Store
from tests.deploy.fakes import FakeTarget
from tests.testing.containers import settings_for


def _record(project: Path, name: str, kind: str, age: timedelta) -> None:
    d = project / ".lockgate/env" / name
    d.mkdir(parents=True)
    created = (datetime.now(UTC) - age).isoformat(timespec="seconds")
    (d / "env.json").write_text(json.dumps({"name": name, "kind": kind, "created": created}))


def test_status_shows_version_and_warns_about_long_lived_environments(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    target = FakeTarget()
    _record(tmp_path, "review-old-branch", "review", timedelta(hours=100))
    _record(tmp_path, "qa-2019", "qa", timedelta(days=400))
    with Store.open(tmp_path) as store:
        env = resolve("staging", settings.environments, None)
        deploy(settings, env, Source(None, "main", "3.1"), store, target=target, build=False)
        rows = overview(settings, store, target=target)
    by_name = {r.environment: r for r in rows}
    assert list(by_name) == ["staging", "production", "qa-2019", "review-old-branch"]
    assert by_name["staging"].version == "3.1"
    assert by_name["staging"].last_deploy.startswith("succeeded ")
    assert by_name["production"].version == "-"
    assert "past the 72 h TTL" in by_name["review-old-branch"].warning
    assert "not declared" in by_name["qa-2019"].warning
    text = render_rows(rows, ("environment", "url", "version", "since", "age", "state"))
    assert "warning: qa-2019:" in text and "warning: review-old-branch:" in text


def test_status_shows_a_deploy_whose_process_died_as_interrupted_not_in_progress(
    tmp_path: Path,
) -> None:
    script = textwrap.dedent(f"""
        from pathlib import Path
        from lockgate.store.repository import Store
        from tests.deploy.test_flow import _deploy
        from tests.deploy.fakes import FakeTarget
        root = Path({str(tmp_path)!r})
        with Store.open(root) as store:
            _deploy(root, store, FakeTarget(exit_versions={{"1.0"}}), "1.0")
    """)
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    settings = settings_for(tmp_path)
    with Store.open(tmp_path) as store:
        rows = {r.environment: r for r in overview(settings, store, target=FakeTarget())}
        assert rows["staging"].last_deploy.startswith("failed (interrupted: its process died) ")
        [dep] = store.deployments(environment="staging")
        assert dep.status is DeploymentStatus.IN_PROGRESS  # status only reads; deploys mark it


def test_status_keeps_a_live_deploy_in_progress(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with Store.open(tmp_path) as store:
        store.add_deployment(
            Deployment(
                "tenancy-api",
                "staging",
                "1.0",
                None,
                None,
                datetime.now(UTC),
                DeploymentStatus.IN_PROGRESS,
                "me",
            )
        )  # this very process: alive
        rows = {r.environment: r for r in overview(settings, store, target=FakeTarget())}
    assert rows["staging"].last_deploy.startswith("in_progress ")
