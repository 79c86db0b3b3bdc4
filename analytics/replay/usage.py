"""Usage replay: price a log of real requests (one row each) on every selected model, and summarise per model.

A log has ``prompt_tokens`` (the whole prompt, cached tokens included), ``output_tokens`` (visible output, reasoning
excluded), optional ``cached_tokens``, ``reasoning_tokens``, ``timestamp`` and ``model`` (the model it was recorded
on). Each request is billed at its own tier (cliff semantics, see ``analytics.pricing``) and at the price schedule
in force on its day (UTC): requests are grouped by schedule period and each group is priced in one vectorised pass
per tier — never a Python loop per request. Requests that do not fit a model, or fall on a day with no price, are
counted and listed, never dropped silently and never costed at 0.

Reading is bounded (bytes, rows, columns) and validation names the column and the row of every problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.core.errors import AnalyticsError, NoPriceError, Problem
from analytics.charts.base import ChartOption, ChartSpec, Provenance, country_color, finish
from analytics.core.pricing import (
    FIT_OK,
    FIT_OUTPUT_OVER_CAP,
    FIT_OVER_CONTEXT_WINDOW,
    FIT_PROMPT_OVER_INPUT_CAP,
    FIT_PROMPT_OVER_PRICED_TIERS,
    fit_codes,
    prompt_cap,
    request_totals,
)
from analytics.core.registry import Registry
from analytics.core.schema import Model, PriceSchedule

TOKEN_COLUMNS = ("prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens")
REQUIRED_COLUMNS = ("prompt_tokens", "output_tokens")
CANONICAL_COLUMNS = (*TOKEN_COLUMNS, "timestamp", "model")
"""The columns a usage log may have; the others are ignored."""

SEED_MODELS = ("qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5")
"""The five models of the seed report: the default selection for a replay."""

MAX_BYTES = 25 * 1024 * 1024
"""A log larger than this (25 MiB, the dashboard's upload limit) is refused before it is parsed."""
MAX_ROWS = 1_000_000
"""A log with more requests than this is refused (the CLI's ``--max-rows`` raises it)."""
MAX_COLUMNS = 200
"""A log whose header has more columns than this is refused before its rows are parsed."""
MAX_PROBLEMS_PER_COLUMN = 5
"""Validation lists at most this many bad rows per column and kind (with the count of the rest)."""

NOT_FITTING = "does not fit"
NO_PRICE = "no price"
_FIT_REASONS = {
    FIT_PROMPT_OVER_INPUT_CAP: "prompt exceeds the {cap_name} of {cap:,} tokens",
    FIT_OUTPUT_OVER_CAP: "output + reasoning exceed max_output_tokens {max_output:,}",
    FIT_OVER_CONTEXT_WINDOW: "prompt + output + reasoning exceed the context window of {window:,} tokens",
    FIT_PROMPT_OVER_PRICED_TIERS: "no price tier covers the prompt",
}


class UsageLogError(AnalyticsError):
    """A usage log that cannot be replayed; holds every problem found, each naming the file, column and rows."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            super().__init__(lines[0])
        else:
            super().__init__(f"the usage log has {len(lines)} problems:\n  " + "\n  ".join(lines))


def _error(label: str, message: str, *, column: str | None = None, hint: str | None = None) -> UsageLogError:
    return UsageLogError([Problem(label, message, field=column, hint=hint)])


# -- reading --------------------------------------------------------------------------------------------------


def _read_bounded(source: str | Path | bytes | Any, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of ``source`` (a path, bytes, or a binary file object), refusing more than ``max_bytes``."""
    limit = f"{max_bytes / 1024 / 1024:,.0f} MiB"
    hint = "split the log, or keep only the columns the replay needs"
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or str(path)
        if not path.is_file():
            raise _error(label, "file not found", hint="give the path of a CSV or Parquet usage log")
        size = path.stat().st_size
        if size > max_bytes:
            raise _error(label, f"the file is {size / 1024 / 1024:,.1f} MiB, larger than the {limit} limit", hint=hint)
        return path.read_bytes(), label
    label = name or "upload"
    data = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _error(label, f"the file is larger than the {limit} limit", hint=hint)
    return data, label


def read_usage(
    source: str | Path | bytes | Any,
    name: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
) -> pd.DataFrame:
    """Read a usage log (CSV, or Parquet when pyarrow is installed) as it is, within the bounds.

    ``name`` labels the file in messages and decides the format with the content (Parquet starts with ``PAR1``).
    Raises ``UsageLogError`` with one clear problem: empty, binary, too large, too many rows or columns, malformed.
    """
    data, label = _read_bounded(source, name, max_bytes)
    if data[:4] == b"PAR1" or label.lower().endswith((".parquet", ".pq")):
        return _read_parquet(data, label, max_rows, max_columns)
    return _read_csv(data, label, max_rows, max_columns)


def _read_parquet(data: bytes, label: str, max_rows: int, max_columns: int) -> pd.DataFrame:
    if importlib.util.find_spec("pyarrow") is None:
        raise _error(label, "reading Parquet needs the pyarrow package, which is not installed",
                     hint="`pip install pyarrow`, or export the log as CSV")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _error(label, f"not a readable Parquet file ({exc})", hint="export the log again, or as CSV") from None
    rows, columns = parquet.metadata.num_rows, parquet.metadata.num_columns
    if columns > max_columns:
        raise _error(label, f"the file has {columns:,} columns; at most {max_columns:,} are read",
                     hint="keep only the request columns")
    if rows > max_rows:
        raise _error(label, f"the file has {rows:,} rows; at most {max_rows:,} requests are read",
                     hint="split the log by month, or raise the bound with the CLI's --max-rows")
    if rows == 0:
        raise _error(label, "the file has no rows", hint="one row per request")
    try:
        frame = parquet.read().to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise _error(label, f"not a readable Parquet file ({exc})", hint="export the log again, or as CSV") from None
    frame.attrs["format"] = "parquet"
    return frame


def _read_csv(data: bytes, label: str, max_rows: int, max_columns: int) -> pd.DataFrame:
    if not data.strip():
        raise _error(label, "the file is empty", hint="a CSV with a header line and one row per request")
    head = data[:65536]
    if b"\x00" in head:
        raise _error(label, "this is a binary file, not CSV text",
                     hint="upload a CSV (UTF-8 text) or a Parquet file")
    header_line = data.split(b"\n", 1)[0]
    try:
        header_text = header_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _error(label, "the header line is not UTF-8 text", hint="save the CSV as UTF-8") from None
    separator = max(",;\t|", key=header_text.count)
    if header_text.count(separator) + 1 > max_columns:
        columns = len(next(csv.reader([header_text], delimiter=separator)))
        if columns > max_columns:
            raise _error(label, f"the header has {columns:,} columns; at most {max_columns:,} are read",
                         hint="keep only the request columns (prompt_tokens, output_tokens, …)")
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=separator, nrows=max_rows + 1, encoding="utf-8-sig",
                            skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise _error(label, "the file is empty", hint="a CSV with a header line and one row per request") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise _error(label, f"malformed CSV: {detail}", hint="every row needs as many fields as the header") from None
    except UnicodeDecodeError as exc:
        raise _error(label, f"not UTF-8 text (byte {exc.start:,})", hint="save the CSV as UTF-8") from None
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        # pandas reads a first row with one field more than the header as an index column, shifting every value
        # one column left; a log never has such an index, so this is a malformed row, not data
        raise _error(label, "malformed CSV: row 1 (line 2) has more fields than the header",
                     hint="every row needs as many fields as the header")
    if len(frame) > max_rows:
        raise _error(label, f"more than {max_rows:,} rows; at most {max_rows:,} requests are read",
                     hint="split the log by month, or raise the bound with the CLI's --max-rows")
    if frame.empty:
        raise _error(label, "the file has a header but no rows", hint="one row per request below the header")
    return frame


# -- column mapping -----------------------------------------------------------------------------------------


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["prompt_tokens=input_tokens"]`` → ``{"prompt_tokens": "input_tokens"}`` (the CLI's ``--map``)."""
    mapping = {}
    for item in items:
        target, sep, column = str(item).partition("=")
        if not sep or not target.strip() or not column.strip():
            raise AnalyticsError(f"--map {item!r}: write CANONICAL=COLUMN, e.g. prompt_tokens=input_tokens")
        mapping[target.strip()] = column.strip()
    return mapping


def suggest_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Canonical name → the log's column of the same name (ignoring case and surrounding spaces).

    Deliberately no synonyms: ``input_tokens`` means the uncached prompt in some logs and the whole prompt in
    others, and ``completion_tokens`` may include reasoning; a wrong guess would misprice silently, so the user maps.
    """
    by_key = {str(c).strip().lower(): str(c) for c in columns}
    return {name: by_key[name] for name in CANONICAL_COLUMNS if name in by_key}


def apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str] | None = None, label: str = "usage log"
                  ) -> pd.DataFrame:
    """The log's columns renamed to the canonical ones (explicit ``mapping`` first, then same-named columns)."""
    mapping = dict(mapping or {})
    problems = []
    for target in mapping:
        if target not in CANONICAL_COLUMNS:
            problems.append(Problem(label, f"cannot map to {target!r}", field=target,
                                    hint=f"map to one of {', '.join(CANONICAL_COLUMNS)}"))
    columns = [str(c) for c in frame.columns]
    shown = ", ".join(columns[:20]) + (", …" if len(columns) > 20 else "")
    for target, column in mapping.items():
        if column not in columns:
            problems.append(Problem(label, f"the file has no column {column!r} to map to {target}", field=target,
                                    hint=f"the file's columns: {shown}"))
    chosen = {**suggest_mapping(columns), **{k: v for k, v in mapping.items() if k in CANONICAL_COLUMNS}}
    for target in REQUIRED_COLUMNS:
        if target not in chosen:
            problems.append(Problem(label, f"missing required column {target!r}", field=target,
                                    hint=f"the file's columns: {shown}; map one with --map {target}=COLUMN "
                                         "(CLI) or the column mapping (page)"))
    if problems:
        raise UsageLogError(problems)
    position = {name: i for i, name in enumerate(columns)}  # by position: the caller's frame is left untouched
    return pd.DataFrame({target: frame.iloc[:, position[column]] for target, column in chosen.items()})


# -- validation ---------------------------------------------------------------------------------------------


def _row_label(positions: np.ndarray, csv_lines: bool) -> str:
    """Rows count from 1 at the first request; a CSV's line adds the header line."""
    shown = positions[:MAX_PROBLEMS_PER_COLUMN]
    parts = [f"row {p + 1:,}" + (f" (line {p + 2:,})" if csv_lines else "") for p in shown]
    text = ", ".join(parts)
    if len(positions) > MAX_PROBLEMS_PER_COLUMN:
        text += f" and {len(positions) - MAX_PROBLEMS_PER_COLUMN:,} more rows"
    return text


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def validate_usage(frame: pd.DataFrame, label: str = "usage log", *, csv_lines: bool = True) -> pd.DataFrame:
    """Check a canonically named log and return it typed: float64 tokens, UTC timestamps, model names as text.

    Every problem names the column and the rows: text in a number column, an empty required cell, a negative or
    infinite count, cached tokens above the prompt, a timestamp that is not a date. An empty optional token cell
    counts as 0 (the log did not record any). Raises one ``UsageLogError`` listing every problem found.
    """
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    n = len(frame)
    if n == 0:
        raise _error(label, "the log has no rows", hint="one row per request")
    for column in TOKEN_COLUMNS:
        if column not in frame:
            if column not in REQUIRED_COLUMNS:
                clean[column] = np.zeros(n)
            continue
        raw = frame[column]
        if pd.api.types.is_bool_dtype(raw.dtype):
            problems.append(Problem(label, "holds true/false values, not token counts", field=column))
            continue
        numeric = raw if pd.api.types.is_numeric_dtype(raw.dtype) else pd.to_numeric(raw, errors="coerce")
        values = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(values)
        if missing.any():
            blank = missing & raw.isna().to_numpy()
            text = np.flatnonzero(missing & ~blank)
            if len(text):
                problems.append(Problem(label, f"{_row_label(text, csv_lines)}: {_show(raw.iloc[text[0]])} is not "
                                               "a number", field=column, hint="token counts are numbers, e.g. 1200"))
            if blank.any():
                if column in REQUIRED_COLUMNS:
                    problems.append(Problem(label, f"{_row_label(np.flatnonzero(blank), csv_lines)}: empty",
                                            field=column, hint="every request needs its token count"))
                else:
                    values = np.where(blank, 0.0, values)
        bad = np.flatnonzero(np.isinf(values))
        if len(bad):
            problems.append(Problem(label, f"{_row_label(bad, csv_lines)}: {values[bad[0]]} is not a finite count",
                                    field=column))
        negative = np.flatnonzero(values < 0)
        if len(negative):
            problems.append(Problem(label, f"{_row_label(negative, csv_lines)}: {values[negative[0]]:g} is negative",
                                    field=column, hint="token counts cannot be negative"))
        clean[column] = values
    if "cached_tokens" in clean and "prompt_tokens" in clean:
        over = np.flatnonzero(clean["cached_tokens"] > clean["prompt_tokens"])
        if len(over):
            first = over[0]
            problems.append(Problem(
                label, f"{_row_label(over, csv_lines)}: {clean['cached_tokens'][first]:,.0f} cached tokens exceed the "
                       f"prompt of {clean['prompt_tokens'][first]:,.0f}", field="cached_tokens",
                hint="prompt_tokens include the cached tokens: map the column holding the whole prompt"))
    if "timestamp" in frame:
        stamps, bad_rows, blank_rows = _parse_timestamps(frame["timestamp"])
        if len(bad_rows):
            problems.append(Problem(label, f"{_row_label(bad_rows, csv_lines)}: "
                                           f"{_show(frame['timestamp'].iloc[bad_rows[0]])} is not a date and time",
                                    field="timestamp", hint="write ISO 8601, e.g. 2026-01-15T10:30:00Z"))
        if len(blank_rows):
            problems.append(Problem(label, f"{_row_label(blank_rows, csv_lines)}: empty", field="timestamp",
                                    hint="every request needs its time, or leave the column unmapped to price all "
                                         "requests on one day"))
        clean["timestamp"] = stamps
    if "model" in frame:
        names = frame["model"]
        # categorical: a log repeats a handful of names, and the replay groups by them
        clean["model"] = names.where(names.isna(), names.astype(str).str.strip()).astype("category")
    if problems:
        raise UsageLogError(problems)
    return pd.DataFrame(clean)


def _parse_timestamps(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """UTC timestamps; naive ones are taken as UTC, numbers as Unix seconds (as milliseconds above 1e11)."""
    blank = raw.isna().to_numpy()
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        stamps = raw.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_any_dtype(raw.dtype):
        stamps = raw.dt.tz_localize("UTC")
    elif pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        seconds = raw.to_numpy(dtype=np.float64, na_value=np.nan)
        seconds = np.where(np.abs(seconds) > 1e11, seconds / 1000, seconds)  # milliseconds, per value
        stamps = pd.Series(pd.to_datetime(seconds, unit="s", utc=True, errors="coerce"), index=raw.index)
    else:
        stamps = pd.to_datetime(raw, utc=True, errors="coerce", format="ISO8601")
    failed = stamps.isna().to_numpy()
    return stamps, np.flatnonzero(failed & ~blank), np.flatnonzero(blank)


def load_usage(source: str | Path | bytes | Any, name: str | None = None, mapping: Mapping[str, str] | None = None,
               *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
               ) -> pd.DataFrame:
    """``read_usage`` → ``apply_mapping`` → ``validate_usage``: a file to a typed, canonical log."""
    raw = read_usage(source, name, max_bytes=max_bytes, max_rows=max_rows, max_columns=max_columns)
    label = name or (str(source) if isinstance(source, (str, Path)) else "upload")
    is_parquet = label.lower().endswith((".parquet", ".pq")) or raw.attrs.get("format") == "parquet"
    return validate_usage(apply_mapping(raw, mapping, label), label, csv_lines=not is_parquet)


# -- the sample log -------------------------------------------------------------------------------------------


def sample_log(requests: int = 5_000, *, seed: int = 0, end: dt.date = dt.date(2026, 1, 31), days: int = 30,
               models: Iterable[str] = SEED_MODELS) -> pd.DataFrame:
    """A generated log to try the replay (deterministic for a ``seed``): a chat-like bulk of requests with a
    long-context tail (some prompts beyond 200K and 262K, so tiers and limits show), caching on most requests,
    reasoning on some, timestamps over the ``days`` days up to ``end`` (UTC), recorded on ``models`` in turn."""
    if requests <= 0:
        raise AnalyticsError("a sample needs at least one request")
    rng = np.random.default_rng(seed)
    long_context = rng.random(requests) < 0.03
    prompt = np.where(long_context, rng.lognormal(np.log(150_000), 0.45, requests),
                      rng.lognormal(np.log(6_000), 1.2, requests))
    prompt = np.clip(np.round(prompt), 50, 900_000)
    cached = np.where(rng.random(requests) < 0.6, np.floor(prompt * rng.beta(4, 3, requests)), 0)
    output = np.clip(np.round(rng.lognormal(np.log(600), 1.0, requests)), 1, 30_000)
    reasoning = np.where(rng.random(requests) < 0.4, np.clip(np.round(rng.lognormal(np.log(1_500), 1.0, requests)),
                                                             1, 60_000), 0)
    start = pd.Timestamp(end, tz="UTC") - pd.Timedelta(days=days)
    seconds = np.sort(rng.integers(0, days * 86_400, requests))
    recorded = list(models)
    return pd.DataFrame({
        "timestamp": start + pd.to_timedelta(seconds, unit="s"),
        "model": np.array(recorded, dtype=object)[rng.integers(0, len(recorded), requests)],
        "prompt_tokens": prompt.astype(np.int64),
        "cached_tokens": cached.astype(np.int64),
        "output_tokens": output.astype(np.int64),
        "reasoning_tokens": reasoning.astype(np.int64),
    })


def sample_csv(requests: int = 5_000, *, seed: int = 0, end: dt.date = dt.date(2026, 1, 31)) -> bytes:
    """The sample log as CSV bytes (ISO 8601 timestamps), the format an upload has."""
    frame = sample_log(requests, seed=seed, end=end)
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame.to_csv(index=False).encode()


# -- the replay -----------------------------------------------------------------------------------------------


def default_models(registry: Registry) -> list[str]:
    """The seed models the registry has (every model when it has none of them)."""
    chosen = [m for m in SEED_MODELS if m in registry.entries]
    return chosen or registry.model_ids()


def _day_numbers(usage: pd.DataFrame) -> np.ndarray | None:
    """Days since 1970-01-01 (UTC) of each request, or None when the log has no timestamps."""
    if "timestamp" not in usage:
        return None
    stamps = usage["timestamp"]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize("UTC")
    # the underlying integers count UTC time in the column's unit (s, ms, us or ns)
    per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}[stamps.dt.unit]
    return stamps.array.asi8 // per_day


def _day_number(day: dt.date | None, default: int) -> int:
    return default if day is None else (day - dt.date(1970, 1, 1)).days


def _tier_labels(schedule: PriceSchedule) -> list[str]:
    """"≤32,768", "≤131,072", ">131,072" — or "single tier" when the schedule has one."""
    if len(schedule.tiers) == 1:
        return ["single tier"]
    labels, previous = [], 0
    for tier in schedule.tiers:
        labels.append(f"≤{tier.up_to:,}" if tier.up_to is not None else f">{previous:,}")
        previous = tier.up_to or previous
    return labels


@dataclass
class _ModelPricing:
    """One model's per-request costs (NaN where not priced) and why each unpriced request is unpriced."""

    total: np.ndarray
    fit: np.ndarray
    no_schedule: np.ndarray
    """True where no schedule was in force on the request's day."""
    tier_counts: dict[str, int] = field(default_factory=dict)
    schedules: list[PriceSchedule] = field(default_factory=list)


def _price_on_model(registry: Registry, model: Model, columns: dict[str, np.ndarray], days: np.ndarray | None, *,
                    region: str, service_tier: str, on: dt.date, currency: str,
                    day_range: tuple[int, int] | None = None) -> _ModelPricing:
    """Price every request on ``model`` at the schedule in force on its day: one pass per (period, tier)."""
    n = len(columns["prompt_tokens"])
    candidates = [s for s in model.prices if s.region == region and s.service_tier == service_tier]
    if days is None:
        try:
            groups = [(registry.schedule(model.id, region, service_tier, on), None)]
        except NoPriceError:
            groups = []
    else:
        # the first schedule in force wins, as Registry.schedule does; a day no schedule covers has no price
        assigned = np.full(n, -1, dtype=np.int16)
        first_day, last_day = day_range or (int(days.min()), int(days.max()))
        groups = []
        for k, schedule in enumerate(candidates):
            start = _day_number(schedule.effective_from, first_day)
            stop = _day_number(schedule.effective_to, last_day + 1)
            if stop <= first_day or start > last_day:
                continue
            if start <= first_day and stop > last_day and not groups:
                groups = [(schedule, None)]  # every request falls in this one period: no subsetting
                assigned[:] = k
                break
            inside = (assigned < 0) & (days >= start) & (days < stop)
            if inside.any():
                assigned[inside] = k
                groups.append((schedule, np.flatnonzero(inside)))
    total = np.full(n, np.nan)
    fit = np.zeros(n, dtype=np.int8)
    no_schedule = np.ones(n, dtype=bool)
    result = _ModelPricing(total=total, fit=fit, no_schedule=no_schedule)
    for schedule, rows in groups:
        part = columns if rows is None else {k: v[rows] for k, v in columns.items()}
        costs, codes, tiers = request_totals(
            registry, model.id, part["prompt_tokens"], part["output_tokens"], part["cached_tokens"],
            part["reasoning_tokens"], currency=currency, schedule=schedule, check=False,
        )
        if rows is None:
            result.total, result.fit = total, fit = costs, codes
            no_schedule[:] = False
        else:
            total[rows], fit[rows], no_schedule[rows] = costs, codes, False
        ok = codes == FIT_OK
        counts = [int(ok.sum())] if len(schedule.tiers) == 1 else np.bincount(tiers[ok], minlength=len(schedule.tiers))
        for label, count in zip(_tier_labels(schedule), counts, strict=False):
            result.tier_counts[label] = result.tier_counts.get(label, 0) + int(count)
        result.schedules.append(schedule)
    if no_schedule.any():
        # no price on those days; still say whether they would have fitted
        rows = np.flatnonzero(no_schedule)
        fit[rows] = fit_codes(model, columns["prompt_tokens"][rows],
                              columns["output_tokens"][rows] + columns["reasoning_tokens"][rows])
    return result


@dataclass(frozen=True)
class ReplayResult:
    """A replayed log: the per-model summary, tier shares, the unpriced requests, and the per-request costs."""

    summary: pd.DataFrame
    """One row per model: requests, priced, not_fitting, no_price, total_cost, cost_median, cost_p95, cost_max,
    tier_shares, recorded_cost, saving, saving_share, compared_requests (see ``replay``)."""
    tiers: pd.DataFrame
    """model, tier, requests, share (of all requests; "does not fit" and "no price" are rows too)."""
    unpriced: pd.DataFrame
    """One row per request and model that got no cost: row (from 1), model, kind ("does not fit" / "no price"),
    reason, and the request's tokens. Never dropped silently."""
    costs: dict[str, np.ndarray]
    """Per model, the cost of every request (NaN where unpriced), in the log's row order."""
    recorded_cost: np.ndarray | None
    """The cost of each request on the model it was recorded on (NaN where unknown); None without a model column."""
    requests: int
    currency: str
    region: str
    service_tier: str
    period: tuple[dt.date, dt.date] | None
    """First and last day of the log (UTC); None when it has no timestamps (then priced on ``priced_on``)."""
    priced_on: dt.date | None
    unknown_recorded: dict[str, int]
    """Recorded model names the registry does not know, with their request counts."""

    @property
    def not_fitting(self) -> pd.DataFrame:
        return self.unpriced[self.unpriced["kind"] == NOT_FITTING].reset_index(drop=True)

    def distribution(self, bins: int = 40) -> pd.DataFrame:
        """Histogram of the per-request cost of each model on shared log-spaced bins: model, cost_low, cost_high,
        requests, share (of that model's priced requests). Bounded in size whatever the log's length."""
        finite = {m: c[np.isfinite(c) & (c > 0)] for m, c in self.costs.items()}
        present = [c for c in finite.values() if len(c)]
        if not present:
            return pd.DataFrame(columns=["model", "cost_low", "cost_high", "requests", "share"])
        low = min(float(c.min()) for c in present)
        high = max(float(c.max()) for c in present)
        if high <= low:
            high = low * 1.01
        edges = np.logspace(np.log10(low), np.log10(high), bins + 1)
        edges[0], edges[-1] = low, high  # exact ends: the cheapest and dearest requests stay inside the bins
        rows = []
        for model, values in finite.items():
            counts = np.histogram(values, bins=edges)[0] if len(values) else np.zeros(bins, dtype=int)
            share = counts / len(values) if len(values) else np.zeros(bins)
            rows.append(pd.DataFrame({"model": model, "cost_low": edges[:-1], "cost_high": edges[1:],
                                      "requests": counts, "share": share}))
        return pd.concat(rows, ignore_index=True)


def percentiles(values: np.ndarray, qs: Iterable[float]) -> list[float]:
    """Exact percentiles of non-negative finite ``values`` with linear interpolation (as ``np.percentile``).

    Without sorting or a full partition per rank: for non-negative IEEE-754 doubles the bit pattern orders like
    the value, so counting the values per bucket of their top bits (sign, exponent and 8 mantissa bits) finds the
    bucket that holds each rank, and only that small bucket is partitioned. Costs are never negative; other
    input falls back to ``np.percentile``.
    """
    qs = list(qs)
    values = np.ascontiguousarray(values, dtype=np.float64)
    n = len(values)
    if n < 1_000 or values.min() < 0 or np.signbit(values).any():
        return [float(v) for v in np.percentile(values, qs)]
    buckets = values.view(np.int64) >> 44
    buckets -= buckets.min()
    cumulative = np.cumsum(np.bincount(buckets))

    def ranked(rank: int) -> float:
        bucket = int(np.searchsorted(cumulative, rank, side="right"))
        before = int(cumulative[bucket - 1]) if bucket else 0
        members = values[buckets == bucket]
        return float(np.partition(members, rank - before)[rank - before])

    result = []
    for q in qs:
        position = q / 100 * (n - 1)
        low = int(np.floor(position))
        fraction = position - low
        value = ranked(low)
        if fraction:
            value += fraction * (ranked(low + 1) - value)
        result.append(value)
    return result


SUMMARY_COLUMNS = [
    "model", "name", "provider", "country", "requests", "priced", "not_fitting", "no_price", "total_cost",
    "cost_median", "cost_p95", "cost_max", "tier_shares", "recorded_cost", "saving", "saving_share",
    "compared_requests", "currency",
]


def replay(
    registry: Registry,
    usage: pd.DataFrame,
    models: Iterable[str] | None = None,
    *,
    region: str = "global",
    service_tier: str = "standard",
    currency: str = "USD",
    on: dt.date | None = None,
) -> ReplayResult:
    """Price every request of ``usage`` (a validated log, see ``load_usage``) on every model of ``models``.

    Each request is billed at its own tier and at the schedule in force on its day (``on``, default today, when
    the log has no timestamps). Per model: total cost over the priced requests; median, p95 and max cost per
    request; the share of requests per tier; requests that do not fit or have no price (counted and listed);
    and ``saving`` = (cost on the recorded models − cost on this model) over the requests both price, so a positive
    saving means this model would have been cheaper (``saving_share`` = saving / recorded cost).
    """
    model_ids = [registry.resolve_id(m) for m in (models or default_models(registry))]
    model_ids = list(dict.fromkeys(model_ids))
    n = len(usage)
    if n == 0:
        raise AnalyticsError("the log has no requests")
    columns = {c: np.asarray(usage[c], dtype=np.float64) if c in usage else np.zeros(n) for c in TOKEN_COLUMNS}
    days = _day_numbers(usage)
    day = on or dt.date.today()
    options = {"region": region, "service_tier": service_tier, "on": day, "currency": currency}

    day_range = None if days is None else (int(days.min()), int(days.max()))
    pricings = {m: _price_on_model(registry, registry.model(m), columns, days, day_range=day_range, **options)
                for m in model_ids}

    recorded_cost = None
    unknown_recorded: dict[str, int] = {}
    if "model" in usage:
        recorded = usage["model"]
        if isinstance(recorded.dtype, pd.CategoricalDtype):
            codes, names = recorded.cat.codes.to_numpy(), list(recorded.cat.categories)
        else:
            codes, names = pd.factorize(recorded, use_na_sentinel=True)
        # each request's cost on its recorded model, chosen element-wise from the models already priced
        unknown_column = np.full(n, np.nan)
        choices: list[np.ndarray] = []
        extra: dict[int, str] = {}
        for code, name in enumerate(names):
            try:
                canonical = registry.resolve_id(str(name))
            except AnalyticsError:
                unknown_recorded[str(name)] = int(np.count_nonzero(codes == code))
                canonical = None
            if canonical is not None and canonical not in pricings:
                extra[code] = canonical  # priced below, on its own rows only
            choices.append(pricings[canonical].total if canonical in pricings else unknown_column)
        choices.append(unknown_column)  # the empty name (code -1)
        index = np.where(codes < 0, len(choices) - 1, codes)
        if len(choices) <= 32:  # np.choose's limit
            recorded_cost = np.choose(index, choices)
        else:
            recorded_cost = np.full(n, np.nan)
            for code, choice in enumerate(choices[:-1]):
                if choice is not unknown_column:
                    np.copyto(recorded_cost, choice, where=index == code)
        for code, canonical in extra.items():
            rows = np.flatnonzero(codes == code)
            subset = {k: v[rows] for k, v in columns.items()}
            other = _price_on_model(registry, registry.model(canonical), subset,
                                    None if days is None else days[rows], **options)
            recorded_cost[rows] = other.total
        blank = int(np.count_nonzero(codes < 0))
        if blank:
            unknown_recorded["(empty)"] = blank
    recorded_ok = None if recorded_cost is None else np.isfinite(recorded_cost)

    summary_rows, tier_rows, unpriced_parts = [], [], []
    reasons: list[str] = []  # the categories of the unpriced table's reason column
    for model_id, pricing in pricings.items():
        entry = registry.entry(model_id)
        total = pricing.total
        priced_mask = np.isfinite(total)
        priced_count = int(np.count_nonzero(priced_mask))
        not_fitting_mask = pricing.fit != FIT_OK
        no_price_mask = ~(priced_mask | not_fitting_mask)
        if priced_count:
            priced = total[priced_mask] if priced_count < n else total
            median, p95 = percentiles(priced, (50, 95))
            row_stats = {"total_cost": float(priced.sum()), "cost_median": float(median), "cost_p95": float(p95),
                         "cost_max": float(priced.max())}
        else:
            row_stats = {"total_cost": np.nan, "cost_median": np.nan, "cost_p95": np.nan, "cost_max": np.nan}
        counts = dict(pricing.tier_counts)
        counts[NOT_FITTING] = int(np.count_nonzero(not_fitting_mask))
        counts[NO_PRICE] = int(np.count_nonzero(no_price_mask))
        shares = []
        for label, count in counts.items():
            if count or label not in (NOT_FITTING, NO_PRICE):
                tier_rows.append({"model": model_id, "tier": label, "requests": count, "share": count / n})
            if count and label not in (NOT_FITTING, NO_PRICE):
                shares.append(f"{label}: {count / n:.1%}")
        compared, recorded, saving, saving_share = 0, np.nan, np.nan, np.nan
        if recorded_ok is not None:
            both = recorded_ok & priced_mask
            compared = int(np.count_nonzero(both))
            if compared:
                recorded = float(np.sum(recorded_cost, where=both))
                saving = recorded - float(np.sum(total, where=both))
                saving_share = saving / recorded if recorded else np.nan
        summary_rows.append({
            "model": model_id, "name": entry.model.name, "provider": entry.provider.name,
            "country": entry.provider.country, "requests": n, "priced": priced_count,
            "not_fitting": counts[NOT_FITTING], "no_price": counts[NO_PRICE], **row_stats,
            "tier_shares": " · ".join(shares), "recorded_cost": recorded, "saving": saving,
            "saving_share": saving_share, "compared_requests": compared, "currency": currency,
        })
        part = _unpriced_rows(entry.model, len(summary_rows) - 1, pricing, not_fitting_mask | no_price_mask,
                              reasons)
        if part is not None:
            unpriced_parts.append(part)

    period = None
    if day_range is not None:
        epoch = dt.date(1970, 1, 1)
        period = (epoch + dt.timedelta(days=day_range[0]), epoch + dt.timedelta(days=day_range[1]))
    return ReplayResult(
        summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
        tiers=pd.DataFrame(tier_rows, columns=["model", "tier", "requests", "share"]),
        unpriced=_unpriced_frame(unpriced_parts, model_ids, reasons, columns, days),
        costs={m: p.total for m, p in pricings.items()},
        recorded_cost=recorded_cost,
        requests=n,
        currency=currency,
        region=region,
        service_tier=service_tier,
        period=period,
        priced_on=None if days is not None else day,
        unknown_recorded=unknown_recorded,
    )


UNPRICED_COLUMNS = ["row", "model", "kind", "reason", "prompt_tokens", "output_tokens", "reasoning_tokens", "day"]


def _empty_unpriced() -> pd.DataFrame:
    return pd.DataFrame(columns=UNPRICED_COLUMNS)


def _unpriced_rows(model: Model, model_code: int, pricing: _ModelPricing, unpriced: np.ndarray,
                   reasons: list[str]) -> dict[str, np.ndarray] | None:
    """The requests ``model`` could not price, as codes: row positions, kind, and a one-line reason (one text per
    limit and model, appended to ``reasons`` — never a string built per row)."""
    rows = np.flatnonzero(unpriced)
    if not len(rows):
        return None
    cap_name = "input cap (max_input_tokens)" if model.max_input_tokens else "context window"
    texts = [_FIT_REASONS.get(code, "").format(cap_name=cap_name, cap=prompt_cap(model), window=model.context_window,
                                               max_output=model.max_output_tokens or 0) for code in range(5)]
    texts += ["no price in force on that day", "the tier's price is unknown"]
    for text in texts:
        if text not in reasons:
            reasons.append(text)
    to_category = np.array([reasons.index(text) for text in texts], dtype=np.int32)
    fit = pricing.fit[rows]
    local = np.where(fit == FIT_OK, np.where(pricing.no_schedule[rows], 5, 6), np.clip(fit, 0, 4))
    return {"rows": rows, "model": np.full(len(rows), model_code, dtype=np.int32), "kind": (fit == FIT_OK),
            "reason": to_category[local]}


def _unpriced_frame(parts: list[dict[str, np.ndarray]], model_ids: list[str], reasons: list[str],
                    columns: dict[str, np.ndarray], days: np.ndarray | None) -> pd.DataFrame:
    """One table of every unpriced request × model, built once from the per-model codes (categorical columns)."""
    if not parts:
        return _empty_unpriced()
    rows = np.concatenate([p["rows"] for p in parts])
    return pd.DataFrame({
        "row": rows + 1,
        "model": pd.Categorical.from_codes(np.concatenate([p["model"] for p in parts]), model_ids),
        "kind": pd.Categorical.from_codes(np.concatenate([p["kind"] for p in parts]).astype(np.int8),
                                          [NOT_FITTING, NO_PRICE]),
        "reason": pd.Categorical.from_codes(np.concatenate([p["reason"] for p in parts]), reasons),
        "prompt_tokens": columns["prompt_tokens"][rows], "output_tokens": columns["output_tokens"][rows],
        "reasoning_tokens": columns["reasoning_tokens"][rows],
        "day": (days[rows] * 86_400).astype("datetime64[s]") if days is not None else None,
    }, columns=UNPRICED_COLUMNS)


# -- charts ---------------------------------------------------------------------------------------------------


def _provenance(result: ReplayResult, registry: Registry, what: str) -> Provenance:
    settings = {"requests": f"{result.requests:,}", "prices": f"{result.region}/{result.service_tier}"}
    if result.period:
        settings["log"] = f"{result.period[0]} to {result.period[1]}"
    else:
        settings["priced on"] = str(result.priced_on)
    return Provenance(what, registry.as_of(), settings)


def cost_per_model_figure(result: ReplayResult, registry: Registry, title: str | None = None) -> go.Figure:
    """Bars: the log's total cost on each model (priced requests only), with the recorded cost as a line."""
    table = result.summary.sort_values("total_cost", na_position="last")
    fig = go.Figure(go.Bar(
        x=table["model"], y=table["total_cost"], marker_color=[country_color(c) for c in table["country"]],
        text=[f"{v:,.2f}" if np.isfinite(v) else "no price" for v in table["total_cost"]], textposition="outside",
        customdata=np.stack([table["priced"], table["not_fitting"], table["no_price"]], axis=1),
        hovertemplate="%{x}<br>total %{y:,.4f} " + result.currency + "<br>priced %{customdata[0]:,}"
                      "<br>not fitting %{customdata[1]:,}<br>no price %{customdata[2]:,}<extra></extra>",
        name="cost on this model",
    ))
    if result.recorded_cost is not None and np.isfinite(result.recorded_cost).any():
        recorded = float(np.nansum(result.recorded_cost))
        fig.add_hline(y=recorded, line_dash="dash", line_color="#444",
                      annotation_text=f"as recorded: {recorded:,.2f} {result.currency}",
                      annotation_position="top left")
    fig.update_layout(showlegend=False, xaxis_title="model (red: CN, blue: US)",
                      yaxis_title=f"total cost ({result.currency})")
    return finish(fig, title or f"What the log would have cost on each model ({result.requests:,} requests)",
                  _provenance(result, registry, "Usage replay at each request's tier and day's price, priced requests"))


def cost_distribution_figure(result: ReplayResult, registry: Registry, title: str | None = None) -> go.Figure:
    """Lines: the share of requests per cost bin (log-spaced) on each model."""
    data = result.distribution()
    fig = go.Figure()
    countries = dict(zip(result.summary["model"], result.summary["country"], strict=True))
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
    seen: dict[str, int] = {}
    for model, part in data.groupby("model", sort=False):
        country = countries.get(model)
        style = dashes[seen.get(country, 0) % len(dashes)]
        seen[country] = seen.get(country, 0) + 1
        middle = np.sqrt(part["cost_low"] * part["cost_high"])
        fig.add_trace(go.Scatter(
            x=middle, y=part["share"], mode="lines", name=model, line={"color": country_color(country),
                                                                      "dash": style, "shape": "hvh"},
            hovertemplate=model + "<br>cost ≈ %{x:.3g} " + result.currency + "<br>%{y:.1%} of requests<extra></extra>",
        ))
    fig.update_layout(xaxis_type="log", xaxis_title=f"cost per request ({result.currency}, log scale)",
                      yaxis_title="share of priced requests", yaxis_tickformat=".0%",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    return finish(fig, title or "Distribution of the cost per request",
                  _provenance(result, registry, "Usage replay, cost per request in 40 log-spaced bins"))


def _sample_result(registry: Registry, models: list[str] | None, requests: int, seed: int, currency: str
                   ) -> ReplayResult:
    usage = validate_usage(sample_log(requests, seed=seed, end=registry.as_of()), "sample")
    return replay(registry, usage, models or None, currency=currency)


def _build_cost_per_model(registry: Registry, models: list[str] | None = None, requests: int = 5_000, seed: int = 0,
                          currency: str = "USD") -> tuple[go.Figure, pd.DataFrame]:
    result = _sample_result(registry, models, int(requests), int(seed), currency)
    return cost_per_model_figure(result, registry), result.summary


def _build_cost_distribution(registry: Registry, models: list[str] | None = None, requests: int = 5_000,
                             seed: int = 0, currency: str = "USD") -> tuple[go.Figure, pd.DataFrame]:
    result = _sample_result(registry, models, int(requests), int(seed), currency)
    return cost_distribution_figure(result, registry), result.distribution()


_SAMPLE_OPTIONS = (
    ChartOption("models", "models to price the log on (default: the seed models)", None, multiple=True),
    ChartOption("requests", "requests in the generated sample log", 5_000),
    ChartOption("seed", "random seed of the sample log", 0),
    ChartOption("currency", "display currency", "USD"),
)

CHART_SPECS = (
    ChartSpec("replay-cost-per-model", "Usage replay: cost per model",
              "Total cost of a generated sample log (seeded) on each model, each request at its own tier",
              _build_cost_per_model, _SAMPLE_OPTIONS),
    ChartSpec("replay-cost-distribution", "Usage replay: cost per request",
              "Distribution of the per-request cost of the generated sample log on each model",
              _build_cost_distribution, _SAMPLE_OPTIONS),
)
