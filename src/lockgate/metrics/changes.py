"""The commits each production deployment shipped, read from git and kept in the store.

A live production deployment ships the commits reachable from its commit and from no commit
deployed before it (`git log THIS --not EARLIER...`: for a straight history that is exactly
`PREVIOUS..THIS`; after a rollback, commits that already reached production once are not
counted again). Merge commits are not changes of their own. A squash-merge commit
("Title (#123)") counts from the earliest commit of its pull request when git still has the
pull request's head (refs/pull/123/head), else from itself, and is counted as such.

Lead time of a change = deployed at - its committer date. The committer date, not the author
date: a rebase, amend or cherry-pick keeps the author date of the first draft (weeks old,
perhaps) but the shipped commit only came to be when it was committed, and that is the date git
orders history by.

A deployment's change set is read again only when the deployments before it change (its basis).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lockgate.metrics.gitlog import Commit, Repo
from lockgate.metrics.model import LIVE, PRODUCTION, ChangeSetState
from lockgate.model import Deployment
from lockgate.store.delivery import ChangeRecord, ChangeSet
from lockgate.store.repository import Store

# states worth reading again on every refresh: git may have what it lacked (after a fetch)
_RETRY = {ChangeSetState.MISSING_COMMIT, ChangeSetState.MISSING_PREVIOUS, ChangeSetState.TRUNCATED}


@dataclass(frozen=True)
class Shipped:
    state: ChangeSetState
    detail: str
    changes: tuple[ChangeRecord, ...] = ()
    squash_unresolved: int = 0


def deployed_at(dep: Deployment) -> datetime:
    """When a deployment went live (or failed): its finish, else its start."""
    return dep.finished or dep.started


def refresh(store: Store, repo: Repo, service: str, now: datetime) -> int:
    """Bring the change sets of `service`'s live production deployments up to date; returns how
    many were read from git."""
    live = [d for d in store.environment_deployments(PRODUCTION, service) if d.status in LIVE]
    known = store.change_sets(service)
    gone = set(known) - {d.id for d in live}
    if gone:
        store.drop_change_sets(gone)
    resolved = repo.resolve(d.commit for d in live if d.commit)
    running = hashlib.sha256()
    earlier: list[str] = []
    read = 0
    for index, dep in enumerate(live):
        assert dep.id is not None
        basis = running.hexdigest()
        sha = resolved.get(dep.commit or "")
        running.update(f"{dep.id}:{dep.commit}:{sha or '-'}\n".encode())
        old = known.get(dep.id)
        if old is None or old.basis != basis or ChangeSetState(old.state) in _RETRY:
            previous = live[index - 1] if index else None
            found = _shipped(repo, dep, sha, previous, resolved, earlier)
            change_set = ChangeSet(
                dep.id, service, basis, found.state.value, found.detail, now,
                squash_unresolved=found.squash_unresolved,
            )  # fmt: skip
            store.save_change_set(change_set, deployed_at(dep), found.changes)
            read += 1
        if sha:
            earlier.append(sha)
    return read


def _shipped(
    repo: Repo,
    dep: Deployment,
    sha: str | None,
    previous: Deployment | None,
    resolved: dict[str, str],
    earlier: Sequence[str],
) -> Shipped:
    if not dep.commit:
        return Shipped(ChangeSetState.NO_COMMIT, "the deployment names no commit")
    if sha is None:
        return Shipped(
            ChangeSetState.MISSING_COMMIT, f"commit {dep.commit[:12]} is not in this clone"
        )
    if previous is None:
        return Shipped(ChangeSetState.FIRST, "no earlier production deployment to compare with")
    if not previous.commit or previous.commit not in resolved:
        what = previous.commit[:12] if previous.commit else "no commit"
        return Shipped(
            ChangeSetState.MISSING_PREVIOUS,
            f"the previous deployment (#{previous.id}) names {what}, which this clone lacks",
        )
    listed = repo.commits(sha, earlier)
    if repo.shallow_roots.intersection(c.sha for c in listed):
        return Shipped(ChangeSetState.TRUNCATED, "the range reaches the shallow clone's boundary")
    changes: list[ChangeRecord] = []
    unresolved = 0
    for commit in listed:
        if commit.parents > 1:
            continue
        record = _squashed(repo, commit)
        unresolved += record is None
        changes.append(record or ChangeRecord(commit.sha, commit.committed))
    return Shipped(ChangeSetState.COMPLETE, "", tuple(changes), unresolved)


def _squashed(repo: Repo, commit: Commit) -> ChangeRecord | None:
    """A plain commit as itself; a squash merge from its PR's earliest commit, None if git lacks it."""
    number = commit.pull_request
    if number is None:
        return ChangeRecord(commit.sha, commit.committed)
    head = repo.pull_request_heads.get(number)
    if head is None:
        return None
    first = repo.earliest_commit(head, f"{commit.sha}^")
    if first is None:
        return None
    return ChangeRecord(commit.sha, min(first, commit.committed), "pull_request")
