"""build stage: the example's image with tags, OCI labels and digest; lint findings; clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lockgate.model import Status
from lockgate.stages.build import BuildStage
from lockgate.stages.interface import GitInfo
from tests.testing.containers import (
    HEALTH,
    PREFIX,
    ExampleImage,
    engine_or_skip,
    git,
    shared_example,
)
from tests.testing.harness import FIXTURES, copy_project, make_context


@pytest.fixture(scope="session")
def example_image(tmp_path_factory: pytest.TempPathFactory) -> ExampleImage:
    return shared_example(tmp_path_factory)


def _config(**container: object) -> dict[str, object]:
    given = {"name_prefix": PREFIX, "pull": "never", **container}
    return {"container": given, "deploy": {"health_path": HEALTH}}


def _run(project: Path, tmp_path: Path, version: str = "", **container: object):  # type: ignore[no-untyped-def]
    commit = git(project, "rev-parse", "HEAD") if (project / ".git").exists() else None
    ctx = make_context(
        BuildStage,
        project,
        tmp_path / "artifacts",
        config=_config(**container),
        git=GitInfo(is_repo=bool(commit), commit=commit),
        version=version,
    )
    stage = BuildStage()
    assert stage.available(ctx) is None
    return stage.run(ctx), commit


@pytest.mark.slow
@pytest.mark.container
def test_builds_the_example_with_tags_labels_and_digest(
    example_image: ExampleImage, tmp_path: Path
) -> None:
    result, commit = _run(example_image.project, tmp_path, version="1.2.3")
    assert result.status is Status.PASSED, result.summary
    assert commit is not None
    info = json.loads((tmp_path / "artifacts/image.json").read_text())
    assert info["digest"].startswith("sha256:")
    assert info["tags"] == [f"localhost/tenancy-api:{commit[:12]}", "localhost/tenancy-api:1.2.3"]
    labels = example_image.engine.image_info(info["ref"])["Labels"]
    assert labels["org.opencontainers.image.revision"] == commit
    assert labels["org.opencontainers.image.version"] == "1.2.3"
    assert labels["org.opencontainers.image.created"].startswith("20")
    assert labels["org.opencontainers.image.source"]
    assert {m.name for m in result.metrics} == {"image_size", "build_time"}
    assert dict(result.tool_versions)["engine"].startswith("podman")


@pytest.mark.slow
@pytest.mark.container
def test_a_generated_containerfile_builds(tmp_path: Path) -> None:
    engine_or_skip()
    project = copy_project(FIXTURES / "deploy/python-stack", tmp_path / "python-stack")
    result, _ = _run(project, tmp_path, base_image="localhost/lockgate-python:bookworm")
    assert result.status is Status.PASSED, result.summary
    assert "generated python Containerfile" in result.summary
    assert (tmp_path / "artifacts/Containerfile.generated").is_file()


@pytest.mark.slow
@pytest.mark.container
def test_a_failing_build_is_an_error_naming_the_step(tmp_path: Path) -> None:
    engine_or_skip()
    project = copy_project(FIXTURES / "deploy/build-fails", tmp_path / "build-fails")
    result, _ = _run(project, tmp_path)
    assert result.status is Status.ERROR
    assert "the image build failed at `RUN echo" in result.summary
    assert "exit 7" in result.summary or "exit status 7" in result.summary
    assert (tmp_path / "artifacts/build.log").is_file()


@pytest.mark.slow
@pytest.mark.container
def test_lint_findings_have_lines_and_fingerprints(tmp_path: Path) -> None:
    engine_or_skip()
    project = copy_project(FIXTURES / "deploy/lint-faults", tmp_path / "lint-faults")
    result, _ = _run(project, tmp_path, pull="never")
    assert result.status is Status.ERROR  # debian:latest is not here, and never pulled
    lines = {(f.location.path, f.location.start_line) for f in result.findings if f.location}
    assert ("Containerfile", 1) in lines and ("Containerfile", 4) in lines
    assert all(f.fingerprint and f.stage == "build" for f in result.findings)


def test_no_containerfile_and_no_stack_is_an_error(tmp_path: Path) -> None:
    project = shutil.copytree(FIXTURES / "deploy/no-stack", tmp_path / "no-stack")
    ctx = make_context(BuildStage, project, tmp_path / "artifacts")
    result = BuildStage().run(ctx)
    assert result.status is Status.ERROR
    assert "cannot tell the stack" in result.summary and "add a Containerfile" in result.summary


def test_unavailable_without_an_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKGATE_PODMAN_BIN", str(tmp_path / "none"))
    monkeypatch.setenv("LOCKGATE_DOCKER_BIN", str(tmp_path / "none"))
    ctx = make_context(BuildStage, tmp_path, tmp_path / "artifacts")
    why = BuildStage().available(ctx)
    assert why is not None and "no container engine answers" in why and "install Podman" in why


@pytest.mark.slow
@pytest.mark.container
def test_a_generated_containerfile_leaves_state_git_and_secrets_out_of_the_image(
    tmp_path: Path,
) -> None:
    from lockgate.deploy.image import BuildRequest, build_image

    eng = engine_or_skip()
    project = copy_project(FIXTURES / "deploy/python-stack", tmp_path / "python-stack")
    (project / ".env").write_text("API_TOKEN=not-a-real-one\n")
    (project / ".lockgate").mkdir()
    (project / ".lockgate" / "lockgate.db").write_text("store")
    built = build_image(
        BuildRequest(
            project=project,
            service="lockgate-test-ignore",
            out_dir=project / ".lockgate" / "build",
            container={"base_image": "localhost/lockgate-python:bookworm", "pull": "never"},
            health_path=HEALTH,
            commit=None,
            version="",
        ),
        eng,
    )
    try:
        listing = eng.run("run", "--rm", "--entrypoint", "ls", built.ref, "-a", "/app")
        assert listing.returncode == 0, listing.describe()
        files = listing.stdout.split()
        assert "app.py" in files
        assert ".env" not in files and ".lockgate" not in files
    finally:
        eng.run("rmi", "-f", *built.tags)


@pytest.mark.slow
@pytest.mark.container
def test_lockgate_state_stays_out_of_an_image_built_from_the_projects_own_containerfile(
    tmp_path: Path,
) -> None:
    from lockgate.deploy.image import BuildRequest, build_image

    eng = engine_or_skip()
    project = tmp_path / "own"
    project.mkdir()
    (project / "Containerfile").write_text(
        "FROM localhost/lockgate-python:bookworm\nWORKDIR /app\nCOPY . /app\nUSER 10001\n"
    )
    (project / ".containerignore").write_text("secret.txt\n")
    (project / "secret.txt").write_text("kept out by the project's own ignore file")
    (project / "app.py").write_text("")
    (project / ".lockgate").mkdir()
    (project / ".lockgate" / "lockgate.db").write_text("store")
    built = build_image(
        BuildRequest(
            project=project,
            service="lockgate-test-own-ignore",
            out_dir=project / ".lockgate" / "build",
            container={"pull": "never"},
            health_path=HEALTH,
        ),
        eng,
    )
    try:
        listing = eng.run("run", "--rm", "--entrypoint", "ls", built.ref, "-a", "/app")
        assert listing.returncode == 0, listing.describe()
        files = listing.stdout.split()
        assert "app.py" in files
        assert ".lockgate" not in files and "secret.txt" not in files
    finally:
        eng.run("rmi", "-f", *built.tags)
