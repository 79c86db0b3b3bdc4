"""``python -m analytics replay FILE``: what a log of real requests would have cost on each model — in memory
(numpy), or where the log lives (DuckDB over files of any size, a PostgreSQL table, Spark)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.core.errors import AnalyticsError
from analytics.formatting import as_recorded_text, count, log_lines
from analytics.replay.engine import ReplayResult, replay
from analytics.replay.formats import FORMATS
from analytics.replay.query import warehouse_sql
from analytics.replay.reading import MAX_BYTES, MAX_COLUMNS, MAX_ROWS
from analytics.replay.samples import sample_log
from analytics.replay.sources import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIMEOUT_S,
    EngineUnsupported,
    Source,
    open_files,
    open_postgres,
    open_spark,
    replay_source,
    terminal_progress,
)
from analytics.replay.usage import DEFAULT_AVERAGE_PROMPT, UsageLog, parse_mapping, read_log, rows_text, validate_usage

from .common import add_common, emit, print_table, registry_from, token_count

LISTED = 20
"""Unpriced requests printed in the table view (``--json`` lists them all)."""
ENGINES = ("auto", "numpy", "duckdb", "postgres", "spark")
DIALECTS = ("bigquery", "snowflake", "clickhouse", "duckdb", "postgres", "trino", "pyspark", "databricks", "mysql")


def _positive(text: str) -> int:
    try:
        value = int(str(text).replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"{text!r}: give between 1 second and 86,400 (a day)")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?",
                        help="usage log: a CSV or Parquet file, a folder of them, or a glob ('logs/*.parquet')")
    parser.add_argument("--sample", type=_positive, metavar="N",
                        help="replay a generated sample log of N requests instead of FILE")
    parser.add_argument("--seed", type=int, default=0, help="random seed of --sample (default 0)")
    parser.add_argument("--model", action="append", metavar="M",
                        help="price on this model (repeatable; default: each provider's newest flagship callable all "
                             "through the log)")
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
                             f"{DEFAULT_AVERAGE_PROMPT:,}; in-memory engine only)")
    engines = parser.add_argument_group("where the log is priced")
    engines.add_argument("--engine", choices=ENGINES, default="auto",
                         help="auto (default): numpy for one file within --max-mb/--max-rows, DuckDB for larger "
                              "files, folders and globs, PostgreSQL for --db; numpy holds the log in memory, the "
                              "others stream it and bring back only the summary")
    engines.add_argument("--db", metavar="URL",
                         help="a PostgreSQL database (postgresql://user:password@host:port/db), read in read-only "
                              "transactions; with --table")
    engines.add_argument("--table", metavar="NAME",
                         help="the table of --db, e.g. '\"LiteLLM_SpendLogs\"' (quotes keep its case)")
    engines.add_argument("--show-sql", metavar="DIALECT", choices=DIALECTS,
                         help=f"print the replay as SQL for your warehouse ({', '.join(DIALECTS)}) and exit")
    engines.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT,
                         help=f"DuckDB's memory bound, beyond which it spills to --temp-dir "
                              f"(default {DEFAULT_MEMORY_LIMIT})")
    engines.add_argument("--temp-dir", metavar="DIR", help="where DuckDB spills (default: its own, beside the data)")
    engines.add_argument("--threads", type=_positive, help="DuckDB threads (default: every core)")
    engines.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                         help=f"bound on each query of DuckDB or PostgreSQL (default {DEFAULT_TIMEOUT_S:,.0f})")
    parser.add_argument("--max-rows", type=_positive, default=MAX_ROWS,
                        help=f"in-memory (numpy) reading: the most rows read (default {MAX_ROWS:,})")
    parser.add_argument("--max-mb", type=_positive, default=MAX_BYTES // 1024 // 1024,
                        help="in-memory (numpy) reading: the largest file, in MiB "
                             f"(default {MAX_BYTES // 1024 // 1024})")
    add_common(parser)


def _engine(args: argparse.Namespace) -> str:
    """The engine ``--engine auto`` means for these arguments (and the checks of an explicit one)."""
    if args.db or args.table:
        if not (args.db and args.table):
            raise AnalyticsError("--db and --table go together: the database URL and the table holding the log")
        if args.file or args.sample:
            raise AnalyticsError("give a usage log FILE or --db with --table, not both")
        if args.engine not in ("auto", "postgres"):
            raise AnalyticsError(f"--db is priced in PostgreSQL itself; --engine {args.engine} reads files")
        return "postgres"
    if (args.file is None) == (args.sample is None):
        raise AnalyticsError("give a usage log FILE, or --sample N to try a generated one, or --db URL --table NAME")
    if args.sample:
        if args.engine not in ("auto", "numpy"):
            raise AnalyticsError("--sample is generated in memory: it is replayed with --engine numpy")
        return "numpy"
    if args.engine == "postgres":
        raise AnalyticsError("--engine postgres needs --db URL and --table NAME")
    if args.engine != "auto":
        return args.engine
    path = Path(args.file)
    small = path.is_file() and path.stat().st_size <= args.max_mb * 1024 * 1024
    return "numpy" if small or not (path.is_dir() or any(c in args.file for c in "*?[")) else "duckdb"


def _source(args: argparse.Namespace, engine: str) -> Source:
    if engine == "postgres":
        return open_postgres(args.db, args.table, timeout_s=args.timeout)
    if engine == "spark":
        return open_spark(args.file)
    return open_files(args.file, memory_limit=args.memory_limit, temp_directory=args.temp_dir, threads=args.threads,
                      timeout_s=args.timeout, progress=terminal_progress())


def _number(value: float) -> str:
    """A request count: whole unless weights made it fractional."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


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
    models = [registry.resolve_id(m) for m in args.model] if args.model else None  # before reading a large file
    if args.show_sql:
        table = args.table or "usage_log"
        print(warehouse_sql(registry, models or [], args.show_sql, table=table, region=args.region,
                            service_tier=args.service_tier, currency=args.currency, on=args.on), end="")
        return 0
    engine = _engine(args)
    options = {"region": args.region, "service_tier": args.service_tier, "currency": args.currency, "on": args.on}
    log = None
    if engine != "numpy":
        try:
            with _source(args, engine) as source:
                result = replay_source(registry, source, models, mapping=parse_mapping(args.map),
                                       format_name=args.log_format, **options)
        except EngineUnsupported as exc:
            if not (args.engine == "auto" and Path(args.file or "").is_file()):
                raise
            engine = "numpy"  # what only the in-memory engine prices: one file, read in memory (within --max-mb)
            print(f"note: {exc}; replaying it in memory", file=sys.stderr)
        finally:
            if sys.stderr.isatty():
                sys.stderr.write("\r" + " " * 60 + "\r")
    if engine == "numpy":
        if args.sample:
            end = args.on or registry.as_of()
            usage = validate_usage(sample_log(args.sample, seed=args.seed, end=end, registry=registry), "sample")
        else:
            log = read_log(args.file, mapping=parse_mapping(args.map), format_name=args.log_format,
                           average_prompt=args.average_prompt, max_rows=args.max_rows,
                           max_bytes=args.max_mb * 1024 * 1024, max_columns=MAX_COLUMNS)
            usage = log.frame
        result = replay(registry, usage, models, **options)
    _print(args, result, log)
    return 0


def _print(args: argparse.Namespace, result: ReplayResult, log: UsageLog | None) -> None:
    summary = result.summary.drop(columns=["name", "provider"]).to_dict("records")
    if args.json:
        emit(args, {
            "engine": result.engine, "requests": result.requests, "rows": result.rows, "currency": result.currency,
            "region": result.region, "service_tier": result.service_tier,
            "period": list(result.period) if result.period else None, "priced_on": result.priced_on,
            "log": log.as_dict() if log else None,
            "approximation": result.approximation,
            "as_recorded": result.as_recorded,
            "recorded_names": result.recorded_names,
            "unknown_recorded_models": result.unknown_recorded,
            "summary": summary, "tiers": result.tiers.to_dict("records"),
            "unpriced": result.unpriced.to_dict("records"),
        })
        return
    if log and (log.format or log.skipped or log.notes or result.recorded_names or log.approximation):
        headline, *details = log_lines(log.as_dict(), result.recorded_names)
        print("\n".join([headline, *(f"  {line}" for line in details)]))
    where = (f"{result.period[0]} to {result.period[1]}, each request at the price of its day" if result.period
             else f"all priced on {result.priced_on}")
    rows = f" in {result.rows:,} rows" if result.approximation else ""
    engine = "" if result.engine == "numpy" else f"; priced in {result.engine}"
    print(f"{result.requests:,} requests{rows} ({where}); {result.region}/{result.service_tier}; {result.currency}"
          f"{engine}")
    if result.approximation and not (log and log.approximation):
        print(f"approximation: {result.approximation}")
    recorded = as_recorded_text(result.as_recorded, result.currency, lambda v, cur: f"{v:,.6g} {cur}")
    if recorded:
        print(recorded)
    if result.summary["common_requests"].size:
        common = result.summary["common_requests"].iloc[0]
        print(f"like for like: total_cost_common is over the {count(common, 'request')} every model takes; "
              "total_cost over what each model can take")
    print_table(summary, ["model", "total_cost_common", "total_cost", "cost_median", "cost_p95", "cost_max",
                          "priced", "not_fitting", "no_price", "saving", "saving_share", "compared_rows"])
    print()
    print_table(result.tiers.to_dict("records"), ["model", "tier", "requests", "share"])
    if result.unknown_recorded:
        names = ", ".join(f"{k} ({rows_text(v)})" for k, v in result.unknown_recorded.items())
        print(f"\nrecorded on models the registry does not know, left out of the saving and of as recorded: {names}")
    unpriced = result.unpriced
    if len(unpriced) and result.engine != "numpy":
        print(f"\n{_number(unpriced['requests'].sum())} request × model pairs got no cost (never counted as 0), "
              "by reason (the requests themselves stay in the source):")
        print_table(unpriced.to_dict("records"), ["model", "kind", "reason", "requests"])
    elif len(unpriced):
        print(f"\n{len(unpriced):,} request × model pairs got no cost (never counted as 0); "
              f"{'the first ' + str(LISTED) if len(unpriced) > LISTED else 'all'} listed, --json lists all:")
        print_table(unpriced.head(LISTED).to_dict("records"),
                    ["row", "model", "kind", "reason", "prompt_tokens", "output_tokens"])
    sys.stdout.flush()


COMMANDS = [
    ("replay", "price a usage log (CSV/Parquet: a request log or a known export; files of any size, or a "
               "PostgreSQL table) on every model", configure, run),
]
