"""Time arguments of the metrics commands (--at, --since, --until) as argparse types: bad ones are usage errors (exit 2)."""

from __future__ import annotations

import argparse
from datetime import datetime

from lockgate.metrics.timeparse import parse_bound, parse_time


def time_arg(text: str) -> datetime:
    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def since_arg(text: str) -> datetime:
    try:
        return parse_bound(text, end=False)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def until_arg(text: str) -> datetime:
    try:
        return parse_bound(text, end=True)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
