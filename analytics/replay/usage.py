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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.errors import AnalyticsError, Problem
from analytics.core.presets import SEED_MODELS

TOKEN_COLUMNS = ("prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens")
REQUIRED_COLUMNS = ("prompt_tokens", "output_tokens")
CANONICAL_COLUMNS = (*TOKEN_COLUMNS, "timestamp", "model")
"""The columns a usage log may have; the others are ignored."""

MAX_BYTES = 25 * 1024 * 1024
"""A log larger than this (25 MiB, the dashboard's upload limit) is refused before it is parsed."""
MAX_ROWS = 1_000_000
"""A log with more requests than this is refused (the CLI's ``--max-rows`` raises it)."""
MAX_COLUMNS = 200
"""A log whose header has more columns than this is refused before its rows are parsed."""
MAX_PROBLEMS_PER_COLUMN = 5
"""Validation lists at most this many bad rows per column and kind (with the count of the rest)."""



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
