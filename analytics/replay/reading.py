"""Reading a usage file, bounded: its bytes (at most ``MAX_BYTES``), then CSV or Parquet (by content) into a frame
of text cells, with at most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns; a malformed line is named by its row and
the physical line it starts on. Mapping and validating the columns is ``usage``."""

from __future__ import annotations

import csv
import importlib.util
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.errors import AnalyticsError, Problem

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


def usage_error(label: str, message: str, *, column: str | None = None, hint: str | None = None) -> UsageLogError:
    return UsageLogError([Problem(label, message, field=column, hint=hint)])


def _read_bounded(source: str | Path | bytes | Any, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of ``source`` (a path, bytes, or a binary file object), refusing more than ``max_bytes``."""
    limit = f"{max_bytes / 1024 / 1024:,.0f} MiB"
    hint = "split the log, or keep only the columns the replay needs"
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or str(path)
        if not path.is_file():
            raise usage_error(label, "file not found", hint="give the path of a CSV or Parquet usage log")
        size = path.stat().st_size
        if size > max_bytes:
            raise usage_error(label, f"the file is {size / 1024 / 1024:,.1f} MiB, larger than the {limit} limit",
                              hint=hint)
        return path.read_bytes(), label
    label = name or "upload"
    data = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise usage_error(label, f"the file is larger than the {limit} limit", hint=hint)
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
    A CSV whose rows do not each take one line (quoted cells holding newlines, blank lines) carries the first
    physical line of every row in ``frame.attrs["lines"]``. Raises ``UsageLogError`` with one clear problem:
    empty, binary, too large, too many rows or columns, malformed (naming the line).
    """
    data, label = _read_bounded(source, name, max_bytes)
    if data[:4] == b"PAR1" or label.lower().endswith((".parquet", ".pq")):
        return _read_parquet(data, label, max_rows, max_columns)
    return _read_csv(data, label, max_rows, max_columns)


def _read_parquet(data: bytes, label: str, max_rows: int, max_columns: int) -> pd.DataFrame:
    if importlib.util.find_spec("pyarrow") is None:
        raise usage_error(label, "reading Parquet needs the pyarrow package, which is not installed",
                     hint="`pip install pyarrow`, or export the log as CSV")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise usage_error(label, f"not a readable Parquet file ({exc})",
                          hint="export the log again, or as CSV") from None
    rows, columns = parquet.metadata.num_rows, parquet.metadata.num_columns
    if columns > max_columns:
        raise usage_error(label, f"the file has {columns:,} columns; at most {max_columns:,} are read",
                     hint="keep only the request columns")
    if rows > max_rows:
        raise usage_error(label, f"the file has {rows:,} rows; at most {max_rows:,} requests are read",
                     hint="split the log by month, or raise the bound with the CLI's --max-rows")
    if rows == 0:
        raise usage_error(label, "the file has no rows", hint="one row per request")
    try:
        frame = parquet.read().to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise usage_error(label, f"not a readable Parquet file ({exc})",
                          hint="export the log again, or as CSV") from None
    frame.attrs["format"] = "parquet"
    return frame


class _UnclosedQuote(ValueError):
    """A quoted cell that runs to the end of the file; ``line`` is where its record starts."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _records(text: str, separator: str) -> Iterable[tuple[int, list[str]]]:
    """``(first physical line, fields)`` of every non-blank record, the header included, as pandas reads them."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, skipinitialspace=True, strict=True)
    end = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _UnclosedQuote(end + 1) from None
        start, end = end + 1, reader.line_num
        if record:
            yield start, record


def _first_lines(text: str, separator: str, rows: int) -> np.ndarray | None:
    """The physical line (from 1) each data row starts on, or None when row k simply starts on line k + 2.

    Counting newlines is enough to know; only a file with multi-line cells or blank lines is scanned."""
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if physical == rows + 1:
        return None
    try:
        lines = [start for start, _ in _records(text, separator)][1:rows + 1]
    except _UnclosedQuote:
        return None  # pandas read it anyway: rows are then located by position
    return np.asarray(lines, dtype=np.int64) if len(lines) == rows else None


def _malformed_line(text: str, separator: str) -> str | None:
    """Where the first record with the wrong number of fields starts: "row R (line L), F fields for H"."""
    width, row = None, 0
    try:
        for row, (start, record) in enumerate(_records(text, separator)):
            if width is None:
                width = len(record)
            elif len(record) != width:
                return f"row {row:,} (line {start:,}) has {len(record):,} fields, the header {width:,}"
    except _UnclosedQuote as exc:
        return f"row {row + 1:,} (line {exc.line:,}) opens a quote that is never closed (EOF inside the quotes)"
    return None


def _read_csv(data: bytes, label: str, max_rows: int, max_columns: int) -> pd.DataFrame:
    if not data.strip():
        raise usage_error(label, "the file is empty", hint="a CSV with a header line and one row per request")
    head = data[:65536]
    if b"\x00" in head:
        raise usage_error(label, "this is a binary file, not CSV text",
                     hint="upload a CSV (UTF-8 text) or a Parquet file")
    header_line = data.split(b"\n", 1)[0]
    try:
        header_text = header_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise usage_error(label, "the header line is not UTF-8 text", hint="save the CSV as UTF-8") from None
    separator = max(",;\t|", key=header_text.count)
    if header_text.count(separator) + 1 > max_columns:
        columns = len(next(csv.reader([header_text], delimiter=separator)))
        if columns > max_columns:
            raise usage_error(label, f"the header has {columns:,} columns; at most {max_columns:,} are read",
                         hint="keep only the request columns (prompt_tokens, output_tokens, …)")
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=separator, nrows=max_rows + 1, encoding="utf-8-sig",
                            skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise usage_error(label, "the file is empty", hint="a CSV with a header line and one row per request") from None
    except pd.errors.ParserError as exc:
        where = _malformed_line(data.decode("utf-8-sig", errors="replace"), separator)
        detail = where or str(exc).strip().splitlines()[-1]
        hint = ('close the quoted cell (a quote inside a cell is written twice: "")' if "quote" in detail
                else "every row needs as many fields as the header")
        raise usage_error(label, f"malformed CSV: {detail}", hint=hint) from None
    except UnicodeDecodeError as exc:
        raise usage_error(label, f"not UTF-8 text (byte {exc.start:,})", hint="save the CSV as UTF-8") from None
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        # pandas reads a first row with one field more than the header as an index column, shifting every value
        # one column left; a log never has such an index, so this is a malformed row, not data
        where = _malformed_line(data.decode("utf-8-sig", errors="replace"), separator)
        raise usage_error(label, f"malformed CSV: {where or 'row 1 (line 2) has more fields than the header'}",
                     hint="every row needs as many fields as the header")
    if len(frame) > max_rows:
        raise usage_error(label, f"more than {max_rows:,} rows; at most {max_rows:,} requests are read",
                     hint="split the log by month, or raise the bound with the CLI's --max-rows")
    if frame.empty:
        raise usage_error(label, "the file has a header but no rows", hint="one row per request below the header")
    lines = _first_lines(data.decode("utf-8-sig", errors="replace"), separator, len(frame))
    if lines is not None:
        frame.attrs["lines"] = lines
    return frame


# -- where a row is ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowPlaces:
    """Where the rows of a frame are in the file: messages say "row R (line L)".

    ``rows``: the file row (from 0) of each frame row, when rows were skipped (None: the same position).
    ``lines``: the first physical line of each file row (None: row k on line k + 2 in a CSV; no lines at all in
    a Parquet file, ``csv=False``)."""

    rows: np.ndarray | None = None
    lines: np.ndarray | None = None
    csv: bool = True

    def file_rows(self, positions: np.ndarray) -> np.ndarray:
        return positions if self.rows is None else self.rows[positions]

    def describe(self, positions: np.ndarray) -> str:
        """"row 3 (line 4), row 9 (line 12) and 5 more rows" — at most ``MAX_PROBLEMS_PER_COLUMN`` named."""
        positions = np.asarray(positions)
        rows = self.file_rows(positions[:MAX_PROBLEMS_PER_COLUMN])
        parts = []
        for row in rows:
            line = (int(self.lines[row]) if self.lines is not None else int(row) + 2) if self.csv else None
            parts.append(f"row {int(row) + 1:,}" + (f" (line {line:,})" if line is not None else ""))
        text = ", ".join(parts)
        if len(positions) > MAX_PROBLEMS_PER_COLUMN:
            text += f" and {len(positions) - MAX_PROBLEMS_PER_COLUMN:,} more rows"
        return text


def places_of(raw: pd.DataFrame) -> RowPlaces:
    """The places of a frame as ``read_usage`` read it (its ``lines`` and ``format`` marks)."""
    # read_usage decided the format (and marked it): lines are CSV lines only for a CSV
    return RowPlaces(lines=raw.attrs.get("lines"), csv=raw.attrs.get("format") != "parquet")
