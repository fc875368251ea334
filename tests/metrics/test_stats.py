"""Median and nearest-rank p90, checked against values worked out by hand."""

from __future__ import annotations

import pytest

from lockgate.metrics.stats import summarise


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [
        ([], None, None),
        ([5.0], 5.0, 5.0),
        ([1.0, 3.0], 2.0, 3.0),  # p90 rank ceil(1.8) = 2
        ([3.0, 1.0, 2.0], 2.0, 3.0),  # unsorted input; rank ceil(2.7) = 3
        ([float(v) for v in range(1, 11)], 5.5, 9.0),  # rank ceil(9.0) = 9
        ([float(v) for v in range(1, 12)], 6.0, 10.0),  # rank ceil(9.9) = 10
        ([float(v) for v in range(1, 21)], 10.5, 18.0),
    ],
)
def test_median_and_p90(values: list[float], median: float | None, p90: float | None) -> None:
    s = summarise(values)
    assert (s.count, s.median, s.p90) == (len(values), median, p90)
