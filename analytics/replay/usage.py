"""Usage logs: read a file (bounded), recognise its format, map its columns, validate, and hand the engine one
normalised frame.

The normalised frame has, per row: ``prompt_tokens`` (the whole prompt, cached and written tokens included),
``output_tokens`` (visible output, reasoning excluded), ``cached_tokens``, ``reasoning_tokens``,
``cache_write_tokens`` (writes to the default, 5-minute cache), ``cache_write_1h_tokens`` (writes to the 1-hour
cache), ``requests`` (how many requests the row stands for: 1 for a request log; an aggregated bucket's count, its
tokens then being the *average* request), optional ``timestamp`` (UTC), ``model`` (the model it was recorded on) and
``export_cost`` (the cost the export itself records, USD), and ``row`` (the row of the file it came from, from 1).

A file is mapped by its format (``formats``: six common exports, recognised by their header) or, for a file of no
known format, by columns named like the canonical ones; either way a mapping entry is a column expression
(``expressions``: a column, a JSON cell's field, a sum or a difference) and ``--map`` / the page override entries.
Rows that are not model calls, and buckets of zero requests, are skipped and counted — never silently dropped.

Reading is bounded (bytes, rows, columns) and every problem names the file, the row (and the physical line it
starts on, right even when a quoted cell spans several lines), the column and what to do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.errors import AnalyticsError, Problem

from .expressions import Evaluation, Expression, ExpressionError, evaluate, parse
from .formats import FORMATS, TEXT_TARGETS, UsageFormat, detect_format, format_named
from .reading import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    RowPlaces,
    UsageLogError,
    places_of,
    read_usage,
    usage_error,
)

TOKEN_COLUMNS = ("prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "cache_write_tokens",
                 "cache_write_1h_tokens")
REQUIRED_COLUMNS = ("prompt_tokens", "output_tokens")
CANONICAL_COLUMNS = (*TOKEN_COLUMNS, "requests", "timestamp", "model", "export_cost")
"""What a mapping fills; a file's other columns are ignored."""
WRITE_COLUMNS = ("cached_tokens", "cache_write_tokens", "cache_write_1h_tokens")
"""The parts of the prompt that are not billed at the input rate; together never above the prompt."""

NO_FORMAT = "none"
"""``format_name`` that reads a file by its column names even when its header looks like a known export."""
DEFAULT_AVERAGE_PROMPT = 20_000
"""For aggregated rows with no request count (Anthropic's console export): the assumed average prompt, in tokens.
Such a row is priced as ⌈prompt tokens / this⌉ requests of the average size; ``--average-prompt`` changes it."""


# -- column mapping -----------------------------------------------------------------------------------------


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["prompt_tokens=input + cached"]`` → ``{"prompt_tokens": "input + cached"}`` (the CLI's ``--map``).

    The right side is a column expression (``expressions``); an empty one (``cached_tokens=``) leaves the target
    unmapped, overriding a format's entry."""
    mapping = {}
    for item in items:
        target, sep, expression = str(item).partition("=")
        if not sep or not target.strip():
            raise AnalyticsError(f"--map {item!r}: write CANONICAL=EXPRESSION, e.g. prompt_tokens=input_tokens, "
                                 "cached_tokens=metadata.usage.cached_tokens or output_tokens=completion - reasoning")
        mapping[target.strip()] = expression.strip()
    return mapping


def suggest_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Canonical name → the log's column of the same name (ignoring case and surrounding spaces).

    Deliberately no synonyms: ``input_tokens`` means the uncached prompt in some logs and the whole prompt in
    others, and ``completion_tokens`` may include reasoning; a wrong guess would misprice silently, so the user maps
    (or the file is one of the known formats, whose columns are declared in ``formats``).
    """
    by_key = {str(c).strip().lower(): str(c) for c in columns}
    return {name: by_key[name] for name in CANONICAL_COLUMNS if name in by_key}


@dataclass(frozen=True)
class ColumnMapping:
    """The mapping a file is read with: its format (None: by column names), and target → expression text."""

    format: UsageFormat | None
    entries: dict[str, str]
    dropped: dict[str, str] = field(default_factory=dict)
    """Format entries this file cannot fill (optional targets whose columns it lacks): target → why."""


def resolve_mapping(columns: Iterable[str], overrides: Mapping[str, str] | None = None, *,
                    format_name: str | None = None, label: str = "usage log") -> ColumnMapping:
    """The mapping for a file with these ``columns``: the forced format, else the detected one, else same-named
    columns; then the ``overrides`` (an empty expression unmaps). Raises ``UsageLogError`` for an unknown target
    or format, a forced format whose identifying columns are missing, or a required target left unmapped."""
    columns = [str(c) for c in columns]
    overrides = dict(overrides or {})
    problems = []
    for target in overrides:
        if target not in CANONICAL_COLUMNS:
            problems.append(Problem(label, f"cannot map to {target!r}", field=target,
                                    hint=f"map to one of {', '.join(CANONICAL_COLUMNS)}"))
    fmt = None
    if format_name == NO_FORMAT:
        pass  # read by column names, whatever the header looks like
    elif format_name:
        fmt = format_named(format_name)
        if fmt is None:
            raise usage_error(label, f"unknown format {format_name!r}",
                         hint=f"one of {', '.join(f.name for f in FORMATS)} (`replay --formats` lists them)")
        missing = [c for c in fmt.detect if c not in columns]
        if missing:
            problems.append(Problem(label, f"is not a {fmt.title}: it has no column {', '.join(map(repr, missing))}",
                                    hint=f"the file's columns: {_shown(columns)}; drop --format to detect it"))
    else:
        fmt = detect_format(columns)
    entries: dict[str, str] = dict(fmt.mapping) if fmt else suggest_mapping(columns)
    dropped: dict[str, str] = {}
    if fmt:
        for target, text in list(entries.items()):
            if target in overrides:
                continue
            try:
                parse(text, columns)
            except ExpressionError as exc:
                if target in REQUIRED_COLUMNS:
                    problems.append(Problem(label, f"looks like a {fmt.title} but {exc.message}", field=target,
                                            hint=f"map it with --map {target}=EXPRESSION (CLI) or the mapping (page)"))
                else:
                    dropped[target] = f"{exc.message} (an older export?)"
                del entries[target]
    for target, text in overrides.items():
        if target not in CANONICAL_COLUMNS:
            continue
        if text:
            entries[target] = text
        else:
            entries.pop(target, None)
            dropped.pop(target, None)
    for target in REQUIRED_COLUMNS:
        if target not in entries and not any(p.field == target for p in problems):
            problems.append(Problem(label, f"missing required column {target!r}", field=target,
                                    hint=f"the file's columns: {_shown(columns)}; map one with --map "
                                         f"{target}=EXPRESSION (CLI) or the column mapping (page)"))
    if problems:
        raise UsageLogError(problems)
    ordered = {t: entries[t] for t in CANONICAL_COLUMNS if t in entries}
    return ColumnMapping(fmt, ordered, dropped)


def _shown(columns: list[str]) -> str:
    return ", ".join(columns[:20]) + (", …" if len(columns) > 20 else "")


def _parse_entries(mapping: ColumnMapping, columns: list[str], label: str) -> dict[str, Expression]:
    problems, parsed = [], {}
    for target, text in mapping.entries.items():
        try:
            expression = parse(text, columns)
        except ExpressionError as exc:
            problems.append(Problem(label, exc.message, field=f"{target} = {text}",
                                    hint=exc.hint or f"the file's columns: {_shown(columns)}"))
            continue
        if target in TEXT_TARGETS and len(expression.terms) > 1:
            problems.append(Problem(label, "a text column cannot be a sum", field=f"{target} = {text}",
                                    hint="name one column, or one field of a JSON column"))
            continue
        parsed[target] = expression
    if problems:
        raise UsageLogError(problems)
    return parsed


def apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str] | None = None, label: str = "usage log"
                  ) -> pd.DataFrame:
    """The log's columns as the canonical ones (explicit ``mapping`` first, then same-named columns); each entry
    a column expression. Kept for callers that validate separately; ``read_log`` does the whole path."""
    resolved = resolve_mapping(frame.columns, mapping, label=label)
    parsed = _parse_entries(resolved, [str(c) for c in frame.columns], label)
    values, _ = _evaluate_all(parsed, frame, RowPlaces(lines=frame.attrs.get("lines")), label)
    return pd.DataFrame(values, index=frame.index)


def _evaluate_all(parsed: dict[str, Expression], frame: pd.DataFrame, places: RowPlaces, label: str
                  ) -> tuple[dict[str, Any], list[str]]:
    """Every mapped target's values over ``frame``, and the JSON fields absent from every row (read as 0)."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    absent: list[str] = []
    cache: dict[str, Any] = {}
    for target, expression in parsed.items():
        if expression.single_column is not None:
            values[target] = frame[expression.single_column]  # as it is: validation names the column and value
            continue
        result: Evaluation = evaluate(expression, frame, text=target in TEXT_TARGETS, parsed_cache=cache)
        field_name = f"{target} = {expression.text}"
        for column, positions in result.not_json.items():
            problems.append(Problem(label, f"{places.describe(positions)}: {_show(result.examples[column])} is not "
                                           f"JSON", field=field_name,
                                    hint=f"column {column} must hold a JSON object to read a field of it"))
        for term, positions in result.not_numbers.items():
            example = result.examples[term]
            what = "an object" if isinstance(example, (dict, list)) else _show(example)
            problems.append(Problem(label, f"{places.describe(positions)}: {term} is {what}, not a number",
                                    field=field_name,
                                    hint="name a numeric field, e.g. column.usage.prompt_tokens"
                                    if isinstance(example, (dict, list)) else "token counts are numbers"))
        absent += [t for t in result.absent_everywhere if t not in absent]
        values[target] = result.values
    # a problem per column is reported once, even when several targets read that column
    unique = list(dict.fromkeys(problems))
    if unique:
        raise UsageLogError(unique)
    return values, absent


# -- validation ---------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _numbers(raw: pd.Series, column: str, places: RowPlaces, label: str, problems: list[Problem], *,
             required: bool, blank_is_zero: bool = True) -> np.ndarray | None:
    """A token column as float64: text is an error, blank is 0 for an optional column (an error for a required
    one), negative and infinite are errors. ``raw`` is a column of the file or an expression's values."""
    series = raw
    if pd.api.types.is_bool_dtype(series.dtype):
        problems.append(Problem(label, "holds true/false values, not token counts", field=column))
        return None
    numeric = series if pd.api.types.is_numeric_dtype(series.dtype) else pd.to_numeric(series, errors="coerce")
    values = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(values)
    blank = missing & series.isna().to_numpy()
    text = missing & ~blank
    if text.any():
        rows = np.flatnonzero(text)
        problems.append(Problem(label, f"{places.describe(rows)}: {_show(series.iloc[rows[0]])} is not a number",
                                field=column, hint="token counts are numbers, e.g. 1200"))
    if blank.any():
        if required:
            problems.append(Problem(label, f"{places.describe(np.flatnonzero(blank))}: empty", field=column,
                                    hint="every request needs its token count"))
        elif blank_is_zero:
            values = np.where(blank, 0.0, values)
    bad = np.flatnonzero(np.isinf(values))
    if len(bad):
        problems.append(Problem(label, f"{places.describe(bad)}: {values[bad[0]]} is not a finite count",
                                field=column))
    negative = np.flatnonzero(values < 0)
    if len(negative):
        problems.append(Problem(label, f"{places.describe(negative)}: {values[negative[0]]:g} is negative",
                                field=column, hint="token counts cannot be negative"
                                if " - " not in column else "check which column includes the other"))
    return values


def validate_usage(frame: pd.DataFrame, label: str = "usage log", *, csv_lines: bool = True,
                   places: RowPlaces | None = None, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Check a canonically named log and return it typed: float64 tokens, UTC timestamps, model names as text.

    Every problem names the column and the rows: text in a number column, an empty required cell, a negative or
    infinite count, cached and written tokens above the prompt, a timestamp that is not a date. An empty optional
    token cell counts as 0 (the log did not record any). ``places`` says where each row is in the file;
    ``names`` how each target was mapped (shown in messages). Raises one ``UsageLogError`` listing every problem.
    """
    places = places or RowPlaces(csv=csv_lines)
    names = dict(names or {})
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    n = len(frame)
    if n == 0:
        raise usage_error(label, "the log has no rows", hint="one row per request")
    for column in TOKEN_COLUMNS:
        if column in frame:
            values = _numbers(frame[column], names.get(column, column), places, label, problems,
                              required=column in REQUIRED_COLUMNS)
            if values is not None:
                clean[column] = values
        elif column not in REQUIRED_COLUMNS:
            clean[column] = np.zeros(n)
    if "prompt_tokens" in clean:
        _check_inside_prompt(clean, [c for c in WRITE_COLUMNS if c in frame and c in clean], places, label, problems)
    if "requests" in frame:
        values = _numbers(frame["requests"], names.get("requests", "requests"), places, label, problems,
                          required=False)
        if values is not None:
            clean["requests"] = values
    if "timestamp" in frame:
        clean["timestamp"] = _timestamp_column(frame["timestamp"], names.get("timestamp", "timestamp"), places,
                                               label, problems)
    if "model" in frame:
        recorded = frame["model"]
        # categorical: a log repeats a handful of names, and the replay groups by them
        clean["model"] = recorded.where(recorded.isna(), recorded.astype(str).str.strip()).astype("category")
    if "export_cost" in frame:
        values = _numbers(frame["export_cost"], names.get("export_cost", "export_cost"), places, label, problems,
                          required=False, blank_is_zero=False)
        if values is not None:
            clean["export_cost"] = values  # NaN: the export recorded no cost for that row
    if problems:
        raise UsageLogError(problems)
    return pd.DataFrame(clean)


def _check_inside_prompt(clean: dict[str, Any], parts: list[str], places: RowPlaces, label: str,
                         problems: list[Problem]) -> None:
    """Cached and written tokens are parts of the prompt: more of them than prompt tokens means a wrong mapping."""
    if not parts:
        return
    inside = sum(clean[c] for c in parts)
    over = np.flatnonzero(inside > clean["prompt_tokens"])
    if len(over):
        first = over[0]
        what = " + ".join(p.replace("_tokens", "") for p in parts)
        problems.append(Problem(
            label, f"{places.describe(over)}: {inside[first]:,.0f} {what} tokens exceed the prompt of "
                   f"{clean['prompt_tokens'][first]:,.0f}",
            field="cached_tokens" if parts == ["cached_tokens"] else what,
            hint="prompt_tokens include the cached and written tokens: map the column holding the whole prompt, or "
                 "sum the parts (no_cache + cache_read + cache_write)"))


def _timestamp_column(raw: pd.Series, column: str, places: RowPlaces, label: str, problems: list[Problem]
                      ) -> pd.Series:
    """The timestamps as UTC, with a problem for every row that is not a date and time or is empty."""
    stamps, bad_rows, blank_rows = _parse_timestamps(raw)
    if len(bad_rows):
        problems.append(Problem(label, f"{places.describe(bad_rows)}: {_show(raw.iloc[bad_rows[0]])} is not a "
                                       "date and time", field=column, hint="write ISO 8601, e.g. 2026-01-15T10:30:00Z"))
    if len(blank_rows):
        problems.append(Problem(label, f"{places.describe(blank_rows)}: empty", field=column,
                                hint="every request needs its time, or leave the column unmapped to price all "
                                     "requests on one day"))
    return stamps


def _parse_timestamps(raw: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """UTC timestamps; naive ones are taken as UTC, numbers as Unix seconds (as milliseconds above 1e11), and a
    JSON-quoted date (Langfuse writes ``"2026-01-15T10:30:00.000Z"`` with its quotes) as the date."""
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
        text = raw.where(raw.isna(), raw.astype(str).str.strip().str.strip('"'))
        blank = blank | text.eq("").to_numpy()
        stamps = pd.to_datetime(text.where(~text.eq(""), None), utc=True, errors="coerce", format="ISO8601")
    failed = stamps.isna().to_numpy()
    return stamps, np.flatnonzero(failed & ~blank), np.flatnonzero(blank)


# -- the whole path -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageLog:
    """A file read for the replay: the normalised ``frame`` and what was done to get it, to be shown beside it."""

    frame: pd.DataFrame
    label: str
    format: UsageFormat | None
    """The format detected (or forced); None when columns were mapped by their names."""
    mapping: dict[str, str]
    """Target → the expression it was read with."""
    rows_read: int
    """Data rows in the file."""
    skipped: dict[str, int]
    """Why rows were not replayed → how many (model calls only; buckets of zero requests)."""
    notes: list[str]
    """Everything else worth knowing: flagged values, JSON fields absent from every row, entries not read."""
    approximation: str | None
    """How aggregated rows were priced, when they were (None for a log of single requests)."""

    @property
    def rows(self) -> int:
        return len(self.frame)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.label, "format": self.format.name if self.format else None,
                "format_title": self.format.title if self.format else "columns named like the canonical ones",
                "caveat": self.format.caveat if self.format else "",
                "mapping": self.mapping, "rows_read": self.rows_read, "rows_replayed": self.rows,
                "skipped": self.skipped, "notes": self.notes, "approximation": self.approximation}


def rows_text(count: int) -> str:
    """"1 row", "12 rows"."""
    return f"{count:,} row" + ("" if count == 1 else "s")


def _as_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text, blank for a missing value (whatever the column's dtype)."""
    text = series.astype(object)
    return text.astype(str).str.strip().where(series.notna(), "")


def _matches(series: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    allowed = {v.lower() for v in values}
    return _as_text(series).str.lower().isin(allowed).to_numpy()


def _counted(series: pd.Series) -> str:
    counts = _as_text(series).replace("", "(empty)").value_counts()
    return ", ".join(f"{name} ×{count:,}" for name, count in counts.head(5).items()) + \
        (", …" if len(counts) > 5 else "")


def read_log(
    source: str | Path | bytes | Any,
    name: str | None = None,
    mapping: Mapping[str, str] | None = None,
    *,
    format_name: str | None = None,
    average_prompt: float = DEFAULT_AVERAGE_PROMPT,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    raw: pd.DataFrame | None = None,
) -> UsageLog:
    """A file to a normalised log: read (or take the already read ``raw``), map by format and ``mapping``,
    skip rows that are not model calls and buckets of zero requests (counted), validate, and turn aggregated
    rows into their average request (``requests`` of them)."""
    if raw is None:
        raw = read_usage(source, name, max_bytes=max_bytes, max_rows=max_rows, max_columns=max_columns)
    label = name or (str(source) if isinstance(source, (str, Path)) else "upload")
    columns = [str(c) for c in raw.columns]
    resolved = resolve_mapping(columns, mapping, format_name=format_name, label=label)
    fmt = resolved.format
    parsed = _parse_entries(resolved, columns, label)
    places = places_of(raw)
    n = len(raw)
    keep, skipped = _rows_to_replay(raw, fmt, parsed, places, label)
    kept = np.flatnonzero(keep)
    subset = raw.iloc[kept] if len(kept) < n else raw
    sub_places = RowPlaces(rows=kept if len(kept) < n else None, lines=places.lines, csv=places.csv)
    values, absent = _evaluate_all(parsed, subset, sub_places, label)
    frame = pd.DataFrame(values, index=subset.index).reset_index(drop=True)
    usage = validate_usage(frame, label, places=sub_places, names=_shown_names(parsed))
    notes = [f"{target} not read: {why}" for target, why in resolved.dropped.items()]
    if absent:
        notes.append("read as 0, absent from every row: " + ", ".join(absent))
    notes += _flag_notes(fmt, subset)
    approximation = _per_request(usage, fmt, average_prompt)
    usage["row"] = (kept if len(kept) < n else np.arange(n)) + 1
    return UsageLog(frame=usage, label=label, format=fmt, mapping={t: e.text for t, e in parsed.items()},
                    rows_read=n, skipped=skipped, notes=notes, approximation=approximation)


def _rows_to_replay(raw: pd.DataFrame, fmt: UsageFormat | None, parsed: dict[str, Expression], places: RowPlaces,
                    label: str) -> tuple[np.ndarray, dict[str, int]]:
    """Which rows are replayed, and why the others are not (with their counts): rows that are not model calls
    (the format's ``keep`` rule) and buckets of zero requests. At least one row must be left."""
    keep = np.ones(len(raw), dtype=bool)
    skipped: dict[str, int] = {}
    if fmt and fmt.keep and fmt.keep.column in raw:
        calls = _matches(raw[fmt.keep.column], fmt.keep.values)
        if (~calls).any():
            others = raw[fmt.keep.column][~calls]
            skipped[f"not model calls ({fmt.keep.column}: {_counted(others)}); {fmt.keep.reason}"] = \
                int((~calls).sum())
        keep &= calls
    if "requests" in parsed:
        counts_of = _evaluate_all({"requests": parsed["requests"]}, raw, places, label)[0]["requests"]
        problems: list[Problem] = []
        counts = _numbers(pd.Series(counts_of) if isinstance(counts_of, np.ndarray) else counts_of,
                          _shown_names(parsed)["requests"], places, label, problems, required=False)
        if problems or counts is None:
            raise UsageLogError(problems)
        empty = keep & (counts == 0)
        if empty.any():
            skipped["buckets with no requests (empty days)"] = int(empty.sum())
        keep &= counts > 0
    if not keep.any():
        reasons = "; ".join(f"{k}: {v:,}" for k, v in skipped.items())
        raise usage_error(label, f"no row to replay ({reasons})", hint="a log needs at least one request")
    return keep, skipped


def _shown_names(parsed: dict[str, Expression]) -> dict[str, str]:
    """How messages name each target: ``output_tokens`` when read from its namesake, else ``target = expression``."""
    return {t: t if e.single_column == t else f"{t} = {e.text}" for t, e in parsed.items()}


def _flag_notes(fmt: UsageFormat | None, rows: pd.DataFrame) -> list[str]:
    """A note per flag of the format that some rows do not match (priced like the rest, but worth knowing)."""
    notes = []
    for rule in fmt.flags if fmt else ():
        if rule.column in rows:
            odd = ~_matches(rows[rule.column], rule.values)
            if odd.any():
                notes.append(f"{rows_text(int(odd.sum()))} with {rule.column} {_counted(rows[rule.column][odd])}: "
                             f"{rule.reason}; priced at the chosen service tier like the rest")
    return notes


def _per_request(usage: pd.DataFrame, fmt: UsageFormat | None, average_prompt: float) -> str | None:
    """Turn aggregated rows into their average request (``requests`` of them, counted or assumed from
    ``average_prompt``), in place; the approximation that makes, or None for a log of requests."""
    if not (fmt and fmt.aggregated) and "requests" not in usage:
        return None
    if "requests" in usage:
        approximation = ("rows are buckets of many requests: each is priced as its request count of requests of "
                         "the average size; the tier split and the limits are approximations from averages")
    else:
        if not math.isfinite(average_prompt) or average_prompt <= 0:
            raise AnalyticsError(f"the average prompt must be a positive number of tokens, not {average_prompt}")
        usage["requests"] = np.maximum(1.0, np.ceil(usage["prompt_tokens"] / average_prompt))
        approximation = (f"rows are totals with no request count: each is priced as ⌈prompt tokens / "
                         f"{average_prompt:,.0f}⌉ requests of the average size (--average-prompt to change it); "
                         "the tier split and the limits are approximations from averages")
    for column in TOKEN_COLUMNS:
        usage[column] = usage[column] / usage["requests"]
    return approximation


def load_usage(source: str | Path | bytes | Any, name: str | None = None, mapping: Mapping[str, str] | None = None,
               *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
               ) -> pd.DataFrame:
    """``read_log(...).frame``: a file to a typed, normalised log."""
    return read_log(source, name, mapping, max_bytes=max_bytes, max_rows=max_rows, max_columns=max_columns).frame
