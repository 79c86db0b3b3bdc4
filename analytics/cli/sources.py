"""``python -m analytics drift`` and ``python -m analytics import genai-prices``: the registry against the
external price databases."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from analytics.core.registry import DATA_DIR, cached_registry
from analytics.sources.databases import AGAINST, load_databases
from analytics.sources.drift import check_drift
from analytics.sources.genai_prices import GenaiPricesMissing, load_genai_prices
from analytics.sources.importer import import_genai_prices, write_provider
from analytics.sources.records import DatabaseMissing
from analytics.sources.refresh import refresh, write_proposals

from .common import date_arg, emit, list_prices_registry, print_table

# -- drift ----------------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "[" + ", ".join(f"{v:,}" for v in value) + "]" if value else "[]"
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return f"{int(number)}" if number.is_integer() and abs(number) < 1e15 else f"{number:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _drift_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--against", choices=AGAINST, default="all",
                        help="which database to compare with (default: all)")
    parser.add_argument("--data", type=Path, metavar="DIR", default=None,
                        help="check this registry folder instead of the bundled one (a maintainer's working copy)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--on", type=date_arg, default=None, help="compare as of this date (default: today)")
    parser.add_argument("--model", action="append", help="only this model (repeatable)")


def _databases(against: str) -> list[Any] | None:
    try:
        return load_databases(against)
    except DatabaseMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def cmd_drift(args: argparse.Namespace) -> int:
    databases = _databases(args.against)
    if databases is None:
        return 2
    registry = list_prices_registry(args, args.data)
    report = check_drift(registry, databases, args.on, args.model)
    for database in databases:
        if database.version != database.pinned:
            print(f"warning: {database.name} {database.version} is installed; the registry's explanations were "
                  f"written against {database.pinned}", file=sys.stderr)
    if args.json:
        emit(args, report.as_dict())
        return 0 if not report.unexplained else 1
    rows = [
        {"model": d.model, "field": d.field, "where": f"{d.region}/{d.service_tier}", "on": d.on.isoformat(),
         "prompt": "" if d.prompt_tokens is None else f"{d.prompt_tokens:,}", "ours": _show(d.ours),
         "theirs": _show(d.theirs), "database": d.database, "their record": d.their_key or "none",
         "status": "explained" if d.explained else "UNEXPLAINED"}
        for d in report.disagreements
    ]
    if rows:
        print_table(rows, list(rows[0]))
        print()
    where = f" in {args.data}" if args.data else ""
    for database in databases:
        mine = [d for d in report.disagreements if d.database == database.name]
        unexplained = [d for d in mine if not d.explained]
        matched = report.matches.get(database.name, {})
        own = sum(report.first_party.get(database.name, {}).values())
        day = report.compared_on[database.name]
        when = "" if day == report.checked_on else f" as of {day} (it records no dates)"
        print(f"{database.label()}: {len(matched)} models compared{where}{when} ({own} with the maker's own "
              f"record); {len(mine)} disagreement(s): {len(mine) - len(unexplained)} explained, "
              f"{len(unexplained)} unexplained")
    if report.not_compared:
        print(f"{len(report.not_compared)} figure(s) not compared (no field for them on one side): --json lists "
              "them")
    for item in report.unexplained:
        value = _show(item.match_value)
        why = (f"its registry entry only says a figure is missing ({item.suppressed!r}): write why ours stands"
               if item.suppressed else
               f"fix the figure, or add a `disagreements` entry with database {item.database}, field "
               f"{item.field!r}, value {value}" + ("" if item.region == "global" else f", region {item.region}")
               + ("" if item.service_tier == "standard" else f", service_tier {item.service_tier}")
               + " and the reason ours stands")
        print(f"  unexplained: {item.model} {item.field} ({item.region}/{item.service_tier}) in {item.database}: "
              f"ours {_show(item.ours)}, theirs {_show(item.theirs)} — {why}", file=sys.stderr)
    return 0 if not report.unexplained else 1


_DRIFT = [
    ("drift", "compare the registry with genai-prices and LiteLLM; exit 1 on an unexplained disagreement",
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

# -- refresh --------------------------------------------------------------------------------------------------


def _refresh_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder to write the proposals into (providers/*.yaml); never data/")
    parser.add_argument("--against", choices=AGAINST, default="all",
                        help="which database to read (default: all)")
    parser.add_argument("--data", type=Path, metavar="DIR", default=None,
                        help="propose for this registry folder instead of the bundled one")
    parser.add_argument("--on", type=date_arg, default=None, help="as of this date (default: today)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the summary")


def cmd_refresh(args: argparse.Namespace) -> int:
    databases = _databases(args.against)
    if databases is None:
        return 2
    registry = list_prices_registry(args, args.data)
    report = refresh(registry, databases, args.on)
    try:
        written = write_proposals(report, args.out)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        emit(args, {**report.as_dict(), "written": [str(p) for p in written]})
        return 0
    proposed = [p for p in report.proposals if p.proposed]
    if proposed:
        print_table([{"proposal": p.kind, "provider": p.provider, "model": p.model,
                             "records": ", ".join(f"{k}: {v}" for k, v in p.records.items()),
                             "databases disagree on": "; ".join(p.disagree) or "-"} for p in proposed],
                    ["proposal", "provider", "model", "records", "databases disagree on"])
        print()
    excluded = [p for p in report.proposals if p.kind == "excluded"]
    if excluded:
        print_table([{"left out on purpose": p.model, "provider": p.provider,
                             "records": ", ".join(p.records.values()),
                             "reason (the registry's excluded list)": p.why if len(p.why) <= 90 else p.why[:89] + "…"}
                            for p in excluded],
                    ["left out on purpose", "provider", "records", "reason (the registry's excluded list)"])
        print()
    counts = report.counts()
    others = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())
                       if kind not in ("new model", "price change", "retirement"))
    print(f"{counts.get('new model', 0)} new model(s), {counts.get('price change', 0)} price change(s), "
          f"{counts.get('retirement', 0)} retirement(s) proposed from "
          + ", ".join(f"{k} {v}" for k, v in report.databases.items()) + f" as of {report.on}"
          + (f"; not proposed: {others}" if others else ""))
    if written:
        print(f"wrote {', '.join(str(p) for p in written)}: review, then check with "
              f"`python -m analytics validate {args.out}`")
    else:
        print("nothing to write: the registry has every model both databases list (or leaves it out on purpose)")
    return 0


_REFRESH = [
    ("refresh", "propose registry YAML for new models, price changes and retirements (--out DIR)", _refresh_args,
     cmd_refresh),
]

COMMANDS = [*_DRIFT, *_IMPORT, *_REFRESH]
