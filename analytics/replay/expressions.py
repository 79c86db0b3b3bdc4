"""Column expressions: how a usage log's columns make one canonical figure.

An expression is a column (``tokens_prompt``), a field of a JSON cell (``metadata.usage.cached_tokens``), or a
sum or difference of those (``no_cache + cache_read + cache_write_5m``, ``tokens_completion - tokens_reasoning``).
The same text is accepted by ``--map`` and by the page. A name holding ``+``, ``-``, ``.`` or spaces is quoted
with double quotes or backticks: ``"Input Tokens" + cached``.

Semantics, written once here: a blank cell is *blank* (the validation decides whether that is an error) unless
another term of the same sum has a value; a JSON field absent from a cell (or ``null``) counts 0 — exports omit
the keys a request did not use — and a field absent from *every* row is reported, never silently 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

_QUOTES = "\"`"


class ExpressionError(ValueError):
    """An expression that does not parse against the file's columns; the message says how to write it."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Term:
    """One column, or one field inside a JSON column, added (+1) or subtracted (−1)."""

    sign: int
    column: str
    path: tuple[str, ...] = ()

    def __str__(self) -> str:
        name = self.column if _plain(self.column) else f'"{self.column}"'
        return ".".join([name, *self.path])


@dataclass(frozen=True)
class Expression:
    """A parsed column expression: its text and its terms, resolved against one file's columns."""

    text: str
    terms: tuple[Term, ...]

    @property
    def kind(self) -> str:
        """``column``, ``json`` (one field of a JSON cell), ``sum`` or ``difference`` (any subtracted term)."""
        if len(self.terms) == 1:
            return "json" if self.terms[0].path else "column"
        return "difference" if any(t.sign < 0 for t in self.terms) else "sum"

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(t.column for t in self.terms))

    @property
    def single_column(self) -> str | None:
        """The column when the expression is just that column (read as it is, with the usual messages)."""
        return self.terms[0].column if self.kind == "column" else None

    def __str__(self) -> str:
        parts = []
        for i, term in enumerate(self.terms):
            parts.append(("" if i == 0 else (" + " if term.sign > 0 else " - ")) + str(term))
        return "".join(parts)


def _plain(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ ]*", name)) and " " not in name


def _split_terms(text: str) -> list[tuple[int, str]]:
    """``[(sign, piece)]``: the text cut at ``+`` / ``-`` outside quotes."""
    pieces: list[tuple[int, str]] = []
    sign, current, quote = 1, [], None
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
            continue
        if char in _QUOTES:
            quote = char
            current.append(char)
        elif char in "+-":
            pieces.append((sign, "".join(current)))
            sign, current = (1 if char == "+" else -1), []
        else:
            current.append(char)
    if quote:
        raise ExpressionError(f"unclosed {quote} in {text!r}", f"close the quoted column name with {quote}")
    pieces.append((sign, "".join(current)))
    return pieces


def _resolve(piece: str, columns: Sequence[str], by_key: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """A term's column and JSON path: a quoted name, an exact column, or the longest column prefix before a dot."""
    piece = piece.strip()
    if piece[:1] in _QUOTES:
        end = piece.find(piece[0], 1)
        name, rest = piece[1:end], piece[end + 1:]
        column = name if name in columns else by_key.get(name.strip().lower())
        if column is None:
            raise ExpressionError(f"the file has no column {name!r}")
        if rest and not rest.startswith("."):
            raise ExpressionError(f"unexpected {rest!r} after the column name in {piece!r}",
                                  'write "column".field for a field of a JSON cell')
        return column, tuple(p for p in rest.split(".")[1:]) if rest else ()
    if piece in columns:
        return piece, ()
    if piece.lower() in by_key:
        return by_key[piece.lower()], ()
    parts = piece.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:cut])
        column = head if head in columns else by_key.get(head.lower())
        if column is not None:
            path = tuple(parts[cut:])
            if any(not p for p in path):
                raise ExpressionError(f"empty field name in {piece!r}", "write column.field.subfield")
            return column, path
    raise ExpressionError(f"the file has no column {piece!r}")


def parse(text: str, columns: Sequence[str]) -> Expression:
    """Parse ``text`` against the file's ``columns`` (names match exactly, then ignoring case and spaces).

    Raises ``ExpressionError`` naming the piece that matches no column."""
    text = str(text).strip()
    if not text:
        raise ExpressionError("the expression is empty", "write a column, column.field, or a sum: a + b - c")
    columns = [str(c) for c in columns]
    by_key = {c.strip().lower(): c for c in columns}
    if text in columns or text.lower() in by_key:  # a column whose name holds + or - is still one column
        return Expression(text, (Term(1, text if text in columns else by_key[text.lower()]),))
    pieces = _split_terms(text)
    if not pieces[0][1].strip() and len(pieces) > 1 and pieces[1][0] < 0:
        raise ExpressionError(f"{text!r} starts with a minus", "start with the column the others are taken from")
    terms = []
    for i, (sign, piece) in enumerate(pieces):
        if not piece.strip():
            where = "at the start" if i == 0 else "at the end" if i == len(pieces) - 1 else "between two operators"
            raise ExpressionError(f"a term is missing {where} of {text!r}", "write column + column - column")
        column, path = _resolve(piece, columns, by_key)
        terms.append(Term(sign, column, path))
    return Expression(text, tuple(terms))


# -- evaluation -------------------------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """The values of an expression over a frame, with what went wrong (positions) and what was absent."""

    values: Any
    """float64 array (NaN = blank) for numbers; an object Series of text for text targets."""
    not_numbers: dict[str, np.ndarray] = field(default_factory=dict)
    """term → positions whose value is not a number (with one example each in ``examples``)."""
    not_json: dict[str, np.ndarray] = field(default_factory=dict)
    """column → positions whose cell is not valid JSON."""
    examples: dict[str, Any] = field(default_factory=dict)
    absent_everywhere: list[str] = field(default_factory=list)
    """JSON fields no row has (each read as 0)."""


def _parse_json_cells(raw: pd.Series) -> tuple[list[Any], np.ndarray]:
    """Each cell parsed once (None for blank), and the positions that are not JSON."""
    parsed: list[Any] = []
    bad: list[int] = []
    for i, cell in enumerate(raw.tolist()):
        if cell is None or (isinstance(cell, float) and np.isnan(cell)):
            parsed.append(None)
        elif isinstance(cell, (dict, list)):
            parsed.append(cell)  # Parquet / pyarrow may hand structures over already parsed
        elif isinstance(cell, str):
            text = cell.strip()
            if not text:
                parsed.append(None)
                continue
            try:
                parsed.append(json.loads(text))
            except ValueError:
                parsed.append(None)
                bad.append(i)
        else:
            parsed.append(None)
            bad.append(i)
    return parsed, np.asarray(bad, dtype=np.intp)


_MISSING = object()


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if isinstance(value, dict):
            value = value.get(key, _MISSING)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def evaluate(expression: Expression, frame: pd.DataFrame, *, text: bool = False,
             parsed_cache: dict[str, tuple[list[Any], np.ndarray]] | None = None) -> Evaluation:
    """The expression's value on every row of ``frame`` (the raw log, columns by name).

    Numbers: float64 with NaN where every term is blank; a blank term beside a filled one counts 0. ``text=True``
    (model, timestamp): one term only, the cell or the JSON field as it is. ``parsed_cache`` shares parsed JSON
    columns between expressions."""
    n = len(frame)
    cache = parsed_cache if parsed_cache is not None else {}
    result = Evaluation(values=None)
    columns = []
    filled = np.zeros(n, dtype=bool)
    total = np.zeros(n)
    for term in expression.terms:
        raw = frame[term.column]
        if term.path:
            if term.column not in cache:
                cache[term.column] = _parse_json_cells(raw)
            parsed, bad = cache[term.column]
            if len(bad):
                result.not_json[term.column] = bad
                result.examples[term.column] = raw.iloc[int(bad[0])]
            picked = [_dig(cell, term.path) if cell is not None else _MISSING for cell in parsed]
            present = np.fromiter((v is not _MISSING for v in picked), dtype=bool, count=n)
            if n and not present.any():
                result.absent_everywhere.append(str(term))
            if text:
                values = pd.Series([None if v is _MISSING or v is None else str(v) for v in picked],
                                   index=frame.index, dtype=object)
                result.values = values
                return result
            numbers = np.zeros(n)
            wrong = []
            for i, v in enumerate(picked):
                if v is _MISSING or v is None:
                    continue
                if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                    wrong.append(i)
                    continue
                try:
                    numbers[i] = float(v)
                except ValueError:
                    wrong.append(i)
            if wrong:
                result.not_numbers[str(term)] = np.asarray(wrong, dtype=np.intp)
                result.examples[str(term)] = picked[wrong[0]]
            term_filled = np.ones(n, dtype=bool)  # an absent JSON field is 0, not blank
        else:
            if text:
                result.values = raw
                return result
            numeric = raw if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype) \
                else pd.to_numeric(raw, errors="coerce")
            numbers = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
            blank = raw.isna().to_numpy()
            if raw.dtype == object:
                blank |= raw.astype(str).str.strip().eq("").to_numpy() & ~raw.isna().to_numpy()
            wrong = np.flatnonzero(np.isnan(numbers) & ~blank)
            if pd.api.types.is_bool_dtype(raw.dtype):
                wrong = np.arange(n)
            if len(wrong):
                result.not_numbers[str(term)] = wrong
                result.examples[str(term)] = raw.iloc[int(wrong[0])]
            term_filled = ~np.isnan(numbers)
            numbers = np.where(term_filled, numbers, 0.0)
        columns.append(term.column)
        filled |= term_filled
        total += term.sign * numbers
    result.values = np.where(filled, total, np.nan)
    return result
