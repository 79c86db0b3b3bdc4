"""``python -m analytics compare``: the cost of one request on every model — the Calculator page's table."""

from __future__ import annotations

import argparse
import datetime as dt

from analytics.core.catalog import request_cost_table

from .common import CommandSpec, add_common, emit, registry_from, token_count

TABLE_COLUMNS = ["model", "provider", "cost", "tier_label", "status"]


def request_of(args: argparse.Namespace) -> dict[str, float]:
    """The request as the page's URL and the JSON name it."""
    return {"input": args.input, "output": args.output, "cached": args.cached, "reasoning": args.reasoning,
            "cache_write": args.cache_write, "cache_write_1h": args.cache_write_1h}


def cmd_compare(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    table = request_cost_table(
        registry, args.input, args.output, args.cached, args.reasoning, args.cache_write, args.cache_write_1h,
        models=args.model or None, region=args.region, service_tier=args.service_tier, on=args.on,
        currency=args.currency)
    records = table.to_dict("records")
    on = args.on or dt.date.today()
    data = {"request": request_of(args), "currency": args.currency, "on": on, "region": args.region,
            "service_tier": args.service_tier, "results": records}
    if not args.json:
        print(f"One request of {args.input:,.0f} prompt tokens ({args.cached:,.0f} cached), {args.output:,.0f} "
              f"output, {args.reasoning:,.0f} reasoning: cost in {args.currency}, prices in force on {on}, "
              "cheapest first")
    emit(args, data, records, TABLE_COLUMNS)
    return 0


def _compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", type=token_count, required=True,
                   help="prompt tokens: the whole prompt, cached and cache-written ones included (250k, 1.5M)")
    p.add_argument("--output", type=token_count, required=True, help="visible output tokens")
    p.add_argument("--cached", type=token_count, default=0.0, help="prompt tokens read from the cache")
    p.add_argument("--reasoning", type=token_count, default=0.0, help="reasoning tokens (billed as output)")
    p.add_argument("--cache-write", type=token_count, default=0.0,
                   help="prompt tokens written to the cache (5-minute cache where a provider has two)")
    p.add_argument("--cache-write-1h", type=token_count, default=0.0,
                   help="prompt tokens written to the 1-hour cache (the input rate where none is listed)")
    p.add_argument("--model", action="append", metavar="M", help="only these models (repeatable; default: all)")
    add_common(p)


COMMANDS: list[CommandSpec] = [
    ("compare", "the cost of one request on every model, cheapest first (the Calculator page)", _compare_args,
     cmd_compare),
]
