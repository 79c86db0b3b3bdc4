"""What every command shares: argument types, the registry a command reads (``--registry``), the
``--json``/table output and the common price flags."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from analytics.core.registry import DATA_DIR, Registry, cached_registry
from analytics.core.schema import SERVICE_TIERS
from analytics.formatting import is_unknown

Handler = Callable[[argparse.Namespace], int]
CommandSpec = tuple[str, str, Callable[[argparse.ArgumentParser], None], Handler]
"""(name, help, configure the sub-parser, handler): one command."""



# -- argument types ------------------------------------------------------------------------------------------

_TOKENS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def token_count(text: str) -> float:
    """``250000``, ``250k``, ``1.5M`` (K = 1,000) → a non-negative token count."""
    match = _TOKENS.match(str(text).replace(",", "").replace("_", ""))
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a token count (e.g. 250000, 250k, 1.5M)")
    value = float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    if not math.isfinite(value) or value > 1e12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a plausible token count")
    return value


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1")
    return value


def currency_arg(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a currency code such as USD or CNY")
    return text.upper()


# -- output -----------------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if is_unknown(value):
        return "unknown"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def at_least(value: Any) -> str:
    """A lower bound for a table cell: "≥ 6.4003" (unknown stays "unknown")."""
    return _cell(value) if is_unknown(value) else f"≥ {_cell(value)}"


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A plain monospace table, for pipes and files (and the README's examples); unknown values print as
    "unknown". On a terminal, ``print_table`` draws it with rich instead."""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells)
    return "\n".join(lines)


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print a table: drawn by rich on a terminal, ``format_table``'s plain text when the output is piped."""
    if not sys.stdout.isatty():
        print(format_table(rows, columns))
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        numeric = any(isinstance(row.get(column), (int, float)) and not isinstance(row.get(column), bool)
                      for row in rows)
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    terminal().print(table)


def terminal() -> Console:
    """The console rich draws on: standard output, as a terminal, markup off (cells are data, not markup)."""
    return Console(file=sys.stdout, force_terminal=True, markup=False, highlight=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if is_unknown(value):
        return None
    return value


def emit(args: argparse.Namespace, data: Any, rows: Sequence[dict[str, Any]] | None = None,
         columns: Sequence[str] | None = None) -> None:
    """Print ``data`` as JSON with ``--json``, else ``rows`` as a table."""
    if getattr(args, "json", False) or rows is None:
        print(json.dumps(_jsonable(data), indent=2, ensure_ascii=False))
    else:
        print_table(rows, columns or list(rows[0]) if rows else [])


def registry_from(args: argparse.Namespace) -> Registry:
    """The bundled registry, with ``--registry DIR`` folders layered on top."""
    extra = [Path(p) for p in (getattr(args, "registry", None) or [])]
    return cached_registry([DATA_DIR, *extra])


def list_prices_registry(args: argparse.Namespace, base: Path | None = None) -> Registry:
    """The registry as the providers list it — ``base`` (default: the bundled one) with the ``--registry`` layers'
    models, and no overrides — for commands that compare list prices with the price databases (``drift``,
    ``refresh``): your own prices are meant to differ from them."""
    extra = [Path(p) for p in (getattr(args, "registry", None) or [])]
    return cached_registry([base or DATA_DIR, *extra], overrides=False)


def say_your_prices(registry: Registry, args: argparse.Namespace) -> None:
    """After a table: one line saying which prices are yours (an overlay's overrides), when any are."""
    label = registry.overlay_label()
    if label and not getattr(args, "json", False):
        print(f"* {label}")


def add_common(parser: argparse.ArgumentParser, *, json_flag: bool = True, prices: bool = True) -> None:
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    if prices:
        parser.add_argument("--region", default="global", help="price region (default: global)")
        parser.add_argument("--service-tier", default="standard",
                            choices=SERVICE_TIERS, help="default: standard")
        parser.add_argument("--on", type=date_arg, default=None, help="price as of this date (default: today)")
        parser.add_argument("--currency", type=currency_arg, default="USD", help="default: USD")
