"""Project identity: configured id, else the git remote (normalised, no credentials), else the name."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lockgate.identity import KeySource, normalise_remote, project_identity


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("git@github.com:Org/Repo.git", "github.com/org/repo"),
        ("https://github.com/org/repo", "github.com/org/repo"),
        ("https://x-token:s3cr3t@github.com/org/repo.git/", "github.com/org/repo"),
        (
            "ssh://git@gitlab.example.invalid:2222/group/sub/proj.git",
            "gitlab.example.invalid/group/sub/proj",
        ),
        ("user@host.example.invalid:team/api", "host.example.invalid/team/api"),
        ("/srv/git/api.git", None),  # a folder on this machine
        ("file:///srv/git/api.git", None),
        ("../api", None),
        ("https://github.com/", None),
    ],
)
def test_remote_urls_normalise_without_credentials(url: str, key: str | None) -> None:
    assert normalise_remote(url) == key


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_configured_id_then_remote_then_name(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "services" / "api").mkdir(parents=True)
    assert project_identity(repo, None, "repo").source is KeySource.NAME
    git(repo, "init", "-q", "-b", "main")
    assert project_identity(repo, None, "repo").key == "repo"  # no remote yet
    git(repo, "remote", "add", "upstream", "git@github.com:Team/Mono.git")
    assert project_identity(repo, None, "repo").key == "github.com/team/mono"
    git(repo, "remote", "add", "origin", "https://tok@github.com/team/mono-fork")
    found = project_identity(repo / "services" / "api", None, "api")
    assert (found.key, found.source) == ("github.com/team/mono-fork/services/api", KeySource.REMOTE)
    assert project_identity(repo, "billing-api", "repo").key == "billing-api"
    assert "tok" not in found.describe()
