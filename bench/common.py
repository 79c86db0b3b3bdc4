"""What every benchmark shares: timing with medians over repeats, a table printer, and the repository root.

Machines are shared and noisy: each figure is a median over repeats, and ratios are taken between figures
measured side by side in the same run.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics.cli.common import format_table  # noqa: E402 - after the path set-up above


def timed(function: Callable[[], Any], repeats: int, warmup: int = 1) -> list[float]:
    """Wall times in seconds of ``repeats`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (linear interpolation), as numpy computes it."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = 0.95 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:,.1f} ms"


def print_table(title: str, rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
    print(f"\n== {title} ==")
    if not rows:
        print("(nothing measured)")
        return
    print(format_table(rows, columns or list(rows[0])))
    sys.stdout.flush()
