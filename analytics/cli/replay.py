"""``python -m analytics replay FILE``: what a log of real requests would have cost on each model."""

from __future__ import annotations

import argparse
import sys

from analytics.core.errors import AnalyticsError
from analytics.formatting import as_recorded_text, log_lines
from analytics.replay.engine import replay
from analytics.replay.formats import FORMATS
from analytics.replay.reading import MAX_BYTES, MAX_COLUMNS, MAX_ROWS
from analytics.replay.samples import sample_log
from analytics.replay.usage import DEFAULT_AVERAGE_PROMPT, parse_mapping, read_log, rows_text, validate_usage

from .common import add_common, emit, print_table, registry_from, token_count

LISTED = 20
"""Unpriced requests printed in the table view (``--json`` lists them all)."""


def _positive(text: str) -> int:
    try:
        value = int(str(text).replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="usage log: CSV, or Parquet (needs pyarrow); one row per request")
    parser.add_argument("--sample", type=_positive, metavar="N",
                        help="replay a generated sample log of N requests instead of FILE")
    parser.add_argument("--seed", type=int, default=0, help="random seed of --sample (default 0)")
    parser.add_argument("--model", action="append", metavar="M",
                        help="price on this model (repeatable; default: the seed report's five models)")
    parser.add_argument("--map", action="append", default=[], metavar="CANONICAL=EXPRESSION",
                        help="read a canonical column (prompt_tokens, output_tokens, cached_tokens, reasoning_tokens, "
                             "cache_write_tokens, cache_write_1h_tokens, requests, timestamp, model, export_cost) "
                             "from an expression of the file's columns: a column, a JSON cell's field "
                             "(metadata.usage.cached_tokens), a sum (a + b + c) or a difference (completion - "
                             "reasoning); an empty one unmaps (repeatable; overrides the format's entry)")
    parser.add_argument("--format", dest="log_format", choices=[f.name for f in FORMATS], metavar="NAME",
                        help="read FILE as this export (default: detected from its header; --formats lists them)")
    parser.add_argument("--formats", action="store_true",
                        help="list the usage exports recognised, with the columns each reads, and exit")
    parser.add_argument("--average-prompt", type=token_count, default=DEFAULT_AVERAGE_PROMPT, metavar="TOKENS",
                        help="for daily totals without a request count (Anthropic's console export): the assumed "
                             f"average prompt, which sets how many requests a row stands for (default "
                             f"{DEFAULT_AVERAGE_PROMPT:,})")
    parser.add_argument("--max-rows", type=_positive, default=MAX_ROWS, help=f"default {MAX_ROWS:,}")
    parser.add_argument("--max-mb", type=_positive, default=MAX_BYTES // 1024 // 1024,
                        help=f"largest file read, in MiB (default {MAX_BYTES // 1024 // 1024})")
    add_common(parser)


def _formats(args: argparse.Namespace) -> int:
    records = [{"name": f.name, "title": f.title, "detected_by": list(f.detect), "reads": f.columns_read(),
                "mapping": dict(f.mapping), "aggregated": f.aggregated, "source": f.source} for f in FORMATS]
    if args.json:
        emit(args, records)
        return 0
    for f in FORMATS:
        print(f"{f.name}: {f.title}")
        print(f"  detected by: {', '.join(f.detect)}")
        for target, expression in f.mapping.items():
            print(f"  {target} = {expression}")
        if f.keep:
            print(f"  only rows whose {f.keep.column} is {' or '.join(f.keep.values)}")
        print(f"  source: {f.source}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.formats:
        return _formats(args)
    registry = registry_from(args)
    if (args.file is None) == (args.sample is None):
        raise AnalyticsError("give a usage log FILE, or --sample N to try a generated one")
    models = [registry.resolve_id(m) for m in args.model] if args.model else None  # before reading a large file
    log = None
    if args.sample:
        usage = validate_usage(sample_log(args.sample, seed=args.seed, end=args.on or registry.as_of()), "sample")
    else:
        log = read_log(args.file, mapping=parse_mapping(args.map), format_name=args.log_format,
                       average_prompt=args.average_prompt, max_rows=args.max_rows,
                       max_bytes=args.max_mb * 1024 * 1024, max_columns=MAX_COLUMNS)
        usage = log.frame
    result = replay(registry, usage, models, region=args.region, service_tier=args.service_tier,
                    currency=args.currency, on=args.on)
    summary = result.summary.drop(columns=["name", "provider"]).to_dict("records")
    if args.json:
        emit(args, {
            "requests": result.requests, "rows": result.rows, "currency": result.currency, "region": result.region,
            "service_tier": result.service_tier,
            "period": list(result.period) if result.period else None, "priced_on": result.priced_on,
            "log": log.as_dict() if log else None,
            "approximation": result.approximation,
            "as_recorded": result.as_recorded,
            "recorded_names": result.recorded_names,
            "unknown_recorded_models": result.unknown_recorded,
            "summary": summary, "tiers": result.tiers.to_dict("records"),
            "unpriced": result.unpriced.to_dict("records"),
        })
        return 0
    if log and (log.format or log.skipped or log.notes or result.recorded_names or log.approximation):
        headline, *details = log_lines(log.as_dict(), result.recorded_names)
        print("\n".join([headline, *(f"  {line}" for line in details)]))
    where = (f"{result.period[0]} to {result.period[1]}, each request at the price of its day" if result.period
             else f"all priced on {result.priced_on}")
    rows = f" in {result.rows:,} rows" if result.weights is not None else ""
    print(f"{result.requests:,} requests{rows} ({where}); {result.region}/{result.service_tier}; {result.currency}")
    if result.approximation and not (log and log.approximation):
        print(f"approximation: {result.approximation}")
    recorded = as_recorded_text(result.as_recorded, result.currency, lambda v, cur: f"{v:,.6g} {cur}")
    if recorded:
        print(recorded)
    print_table(summary, ["model", "total_cost", "cost_median", "cost_p95", "cost_max", "priced",
                          "not_fitting", "no_price", "saving", "saving_share", "compared_rows"])
    print()
    print_table(result.tiers.to_dict("records"), ["model", "tier", "requests", "share"])
    if result.unknown_recorded:
        names = ", ".join(f"{k} ({rows_text(v)})" for k, v in result.unknown_recorded.items())
        print(f"\nrecorded on models the registry does not know, left out of the saving and of as recorded: {names}")
    if len(result.unpriced):
        print(f"\n{len(result.unpriced):,} request × model pairs got no cost (never counted as 0); "
              f"{'the first ' + str(LISTED) if len(result.unpriced) > LISTED else 'all'} listed, --json lists all:")
        print_table(result.unpriced.head(LISTED).to_dict("records"),
                    ["row", "model", "kind", "reason", "prompt_tokens", "output_tokens"])
    sys.stdout.flush()
    return 0


COMMANDS = [
    ("replay", "price a usage log (CSV/Parquet: a request log or a known export) on every model", configure, run),
]
