"""Where a big usage log lives, opened as an ibis table on the engine that prices it: files through DuckDB
(embedded, out of core, bounded memory), a PostgreSQL table (read-only, bounded by a statement timeout), a Parquet
folder on Spark (local). Every failure is one line naming the source, the table and the column."""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from analytics.core.errors import AnalyticsError
from analytics.core.registry import Registry

from .engine import ReplayResult
from .engines import replay_table
from .expressions import Expression, ExpressionError, Term, parse
from .formats import detect_format, format_named

CANONICAL = ("prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "cache_write_tokens",
             "cache_write_1h_tokens", "timestamp", "model", "requests", "export_cost")
"""The columns the replay reads; a source's other columns are never read."""
NUMERIC = ("prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "cache_write_tokens",
           "cache_write_1h_tokens", "requests", "export_cost")

TIMED_OUT = "the query ran past the time limit (raise it with --timeout)"
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_TIMEOUT_S = 600.0
CONNECT_TIMEOUT_S = 10


class SourceError(AnalyticsError):
    """A source that cannot be read: unreachable, no such table or column, a column that is not a number."""


class EngineUnsupported(SourceError):
    """A log the engine would price differently from the in-memory (numpy) engine, which is the reference: it
    refuses in one line, and ``--engine auto`` replays the file in memory instead."""


@dataclass
class Source:
    """A usage log where it lives: the raw table, its engine, and how to run an expression there."""

    label: str
    """For messages: the file pattern, or the database (without its password) and the table."""
    engine: str
    backend: Any
    table: ir.Table
    table_name: str = ""
    timeout_s: float | None = DEFAULT_TIMEOUT_S
    progress: Callable[[str, float], None] | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)
    _interrupted: threading.Event = field(default_factory=threading.Event)

    def execute(self, expr: ir.Expr, step: str = "") -> pd.DataFrame:
        """Run ``expr`` on the engine and bring its (small) result back; engine errors become one line."""
        with _watch(self, step), quiet():
            try:
                return self.backend.execute(expr)
            except Exception as exc:  # noqa: BLE001 — every engine has its own exception types: translated here
                if self._interrupted.is_set():
                    raise SourceError(f"{self.label}: {TIMED_OUT}") from None
                raise self.error(exc) from None

    def error(self, exc: BaseException) -> SourceError:
        return SourceError(f"{self.label}: {_one_line(exc, self.engine)}")

    def close(self) -> None:
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):
                closer()
        self._closers.clear()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the deprecation notices ibis 12 triggers in DuckDB 2, pandas 3.1 and pyspark's pandas bridge: they
    are addressed to ibis, not to a user of the replay."""
    with warnings.catch_warnings():
        for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
            warnings.simplefilter("ignore", category)
        yield


def _one_line(exc: BaseException, engine: str) -> str:
    """An engine's error as one line (its first), without the engine's own noise."""
    text = str(exc).strip() or type(exc).__name__
    first = text.splitlines()[0].strip()
    for prefix in ("Binder Error: ", "Catalog Error: ", "IO Error: ", "Conversion Error: ", "Invalid Input Error: ",
                   "Out of Memory Error: ", "INTERRUPT Error: "):
        first = first.removeprefix(prefix)
    if "canceling statement due to statement timeout" in text or "INTERRUPT" in text:
        return TIMED_OUT
    return first


@contextlib.contextmanager
def _watch(source: Source, step: str) -> Iterator[None]:
    """While a query runs: report DuckDB's progress, and interrupt it past the time limit (PostgreSQL and Spark
    bound their own statements)."""
    if source.engine != "duckdb" or (source.progress is None and source.timeout_s is None):
        yield
        return
    done = threading.Event()
    source._interrupted.clear()
    raw = source.backend.con

    def watch() -> None:
        start = time.monotonic()
        while not done.wait(0.25):
            if source.timeout_s is not None and time.monotonic() - start > source.timeout_s:
                source._interrupted.set()
                with contextlib.suppress(Exception):
                    raw.interrupt()
                return
            if source.progress is not None:
                with contextlib.suppress(Exception):
                    percent = raw.query_progress()
                    if percent >= 0:
                        source.progress(step, percent)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def terminal_progress(stream: Any = None) -> Callable[[str, float], None] | None:
    """A one-line progress report on a terminal (None when the output is a pipe or a file)."""
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        return None

    def report(step: str, percent: float) -> None:
        stream.write(f"\r{step}: {percent:5.1f}%   ")
        stream.flush()

    return report


# -- files through DuckDB --------------------------------------------------------------------------------------------


def file_paths(pattern: str) -> list[str]:
    """The files a path, a folder (its ``*.parquet``, ``*.csv``) or a glob names; a clear error when none."""
    path = Path(pattern)
    if path.is_dir():
        found = sorted(str(p) for p in path.iterdir() if p.suffix.lower() in (".parquet", ".pq", ".csv"))
    elif any(c in pattern for c in "*?["):
        found = sorted(glob.glob(pattern, recursive=True))
    else:
        found = [pattern] if path.is_file() else []
    if not found:
        raise SourceError(f"{pattern}: no such file (give a CSV or Parquet file, a folder of them, or a glob)")
    kinds = {_kind(p) for p in found}
    if len(kinds) > 1:
        raise SourceError(f"{pattern}: mixes CSV and Parquet files; give one kind")
    return found


def _kind(path: str) -> str:
    if path.lower().endswith((".parquet", ".pq")):
        return "parquet"
    with contextlib.suppress(OSError), open(path, "rb") as handle:
        if handle.read(4) == b"PAR1":
            return "parquet"
    return "csv"


def open_files(pattern: str, *, memory_limit: str = DEFAULT_MEMORY_LIMIT, temp_directory: str | None = None,
               threads: int | None = None, timeout_s: float | None = None,
               progress: Callable[[str, float], None] | None = None, label: str | None = None) -> Source:
    """CSV or Parquet files (a file, a folder, a glob) as one table on an embedded DuckDB with bounded memory:
    what does not fit spills to ``temp_directory``; nothing is loaded before the queries stream it."""
    label = label or pattern
    try:
        paths = file_paths(pattern)
    except SourceError as exc:
        raise SourceError(str(exc).replace(pattern, label, 1)) from None
    options: dict[str, Any] = {"memory_limit": memory_limit, "preserve_insertion_order": False}
    if threads:
        options["threads"] = threads
    if temp_directory:
        options["temp_directory"] = temp_directory
    try:
        backend = ibis.duckdb.connect(**options)
    except Exception as exc:  # noqa: BLE001
        raise SourceError(f"{label}: cannot start DuckDB ({_one_line(exc, 'duckdb')})") from None
    # times are compared in UTC; DuckDB reports progress only with its bar enabled (printing nothing itself)
    for setting in ("SET TimeZone = 'UTC'", "SET enable_progress_bar = true", "SET enable_progress_bar_print = false"):
        backend.raw_sql(setting)
    source = Source(label, "duckdb", backend, None, timeout_s=timeout_s, progress=progress)  # type: ignore[arg-type]
    source._closers.append(backend.disconnect)
    try:
        with quiet():
            source.table = backend.read_parquet(paths) if _kind(paths[0]) == "parquet" else backend.read_csv(paths)
    except Exception as exc:  # noqa: BLE001
        source.close()
        raise SourceError(f"{label}: {_one_line(exc, 'duckdb')}") from None
    return source


# -- a PostgreSQL table ------------------------------------------------------------------------------------------


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def table_name(text: str) -> tuple[str | None, str]:
    """``'"LiteLLM_SpendLogs"'`` → (None, 'LiteLLM_SpendLogs'); ``public.spend`` → ('public', 'spend'). Double
    quotes keep a name's case, as in SQL; an unquoted name is folded to lower case, as PostgreSQL does."""
    parts, current, quoted, was_quoted = [], "", False, False
    for char in text.strip():
        if char == '"':
            quoted = not quoted
            was_quoted = True
        elif char == "." and not quoted:
            parts.append(current if was_quoted else current.lower())
            current, was_quoted = "", False
        else:
            current += char
    parts.append(current if was_quoted else current.lower())
    if quoted or not all(parts) or len(parts) > 2:
        raise SourceError(f"--table {text!r}: write NAME, \"MixedCaseName\" or schema.\"Name\"")
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])


def open_postgres(url: str, table: str, *, timeout_s: float | None = DEFAULT_TIMEOUT_S,
                  connect_timeout_s: int = CONNECT_TIMEOUT_S, label: str | None = None) -> Source:
    """A PostgreSQL table, read in read-only transactions (the server refuses any write) with every statement
    bounded by ``timeout_s``. Only the replay's small results leave the server."""
    import psycopg

    where = label or redact(url)
    label = f"{where} table {table}"
    schema, name = table_name(table)
    options = "-c default_transaction_read_only=on"
    if timeout_s:
        options += f" -c statement_timeout={int(timeout_s * 1000)}"
    try:
        connection = psycopg.connect(url, connect_timeout=connect_timeout_s, options=options, autocommit=True)
    except Exception as exc:  # noqa: BLE001
        raise SourceError(f"{where}: cannot connect ({_one_line(exc, 'postgres')})") from None
    try:
        backend = ibis.postgres.from_connection(connection)
    except Exception as exc:  # noqa: BLE001
        connection.close()
        raise SourceError(f"{where}: {_one_line(exc, 'postgres')}") from None
    source = Source(label, "postgres", backend, None, table_name=name, timeout_s=timeout_s)  # type: ignore[arg-type]
    source._closers.append(connection.close)
    try:
        with quiet():
            source.table = backend.table(name, database=schema)
    except Exception as exc:  # noqa: BLE001
        source.close()
        qualified = f"{schema}.{name}" if schema else name
        raise SourceError(f"{where}: no table {qualified!r} ({_one_line(exc, 'postgres')})") from None
    return source


# -- Spark -------------------------------------------------------------------------------------------------------


def spark_session(app: str = "llm-costs-replay", *, partitions: int = 4) -> Any:
    """A local Spark session (one per process: starting the JVM costs seconds), bound to 127.0.0.1, UI off."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SourceError("Spark: pyspark is not installed (pip install 'ibis-framework[pyspark]')") from None
    try:
        session = (SparkSession.builder.master("local[2]").appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", str(partitions))
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate())
    except Exception as exc:  # noqa: BLE001 — no Java, or it would not start
        raise SourceError(f"Spark: cannot start a local session ({_one_line(exc, 'spark')})") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def open_spark(pattern: str, *, session: Any = None) -> Source:
    """A Parquet file or folder as a table on a local Spark session."""
    paths = file_paths(pattern)
    if _kind(paths[0]) != "parquet":
        raise SourceError(f"{pattern}: the Spark engine reads Parquet")
    session = session or spark_session()
    backend = ibis.pyspark.connect(session)
    source = Source(pattern, "spark", backend, None, timeout_s=None)  # type: ignore[arg-type]
    try:
        with quiet():
            source.table = backend.read_parquet(paths if len(paths) > 1 else paths[0])
    except Exception as exc:  # noqa: BLE001
        raise SourceError(f"{pattern}: {_one_line(exc, 'spark')}") from None
    return source


# -- the canonical columns ---------------------------------------------------------------------------------------


TEXT_TARGETS = ("timestamp", "model")
"""Canonical columns read as text (a time is cast after): a JSON field of theirs is a string, not a number."""


def _term_value(table: ir.Table, term: Term, as_text: bool = False) -> ir.Value:
    """One term of a column expression as an ibis value: a column, or a field inside a JSON column (a number, or
    text with ``as_text``)."""
    column = table[term.column]
    if not term.path:
        return column
    value = column if column.type().is_json() else column.cast("json")
    for key in term.path:
        value = value[key]
    return value.unwrap_as("string" if as_text else "float64")


def _expression_value(table: ir.Table, expression: Expression, target: str, label: str) -> ir.Value:
    """A parsed column expression (``analytics.replay.expressions``) as one ibis value: a column, a JSON field,
    a sum or a difference of them (a missing term of a sum counts 0, as the in-memory reader counts it)."""
    if expression.kind == "column":
        return table[expression.terms[0].column]
    if target in TEXT_TARGETS:
        if len(expression.terms) != 1 or expression.terms[0].sign < 0:
            raise SourceError(f"{label}: {target} = {expression.text}: a {target} is one column or JSON field")
        return _term_value(table, expression.terms[0], as_text=True)
    total = None
    for term in expression.terms:
        value = _term_value(table, term)
        if not value.type().is_numeric():
            raise SourceError(f"{label}: column {term.column!r} ({target}) is {value.type()}, not a number")
        value = value.cast("float64").fill_null(0.0)
        total = (value if term.sign > 0 else -value) if total is None else (
            total + value if term.sign > 0 else total - value)
    return total


def canonical_table(source: Source, mapping: Mapping[str, str] | None = None, format_name: str | None = None
                    ) -> ir.Table:
    """The source's table with the replay's column names, as the in-memory reader maps a file: the export's
    format (named, or detected from the columns: LiteLLM's ``LiteLLM_SpendLogs``, OpenAI's, Langfuse's …), then
    an explicit ``mapping`` (canonical → column expression: a column, a JSON field, a sum or a difference; an empty
    one unmaps), then same-named columns (any case). Checks that the required columns exist and that every token
    column holds numbers; keeps only the rows a format counts as model calls."""
    table = source.table
    columns = list(table.columns)
    fmt = format_named(format_name) if format_name else detect_format(columns)
    if format_name and fmt is None:
        raise SourceError(f"{source.label}: no usage format named {format_name!r}")
    if fmt is not None and fmt.aggregated and "requests" not in fmt.mapping:
        raise EngineUnsupported(f"{source.label}: the {fmt.title} has no request count per row, which only the "
                                "in-memory engine assumes (--engine numpy, with --average-prompt)")
    chosen: dict[str, str] = {}
    by_key = {c.lower(): c for c in columns}
    for name in CANONICAL:
        if name in by_key:
            chosen[name] = by_key[name]
    chosen.update(fmt.mapping if fmt else {})
    for target, text in (mapping or {}).items():
        if target not in CANONICAL:
            raise SourceError(f"{source.label}: cannot map to {target!r} (map to one of {', '.join(CANONICAL)})")
        if text:
            chosen[target] = text
        else:
            chosen.pop(target, None)
    for required in ("prompt_tokens", "output_tokens"):
        if required not in chosen:
            raise SourceError(f"{source.label}: column {required!r} does not exist; the table has "
                              f"{', '.join(columns[:20])} — map one with --map {required}=COLUMN")
    selected: dict[str, ir.Value] = {}
    for target, text in chosen.items():
        try:
            expression = parse(text, columns)
        except ExpressionError as exc:
            raise SourceError(f"{source.label}: {target} = {text}: {exc.message}" +
                              (f" — {exc.hint}" if exc.hint else "")) from None
        selected[target] = _checked(_expression_value(table, expression, target, source.label), target, text,
                                    source.label)
    if fmt is not None and fmt.keep and fmt.keep.column in columns:
        calls = table[fmt.keep.column].cast("string").lower().isin([v.lower() for v in fmt.keep.values])
        table = table.filter(calls)
    canonical = table.select(**selected)
    if "requests" in canonical.columns:
        # buckets of no requests (an export's empty days: no count, or 0) are skipped, as the in-memory reader
        # skips them; a negative count stays, for the checks to name
        count = canonical["requests"]
        canonical = canonical.filter(count.notnull() & (count != 0))
    return canonical


def _checked(value: ir.Value, target: str, text: str, label: str) -> ir.Value:
    """A canonical column's value, type-checked: token counts must be numbers, times times (or Unix seconds)."""
    dtype = value.type()
    if target in NUMERIC and not dtype.is_numeric():
        raise SourceError(f"{label}: column {text!r} ({target}) is {dtype}, not a number")
    if target == "timestamp":
        if dtype.is_string():
            # a JSON-quoted date (Langfuse writes "2026-01-15T10:30:00.000Z" with its quotes) is the date; a value
            # that is not a time fails with the engine's message
            return value.strip().re_replace('^"|"$', "").cast("timestamp('UTC')")
        if dtype.is_date():
            return value.cast("timestamp")
        if not (dtype.is_timestamp() or dtype.is_numeric()):
            raise SourceError(f"{label}: column {text!r} (timestamp) is {dtype}, not a time")
    return value


def replay_source(registry: Registry, source: Source, models: Iterable[str] | None = None, *,
                  mapping: Mapping[str, str] | None = None, format_name: str | None = None, region: str = "global",
                  service_tier: str = "standard", currency: str = "USD", on: dt.date | None = None) -> ReplayResult:
    """Replay the log ``source`` holds, priced on its engine; only summaries come back."""
    table = canonical_table(source, mapping, format_name)
    return replay_table(source.execute, registry, table, models, region=region, service_tier=service_tier,
                        currency=currency, on=on, label=source.label, engine=source.engine)


# -- sources the server's owner configured (the dashboard's .streamlit/secrets.toml) --------------------------------


@dataclass(frozen=True)
class ConfiguredSource:
    """A usage log the server's owner configured, offered to the dashboard's visitors by its label only."""

    name: str
    """The ``[connections.NAME]`` section."""
    label: str
    kind: str
    """``postgres`` (a table) or ``files`` (a Parquet or CSV file, folder or glob, through DuckDB)."""
    url: str | None = None
    table: str | None = None
    path: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_limit: str = DEFAULT_MEMORY_LIMIT

    def open(self) -> Source:
        """The source, labelled for visitors: its messages name the label, never the URL or the path."""
        if self.kind == "postgres":
            return open_postgres(self.url or "", self.table or "", timeout_s=self.timeout_s, label=self.label)
        return open_files(self.path or "", memory_limit=self.memory_limit, timeout_s=self.timeout_s,
                          label=self.label)

    def scrub(self, message: str) -> str:
        """``message`` without this source's URL, password or path (an engine's own text may quote them)."""
        for secret in (self.url, redact(self.url) if self.url else None, self.path):
            if secret:
                message = message.replace(secret, self.label)
        if self.url:
            from urllib.parse import urlsplit

            parts = urlsplit(self.url)
            for secret in (parts.password, parts.hostname):
                if secret:
                    message = message.replace(secret, "…")
        return message


def _database_url(section: Mapping[str, Any]) -> str | None:
    """A PostgreSQL URL from ``url``, or from ``st.connection``'s SQL keys (dialect, host, port, database,
    username, password)."""
    from urllib.parse import quote

    if section.get("url"):
        return str(section["url"])
    if str(section.get("dialect", "")).split("+")[0] not in ("postgresql", "postgres") or not section.get("host"):
        return None
    user = quote(str(section.get("username", "")), safe="")
    password = f":{quote(str(section['password']), safe='')}" if section.get("password") else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{section['port']}" if section.get("port") else ""
    return f"postgresql://{credentials}{section['host']}{port}/{section.get('database', '')}"


def configured_sources(connections: Mapping[str, Any]) -> tuple[list[ConfiguredSource], list[str]]:
    """The replay sources among the ``[connections.*]`` sections of ``.streamlit/secrets.toml`` (Streamlit's
    ``st.connection`` convention): a section with ``table`` (and a PostgreSQL ``url``, or ``dialect``, ``host``,
    ``port``, ``database``, ``username``, ``password``) is a table; one with ``path`` is a file, folder or glob.
    Optional: ``label`` (what visitors see), ``timeout`` (seconds), ``memory_limit`` (DuckDB).

    Returns the sources and one line per section that looks like one but cannot be used (never its secrets)."""
    sources, problems = [], []
    for name, section in (connections or {}).items():
        if not isinstance(section, Mapping) or not ({"table", "path"} & set(section)):
            continue
        label = str(section.get("label") or name)
        try:
            timeout = float(section.get("timeout", DEFAULT_TIMEOUT_S))
        except (TypeError, ValueError):
            problems.append(f"[connections.{name}]: timeout must be a number of seconds")
            continue
        if "table" in section:
            url = _database_url(section)
            if url is None:
                problems.append(f"[connections.{name}]: a table needs a PostgreSQL url (or dialect = \"postgresql\" "
                                "with host, port, database, username, password)")
                continue
            sources.append(ConfiguredSource(name, label, "postgres", url=url, table=str(section["table"]),
                                            timeout_s=timeout))
        else:
            sources.append(ConfiguredSource(name, label, "files", path=str(section["path"]), timeout_s=timeout,
                                            memory_limit=str(section.get("memory_limit", DEFAULT_MEMORY_LIMIT))))
    return sources, problems
