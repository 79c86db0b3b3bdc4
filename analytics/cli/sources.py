"""``python -m analytics drift`` and ``python -m analytics import genai-prices``: the registry against the
external price databases."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from analytics.core.registry import DATA_DIR, cached_registry
from analytics.sources.drift import check_drift
from analytics.sources.genai_prices import PINNED_VERSION, GenaiPricesMissing, load_genai_prices
from analytics.sources.importer import import_genai_prices, write_provider

from .common import date_arg, emit, print_table, registry_from

# -- drift ----------------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "[" + ", ".join(f"{v:,}" for v in value) + "]" if value else "[]"
    if isinstance(value, (float, Decimal)):
        return f"{float(value):g}"
    return str(value)


def _drift_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--on", type=date_arg, default=None, help="compare as of this date (default: today)")
    parser.add_argument("--model", action="append", help="only this model (repeatable)")


def cmd_drift(args: argparse.Namespace) -> int:
    try:
        version, their_providers = load_genai_prices()
    except GenaiPricesMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    registry = registry_from(args)
    report = check_drift(registry, args.on, args.model, their_providers, version)
    if version != PINNED_VERSION:
        print(f"warning: genai-prices {version} is installed; the registry's explanations were written against "
              f"{PINNED_VERSION}", file=sys.stderr)
    if args.json:
        emit(args, report.as_dict())
    else:
        rows = [
            {"model": d.model, "field": d.field, "tier": d.service_tier, "on": d.on.isoformat(),
             "prompt": "" if d.prompt_tokens is None else f"{d.prompt_tokens:,}", "ours": _show(d.ours),
             "theirs": _show(d.theirs), "status": "explained" if d.explained else "UNEXPLAINED",
             "their source": d.their_source}
            for d in report.disagreements
        ]
        if rows:
            print_table(rows, list(rows[0]))
        explained = len(report.disagreements) - len(report.unexplained)
        print(f"\n{len(report.matches)} models compared with genai-prices {version}; "
              f"{len(report.disagreements)} disagreement(s): {explained} explained, "
              f"{len(report.unexplained)} unexplained")
        for item in report.unexplained:
            print(f"  unexplained: {item.model} {item.field} ({item.service_tier}): ours {_show(item.ours)}, "
                  f"theirs {_show(item.theirs)} — fix the figure, or add a `disagreements` entry with field "
                  f"{item.field!r}, value {_show(item.match_value)} and the reason", file=sys.stderr)
    return 0 if not report.unexplained else 1


_DRIFT = [
    ("drift", "compare the registry with the genai-prices package; exit 1 on an unexplained disagreement",
     _drift_args, cmd_drift),
]


# -- import ---------------------------------------------------------------------------------------------------


def _import_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=["genai-prices"], help="where to import from")
    parser.add_argument("--provider", action="append", metavar="P",
                        help="genai-prices provider id (repeatable; default: every provider)")
    parser.add_argument("--out", required=True, type=Path, help="registry folder to write providers/*.yaml into")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")


def cmd_import(args: argparse.Namespace) -> int:
    try:
        version, their_providers = load_genai_prices()
    except GenaiPricesMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bundled = cached_registry([DATA_DIR])
    results = import_genai_prices(bundled, args.provider, args.out, None, their_providers, version)
    summary = []
    for result in results:
        path = write_provider(result, args.out, version)
        summary.append({"provider": result.their_id, "file": str(path) if path else None,
                        "imported": len(result.imported), "skipped": len(result.skipped),
                        "skipped_models": [{"model": m, "reason": r} for m, r in result.skipped]})
    if args.json:
        emit(args, summary)
        return 0
    for row in summary:
        print(f"{row['provider']}: {row['imported']} imported, {row['skipped']} skipped"
              + (f" → {row['file']}" if row["file"] else ""))
    total = sum(r["imported"] for r in summary)
    print(f"{total} models imported from genai-prices {version} into {args.out}; load them with "
          f"`python -m analytics --registry {args.out} models`. Skipped models and why are listed at the top of "
          "each file.")
    return 0


_IMPORT = [
    ("import", "import prices from the genai-prices package into registry YAML (--out DIR)", _import_args,
     cmd_import),
]

COMMANDS = [*_DRIFT, *_IMPORT]
