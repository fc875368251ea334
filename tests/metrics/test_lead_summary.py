"""Lead times from the store: split by week at the edges, summarised with zero-or-less counted apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from lockgate.metrics.stats import lead_summary
from lockgate.model import Deployment, DeploymentStatus
from lockgate.store.delivery import ChangeRecord, ChangeSet
from lockgate.store.repository import Store

AT = datetime(2026, 2, 10, 12, tzinfo=UTC)


def test_lead_times_split_at_the_span_edges(store: Store) -> None:
    for day, leads in ((0, [10.0, 20.0, -3.0]), (7, [5.0]), (8, [7.0, 0.0, 9.0])):
        at = AT + timedelta(days=day)
        dep = Deployment(
            "shop", "production", "v", "a" * 40, None, at, DeploymentStatus.SUCCEEDED, "t", at
        )
        dep_id = store.import_deployment(dep, f"t:{day}")
        assert dep_id is not None
        found = [
            ChangeRecord(f"{day}{i:039x}", at - timedelta(seconds=v)) for i, v in enumerate(leads)
        ]
        store.save_change_set(ChangeSet(dep_id, "shop", "b", "complete", "", at), at, found)
    edges = [
        AT - timedelta(days=1),
        AT + timedelta(days=7),
        AT + timedelta(days=14),
        AT + timedelta(days=21),
    ]
    spans = list(pairwise(edges))
    weekly = [sorted(w) for w in store.lead_seconds("shop", spans)]
    assert weekly == [[-3.0, 10.0, 20.0], [0.0, 5.0, 7.0, 9.0], []]
    assert [(s.count, s.excluded, s.median) for s in map(lead_summary, weekly)] == [
        (2, 1, 15.0),
        (3, 1, 7.0),
        (0, 0, None),
    ]
