"""Formatting raw numbers for people, in one place: money, prices per 1M tokens, token counts, percentages.

Unknown (None / NaN) always renders as "unknown" — never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

UNKNOWN = "unknown"
SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£", "JPY": "¥"}


def is_unknown(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


PRICE_DIGITS = 3
"""Prices per 1M tokens, in tables and worked sums: three decimals, so a $0.028 cache read does not round away."""


def money(value: float | None, currency: str = "USD", digits: int | None = None) -> str:
    """$1.20, $0.0035, ¥10.00 — the one money format. Without ``digits``, enough decimals that small per-request
    costs do not round to zero (two from 1 up; below 1, down to the third significant digit; at most 8); prices
    per 1M tokens pass ``PRICE_DIGITS``. A currency with no symbol is written after the amount: "1.20 CHF"."""
    if is_unknown(value):
        return UNKNOWN
    symbol = SYMBOLS.get(currency, "")
    if digits is None:
        magnitude = abs(value)
        digits = 2 if magnitude >= 1 or magnitude == 0 else max(2, 1 - math.floor(math.log10(magnitude)) + 2)
        digits = min(digits, 8)
    text = f"{value:,.{digits}f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def per_mtok(value: float | None, currency: str = "USD") -> str:
    """"$1.20 / 1M" (unknown stays unknown)."""
    return UNKNOWN if is_unknown(value) else f"{money(value, currency)} / 1M"


def tier_prices_text(tiers: list[dict], currency: str = "USD") -> str:
    """A schedule's tiers (``catalog.tier_prices``) in one cell, input / output per 1M in money: "≤ 200,000:
    $2.00 / $12.00 · > 200,000: $4.00 / $18.00"; a single tier is "one tier" (its prices are the row's); no
    schedule is "" (the row says why)."""
    if not tiers:
        return ""
    if len(tiers) == 1:
        return "one tier"
    return " · ".join(f"{t['label']}: {money(t['input'], currency)} / {money(t['output'], currency)}"
                      for t in tiers)


def tokens(value: float | None) -> str:
    """1,000 → "1K"; 262,144 → "262K"; 1,048,576 → "1.05M"."""
    if is_unknown(value):
        return UNKNOWN
    value = float(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if value >= 1_000:
        return f"{value / 1_000:.4g}K"
    return f"{value:.0f}"


def count(value: int, noun: str) -> str:
    """"1 request", "10,000 requests" (a regular plural in -s)."""
    return f"{value:,} {noun}" + ("" if value == 1 else "s")


def percent(value: float | None, digits: int = 1) -> str:
    return UNKNOWN if is_unknown(value) else f"{value:.{digits}f}%"


def rows(value: int) -> str:
    """"1 row", "1,204 rows"."""
    return count(value, "row")


def as_recorded_text(as_recorded: Mapping[str, Any], currency: str,
                     amount: Callable[[float, str], str] = money) -> str | None:
    """What a replayed log cost on the models it was recorded on, and how many rows that covers; beside it the
    export's own cost over the same rows, when the export records one (``ReplayResult.as_recorded``)."""
    if not as_recorded:
        return None
    text = (f"As recorded: {amount(as_recorded['cost'], currency)} over {as_recorded['rows']:,} of "
            f"{rows(as_recorded['rows_total'])} (each on the model it was recorded on, at the registry's prices)")
    if as_recorded.get("export_rows"):
        text += (f"; the export's own cost for those {rows(as_recorded['export_rows'])}: "
                 f"{amount(as_recorded['export_cost'], currency)} ({as_recorded['difference_share']:+.1%} "
                 "difference)")
    return text


def log_lines(log: Mapping[str, Any], recorded_names: Mapping[str, str], *, mapping: bool = True) -> list[str]:
    """How a file was read (``UsageLog.as_dict()``): format, mapping (unless ``mapping=False``), skipped rows,
    notes, names, approximation. The first line is the headline; the others are details."""
    how = f"{log['format_title']} (detected from its header)" if log["format"] else log["format_title"]
    lines = [f"{log['file']}: {how}; {log['rows_replayed']:,} of {rows(log['rows_read'])} replayed"]
    if mapping:
        lines.append("read: " + "; ".join(f"{t} = {e}" if t != e else t for t, e in log["mapping"].items()))
    lines += [f"skipped {rows(count)}: {why}" for why, count in log["skipped"].items()]
    if log.get("caveat"):
        lines.append(f"note: {log['caveat']}")
    lines += [f"note: {note}" for note in log["notes"]]
    if recorded_names:
        lines.append("recorded names resolved: " + ", ".join(f"{k} → {v}" for k, v in recorded_names.items()))
    if log["approximation"]:
        lines.append(f"approximation: {log['approximation']}")
    return lines
