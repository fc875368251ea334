"""Gather one service's facts from the store (reading new change sets from git first) and compute."""

from __future__ import annotations

from datetime import datetime

from lockgate.metrics import changes
from lockgate.metrics.dora import Facts, compute, weeks
from lockgate.metrics.gitlog import Repo
from lockgate.metrics.links import Linker
from lockgate.metrics.model import PRODUCTION, ChangeSetState, ServiceKeys, Window
from lockgate.metrics.stats import lead_summary
from lockgate.model import Unchecked
from lockgate.store.repository import Store

_UNSHALLOW = "git fetch --unshallow --tags (or fetch the deployed commits), then run this again"
_STATE_NOTES: dict[ChangeSetState, tuple[str, str]] = {
    ChangeSetState.FIRST: (
        "no earlier production deployment to compare with: the commits it shipped are unknown",
        "import older history (lockgate import git-tags 'v*') to count them",
    ),
    ChangeSetState.NO_COMMIT: (
        "recorded without a commit: the commits they shipped are unknown",
        "give each deployment its commit (a `commit` column when importing)",
    ),
    ChangeSetState.MISSING_COMMIT: (
        "their commit is not in this clone (a shallow clone?): the commits they shipped are unknown",
        _UNSHALLOW,
    ),
    ChangeSetState.MISSING_PREVIOUS: (
        "the commit of the deployment before them is not in this clone or not recorded",
        _UNSHALLOW,
    ),
    ChangeSetState.TRUNCATED: (
        "the commits they shipped reach past the boundary of this shallow clone",
        _UNSHALLOW,
    ),
}


def service_keys(
    store: Store,
    service: str,
    window: Window,
    now: datetime,
    repo: Repo | None = None,
) -> ServiceKeys:
    """The four keys of `service`; `repo` is its git work tree (its changes are read from it)."""
    notes: list[Unchecked] = []
    if repo is not None:
        if repo.is_repo:
            changes.refresh(store, repo, service, now)
        else:
            notes.append(
                Unchecked(
                    f"git history of {service}",
                    "the project folder is not a git work tree: only change records read "
                    "earlier count for lead time",
                    1,
                    "run lockgate metrics in a clone of the service's repository",
                )
            )
    deployments = store.deployment_timeline(PRODUCTION, service, window.since)
    counts = store.change_set_counts(service, PRODUCTION, window.since, window.until)
    notes += _change_notes(counts, service)
    spans = weeks(window)
    leads = store.lead_seconds(service, [(s.since, s.until) for s in spans])
    linker = Linker(deployments, lambda sha: store.shipped_by(service, sha))
    incidents = store.environment_incidents(PRODUCTION, service, window.since)
    facts = Facts(
        service=service,
        window=window,
        deployments=tuple(deployments),
        lead=lead_summary(v for week in leads for v in week),
        weekly_leads=tuple(lead_summary(week) for week in leads),
        incidents=tuple(linker.link(i) for i in incidents),
        warnings=tuple(notes),
    )
    return compute(facts)


def _change_notes(counts: dict[str | None, tuple[int, int]], service: str) -> list[Unchecked]:
    """What lead time could not count: live deployments in the window without complete changes."""
    states = {None if k is None else ChangeSetState(k): n for k, (n, _) in counts.items()}
    squashes = sum(s for _, s in counts.values())
    notes: list[Unchecked] = []
    for state, count in sorted(states.items(), key=lambda kv: str(kv[0])):
        if state is ChangeSetState.COMPLETE:
            continue
        if state is None:
            reason = "their commits were never read from the service's git repository"
            fix = f"run `lockgate metrics` in a clone of {service}'s repository"
        else:
            reason, fix = _STATE_NOTES[state]
        notes.append(
            Unchecked("production deployments left out of lead time", f"{reason}", count, fix)
        )
    if squashes:
        notes.append(
            Unchecked(
                "squash merges without their pull request's commits",
                "git does not have the pull request's head: lead time counts from the squash "
                "commit itself, which is shorter than the real one",
                squashes,
                "git fetch origin '+refs/pull/*/head:refs/pull/*/head', then run this again",
            )
        )
    return notes
