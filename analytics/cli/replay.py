"""``python -m analytics replay FILE``: what a log of real requests would have cost on each model."""

from __future__ import annotations

import argparse
import sys

from analytics.core.errors import AnalyticsError
from analytics.replay.engine import replay
from analytics.replay.usage import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    load_usage,
    parse_mapping,
    sample_log,
    validate_usage,
)

from .common import add_common, emit, print_table, registry_from

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
    parser.add_argument("--map", action="append", default=[], metavar="CANONICAL=COLUMN",
                        help="read a canonical column (prompt_tokens, output_tokens, cached_tokens, reasoning_tokens, "
                             "timestamp, model) from the file's COLUMN (repeatable)")
    parser.add_argument("--max-rows", type=_positive, default=MAX_ROWS, help=f"default {MAX_ROWS:,}")
    parser.add_argument("--max-mb", type=_positive, default=MAX_BYTES // 1024 // 1024,
                        help=f"largest file read, in MiB (default {MAX_BYTES // 1024 // 1024})")
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    if (args.file is None) == (args.sample is None):
        raise AnalyticsError("give a usage log FILE, or --sample N to try a generated one")
    models = [registry.resolve_id(m) for m in args.model] if args.model else None  # before reading a large file
    if args.sample:
        usage = validate_usage(sample_log(args.sample, seed=args.seed, end=args.on or registry.as_of()), "sample")
    else:
        usage = load_usage(args.file, mapping=parse_mapping(args.map), max_rows=args.max_rows,
                           max_bytes=args.max_mb * 1024 * 1024, max_columns=MAX_COLUMNS)
    result = replay(registry, usage, models, region=args.region, service_tier=args.service_tier,
                    currency=args.currency, on=args.on)
    summary = result.summary.drop(columns=["name", "provider"]).to_dict("records")
    if args.json:
        emit(args, {
            "requests": result.requests, "currency": result.currency, "region": result.region,
            "service_tier": result.service_tier,
            "period": list(result.period) if result.period else None, "priced_on": result.priced_on,
            "unknown_recorded_models": result.unknown_recorded,
            "summary": summary, "tiers": result.tiers.to_dict("records"),
            "unpriced": result.unpriced.to_dict("records"),
        })
        return 0
    where = (f"{result.period[0]} to {result.period[1]}, each request at the price of its day" if result.period
             else f"all priced on {result.priced_on}")
    print(f"{result.requests:,} requests ({where}); {result.region}/{result.service_tier}; {result.currency}")
    print_table(summary, ["model", "total_cost", "cost_median", "cost_p95", "cost_max", "priced",
                          "not_fitting", "no_price", "saving", "saving_share"])
    print()
    print_table(result.tiers.to_dict("records"), ["model", "tier", "requests", "share"])
    if result.unknown_recorded:
        names = ", ".join(f"{k} ({v:,})" for k, v in result.unknown_recorded.items())
        print(f"\nrecorded on models the registry does not know, left out of the saving: {names}")
    if len(result.unpriced):
        print(f"\n{len(result.unpriced):,} request × model pairs got no cost (never counted as 0); "
              f"{'the first ' + str(LISTED) if len(result.unpriced) > LISTED else 'all'} listed, --json lists all:")
        print_table(result.unpriced.head(LISTED).to_dict("records"),
                    ["row", "model", "kind", "reason", "prompt_tokens", "output_tokens"])
    sys.stdout.flush()
    return 0


COMMANDS = [
    ("replay", "price a usage log (CSV/Parquet, one row per request) on every model", configure, run),
]
