"""Which of a project's images `env prune` removes: never a running one, never another project's,
never the newest ones an environment can roll back to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lockgate.deploy.image import PROJECT_LABEL
from lockgate.deploy.images import LocalImage, parse_size, removable, rollback_images
from lockgate.model import Deployment, DeploymentStatus

S = DeploymentStatus
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _dep(env: str, image: str, status: DeploymentStatus, minutes: int) -> Deployment:
    return Deployment(
        "svc", env, image, None, f"sha256:{image}", T0 + timedelta(minutes=minutes), status, "t"
    )


HISTORY = sorted(
    [
        _dep("staging", "a1", S.SUCCEEDED, 1),
        _dep("staging", "a2", S.SUCCEEDED, 2),
        _dep("staging", "a3", S.ROLLED_BACK, 3),
        _dep("staging", "a4", S.FAILED, 4),
        _dep("staging", "a2", S.SUCCEEDED, 5),  # the same image twice counts once
        _dep("staging", "a5", S.SUCCEEDED, 6),
        _dep("production", "a1", S.SUCCEEDED, 7),
        _dep("review-gone", "r1", S.SUCCEEDED, 8),
        _dep("staging", "a6", S.IN_PROGRESS, 9),
    ],
    key=lambda d: d.started,
    reverse=True,
)


def test_each_environment_keeps_its_newest_good_images_and_what_a_deploy_is_putting_there() -> None:
    assert rollback_images(HISTORY, ["staging", "production"], 2) == {"a5", "a2", "a1", "a6"}
    assert rollback_images(HISTORY, ["staging"], 1) == {"a5", "a6"}
    # a removed review environment keeps nothing
    assert "r1" not in rollback_images(HISTORY, ["staging", "production"], 5)


def _image(image_id: str, scope: str | None = "mine-1") -> LocalImage:
    labels = {PROJECT_LABEL: scope} if scope else {}
    return LocalImage(image_id, (f"localhost/svc:{image_id}",), labels)


@pytest.mark.parametrize(
    ("image", "removed"),
    [
        (_image("a3"), True),  # ours (label), rolled back, nothing runs it
        (_image("a4", scope=None), True),  # unlabelled, but our store deployed it
        (_image("b1", scope="other-checkout-2"), False),  # another checkout's build
        (_image("c1", scope=None), False),  # unknown to this project
        (_image("a5"), False),  # kept for rollback
        (_image("a9"), False),  # a container runs it (any project's)
    ],
)
def test_only_this_projects_unneeded_images_go(image: LocalImage, removed: bool) -> None:
    kept = rollback_images(HISTORY, ["staging", "production"], 2)
    found = removable([image], "mine-1", HISTORY, kept, in_use={"a9"})
    assert (found == [image]) is removed


@pytest.mark.parametrize(
    ("text", "size"),
    [("0B", 0), ("40.49MB", 40_490_000), ("1.2GB", 1_200_000_000), ("512kB", 512_000), ("?", 0)],
)
def test_engine_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size
