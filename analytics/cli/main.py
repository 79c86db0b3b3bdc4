"""The command line: ``python -m analytics COMMAND`` (also installed as ``llm-costs``).

Every command prints a readable table, or JSON with ``--json``. Errors are one clear line on stderr and a
non-zero exit, never a traceback. Commands call the same functions as the dashboard.
"""

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

from analytics.core.errors import AnalyticsError, RegistryError
from analytics.core.registry import DATA_DIR, Registry, cached_registry, load_registry

Handler = Callable[[argparse.Namespace], int]

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
    from analytics.formatting import is_unknown

    if is_unknown(value):
        return "unknown"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A plain monospace table; unknown values print as "unknown"."""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells)
    return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    from analytics.formatting import is_unknown

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
        print(format_table(rows, columns or list(rows[0]) if rows else []))


def registry_from(args: argparse.Namespace) -> Registry:
    """The bundled registry, with ``--registry DIR`` folders layered on top."""
    extra = [Path(p) for p in (getattr(args, "registry", None) or [])]
    return cached_registry([DATA_DIR, *extra])


def add_common(parser: argparse.ArgumentParser, *, json_flag: bool = True, prices: bool = True) -> None:
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    if prices:
        parser.add_argument("--region", default="global", help="price region (default: global)")
        parser.add_argument("--service-tier", default="standard",
                            choices=["standard", "batch", "flex", "priority"], help="default: standard")
        parser.add_argument("--on", type=date_arg, default=None, help="price as of this date (default: today)")
        parser.add_argument("--currency", type=currency_arg, default="USD", help="default: USD")


# -- commands ---------------------------------------------------------------------------------------------------


def cmd_models(args: argparse.Namespace) -> int:
    from analytics.core.catalog import price_table

    registry = registry_from(args)
    table = price_table(registry, region=args.region, service_tier=args.service_tier, on=args.on,
                        currency=args.currency)
    records = [
        {
            "id": r["id"], "name": r["name"], "provider": r["provider"], "country": r["country"],
            "context_window": r["context_window"], "input_per_mtok": r["input_per_mtok"],
            "output_per_mtok": r["output_per_mtok"], "cache_read_per_mtok": r["cache_read_per_mtok"],
            "currency": r["currency"], "tiers": r["tiers"], "source": r["source"], "checked_on": r["checked_on"],
        }
        for r in table.to_dict("records")
    ]
    emit(args, records, records, ["id", "provider", "country", "context_window", "input_per_mtok",
                                  "output_per_mtok", "cache_read_per_mtok", "tiers", "checked_on"])
    return 0


def cmd_price(args: argparse.Namespace) -> int:
    from analytics.core.pricing import price_request

    registry = registry_from(args)
    quote = price_request(
        registry, args.model, args.input, args.output, args.cached, args.reasoning, args.cache_write,
        region=args.region, service_tier=args.service_tier, on=args.on, currency=args.currency,
    )
    data = quote.as_dict()
    data["prompt_tokens"] = args.input
    rows = [{"component": k, "cost": v} for k, v in quote.breakdown.items()]
    rows.append({"component": "total", "cost": quote.cost})
    if args.json:
        emit(args, data)
    else:
        from analytics.core.pricing import tier_label

        schedule = registry.schedule(quote.model, quote.region, quote.service_tier, quote.on)
        tier = f"prompts {tier_label(schedule, quote.tier_index)} tokens"
        print(f"{quote.model}: {quote.cost:.6g} {quote.currency}  (tier: {tier}; "
              f"{quote.region}/{quote.service_tier}; prices checked {quote.checked_on}; {quote.source})")
        print(format_table(rows, ["component", "cost"]))
    return 0


def cmd_blended(args: argparse.Namespace) -> int:
    from analytics.core.catalog import blended_table
    from analytics.core.pricing import parse_ratio

    registry = registry_from(args)
    ratio = parse_ratio(args.ratio)
    table = blended_table(registry, ratio, args.prompt, args.cache_hit, models=args.model or None,
                          region=args.region, service_tier=args.service_tier, on=args.on, currency=args.currency)
    records = table.to_dict("records")
    emit(args, records, records, ["model", "provider", "blended_per_mtok", "input_per_mtok", "output_per_mtok",
                                  "tier_label", "status"])
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
    from analytics.core.schema import registry_json_schema

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


CommandSpec = tuple[str, str, Callable[[argparse.ArgumentParser], None], Handler]


def _models_args(p: argparse.ArgumentParser) -> None:
    add_common(p)


def _price_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help="model id or alias, e.g. gemini-3-pro")
    p.add_argument("--input", type=token_count, required=True, help="prompt tokens, cached ones included")
    p.add_argument("--output", type=token_count, required=True, help="visible output tokens")
    p.add_argument("--cached", type=token_count, default=0, help="prompt tokens read from the cache")
    p.add_argument("--reasoning", type=token_count, default=0, help="reasoning tokens (billed as output)")
    p.add_argument("--cache-write", type=token_count, default=0, help="prompt tokens written to the cache")
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


def _extension_commands() -> list[CommandSpec]:
    """Commands defined beside their feature modules (each module exposes ``COMMANDS``); imported here, not at
    the top, because those modules import this one's helpers."""
    from . import drift, export_cli, importer, replay_cli, workloads_cli

    return [spec for module in (workloads_cli, export_cli, replay_cli, drift, importer) for spec in module.COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analytics",
        description="LLM cost-performance analytics: sourced prices, blended prices, context tiers, workloads.",
    )
    parser.add_argument("--registry", action="append", metavar="DIR",
                        help="extra registry folder layered on the bundled one (repeatable)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text, configure, handler in [*COMMANDS, *_extension_commands()]:
        command = sub.add_parser(name, help=help_text, description=help_text)
        configure(command)
        command.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except RegistryError as exc:
        print(f"error: the registry is invalid ({len(exc.problems)} problem(s)):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except AnalyticsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
