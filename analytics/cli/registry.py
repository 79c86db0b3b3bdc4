"""The registry's own commands: ``models``, ``price``, ``blended``, ``validate`` and ``schema``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analytics.core.catalog import blended_table, price_table
from analytics.core.errors import RegistryError
from analytics.core.pricing import parse_ratio, price_request, tier_label
from analytics.core.registry import DATA_DIR, load_registry
from analytics.core.schema import registry_json_schema

from .common import (
    CommandSpec,
    add_common,
    emit,
    fraction,
    print_table,
    registry_from,
    say_your_prices,
    token_count,
)


def cmd_models(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    table = price_table(registry, region=args.region, service_tier=args.service_tier, on=args.on,
                        currency=args.currency)
    records = [
        {
            "id": r["id"], "name": r["name"], "provider": r["provider"], "country": r["country"],
            "released": r["released"], "deprecated_on": r["deprecated_on"], "retired_on": r["retired_on"],
            "successor": r["successor"], "status": r["status_code"], "lifecycle": r["lifecycle"],
            "context_window": r["context_window"], "input_per_mtok": r["input_per_mtok"],
            "output_per_mtok": r["output_per_mtok"], "cache_read_per_mtok": r["cache_read_per_mtok"],
            "currency": r["currency"], "tiers": r["tiers"], "source": r["source"], "checked_on": r["checked_on"],
            "your_prices": r["your_prices"],
        }
        for r in table.to_dict("records")
    ]
    columns = ["id", "provider", "lifecycle", "context_window", "input_per_mtok", "output_per_mtok",
               "cache_read_per_mtok", "tiers", "checked_on"]
    emit(args, records, records, [*columns, "your_prices"] if registry.overlay_label() else columns)
    say_your_prices(registry, args)
    return 0


def cmd_price(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    quote = price_request(
        registry, args.model, args.input, args.output, args.cached, args.reasoning, args.cache_write,
        args.cache_write_1h, region=args.region, service_tier=args.service_tier, on=args.on, currency=args.currency,
    )
    data = quote.as_dict()
    data["prompt_tokens"] = args.input
    schedule = registry.schedule(quote.model, quote.region, quote.service_tier, quote.on)
    data["your_prices"] = registry.overlay_note(quote.model, schedule)
    rows = [{"component": k, "cost": v} for k, v in quote.breakdown.items()]
    rows.append({"component": "total", "cost": quote.cost})
    if args.json:
        emit(args, data)
    else:
        tier = f"prompts {tier_label(schedule, quote.tier_index)} tokens"
        print(f"{quote.model}: {quote.cost:.6g} {quote.currency}  (tier: {tier}; "
              f"{quote.region}/{quote.service_tier}; prices checked {quote.checked_on}; {quote.source})")
        if data["your_prices"]:
            print(f"  your prices: {data['your_prices']} — overlay {', '.join(registry.overlay.files)}")
        print_table(rows, ["component", "cost"])
    return 0


def cmd_blended(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    ratio = parse_ratio(args.ratio)
    for model in args.model or []:  # a model asked for by name that cannot be called then: say so, price nothing
        registry.require_live(model, args.on)
    table = blended_table(registry, ratio, args.prompt, args.cache_hit, models=args.model or None,
                          region=args.region, service_tier=args.service_tier, on=args.on, currency=args.currency)
    records = table.to_dict("records")
    columns = ["model", "provider", "blended_per_mtok", "input_per_mtok", "output_per_mtok", "tier_label", "status"]
    emit(args, records, records, [*columns, "your_prices"] if registry.overlay_label() else columns)
    say_your_prices(registry, args)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [DATA_DIR]
    try:
        registry = load_registry(paths)
    except RegistryError as exc:
        print(f"{len(exc.problems)} problem(s) found:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    n_results = sum(len(b.results) for b in registry.benchmarks.values())
    print(f"valid: {len(registry.providers)} providers, {len(registry.entries)} models, "
          f"{n_results} benchmark results, {len(registry.fx.rates)} FX rates")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    text = json.dumps(registry_json_schema(), indent=2, sort_keys=True) + "\n"
    target = Path(args.out)
    if args.check:
        if not target.is_file() or target.read_text() != text:
            print(f"error: {target} is stale: run `make schema`", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.write_text(text)
    print(f"wrote {target}")
    return 0


def _models_args(p: argparse.ArgumentParser) -> None:
    add_common(p)


def _price_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help="model id or alias, e.g. gemini-3-pro")
    p.add_argument("--input", type=token_count, required=True, help="prompt tokens, cached ones included")
    p.add_argument("--output", type=token_count, required=True, help="visible output tokens")
    p.add_argument("--cached", type=token_count, default=0, help="prompt tokens read from the cache")
    p.add_argument("--reasoning", type=token_count, default=0, help="reasoning tokens (billed as output)")
    p.add_argument("--cache-write", type=token_count, default=0,
                   help="prompt tokens written to the cache (the default 5-minute cache where there are two)")
    p.add_argument("--cache-write-1h", type=token_count, default=0,
                   help="prompt tokens written to the 1-hour cache (billed as input where the provider has none)")
    add_common(p)


def _blended_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ratio", default="3:1", help="input:output token ratio (default 3:1)")
    p.add_argument("--prompt", type=token_count, default=None, help="prompt size that picks the tier")
    p.add_argument("--cache-hit", type=fraction, default=0.0, help="share of input read from cache, 0–1")
    p.add_argument("--model", action="append", help="only these models (repeatable)")
    add_common(p)


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="registry folders (default: the bundled data/)")


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=str(DATA_DIR / "schema.json"))
    p.add_argument("--check", action="store_true", help="exit 1 if the file is stale")


COMMANDS: list[CommandSpec] = [
    ("models", "list the models with their base prices", _models_args, cmd_models),
    ("price", "price one request on one model", _price_args, cmd_price),
    ("blended", "blended price per 1M tokens of every model", _blended_args, cmd_blended),
    ("validate", "validate a registry folder (default: the bundled one)", _validate_args, cmd_validate),
    ("schema", "write data/schema.json from the pydantic models", _schema_args, cmd_schema),
]
