"""The bands data: every report year the issue names, each with its source; values placed in levels."""

from __future__ import annotations

import pytest

from lockgate.metrics import bands
from lockgate.metrics.model import Key

HOUR = 3600.0
DAY = 24 * HOUR


def test_the_data_holds_2019_2021_2023_and_2024_with_sources() -> None:
    reports = bands.reports()
    assert [r.year for r in reports][:4] == [2019, 2021, 2023, 2024]
    for report in reports:
        assert report.source.startswith("https://dora.dev/research/")
        assert str(report.year) in report.source and str(report.year) in report.title
        for key in Key:
            assert {lv.level for lv in report.levels[key]} == {"elite", "high", "medium", "low"}


def _report(year: int) -> bands.Report:
    return next(r for r in bands.reports() if r.year == year)


@pytest.mark.parametrize(
    ("year", "key", "value", "level"),
    [
        # deployment frequency: days between deployments
        (2024, Key.DEPLOYMENT_FREQUENCY, 0.5, "elite"),
        (2024, Key.DEPLOYMENT_FREQUENCY, 1.0, "high"),
        (2024, Key.DEPLOYMENT_FREQUENCY, 6.9, "high"),
        (2024, Key.DEPLOYMENT_FREQUENCY, 7.0, "medium"),
        (2024, Key.DEPLOYMENT_FREQUENCY, 45.0, "low"),
        (2024, Key.DEPLOYMENT_FREQUENCY, 200.0, None),  # rarer than the 2024 low level
        (2021, Key.DEPLOYMENT_FREQUENCY, 200.0, "low"),  # 2021: fewer than once per six months
        (2021, Key.DEPLOYMENT_FREQUENCY, 3.0, None),  # 2021 has no level for daily..weekly
        # lead time (seconds)
        (2024, Key.LEAD_TIME, 23 * HOUR, "elite"),
        (2024, Key.LEAD_TIME, 25 * HOUR, "high"),
        (2024, Key.LEAD_TIME, 10 * DAY, "medium"),
        (2021, Key.LEAD_TIME, 30 * 60, "elite"),  # 2021 elite: less than one hour
        (2021, Key.LEAD_TIME, 5 * HOUR, None),  # 2021: nothing between one hour and one day
        (2019, Key.LEAD_TIME, 5 * HOUR, "elite"),
        # change failure rate (fraction)
        (2024, Key.CHANGE_FAILURE_RATE, 0.05, "elite"),
        (2024, Key.CHANGE_FAILURE_RATE, 0.08, "high"),  # high (20%) is the best level holding 8%
        (2024, Key.CHANGE_FAILURE_RATE, 0.5, "low"),
        (2023, Key.CHANGE_FAILURE_RATE, 0.12, "medium"),
        (2019, Key.CHANGE_FAILURE_RATE, 0.15, "elite"),
        (2019, Key.CHANGE_FAILURE_RATE, 0.30, None),  # 2019: 16-45% is in no level
        (2019, Key.CHANGE_FAILURE_RATE, 0.50, "low"),
        # time to restore (seconds)
        (2024, Key.TIME_TO_RESTORE, 30 * 60, "elite"),
        (2024, Key.TIME_TO_RESTORE, 13 * HOUR, "high"),
        (2024, Key.TIME_TO_RESTORE, 3 * DAY, None),  # 2024: nothing between a day and a week
        (2023, Key.TIME_TO_RESTORE, 3 * DAY, "medium"),
        (2024, Key.TIME_TO_RESTORE, 10 * DAY, "low"),
    ],
)
def test_values_fall_in_the_report_years_levels(
    year: int, key: Key, value: float, level: str | None
) -> None:
    band = bands.classify(_report(year), key, value)
    assert band.year == year
    assert band.level == level
    assert band.report_text
    if level is None:
        assert f"none of the {year} report's levels" in band.report_text


def test_no_value_has_no_level() -> None:
    band = bands.classify(_report(2024), Key.LEAD_TIME, None)
    assert band.level is None and band.report_text == "no value to place"
