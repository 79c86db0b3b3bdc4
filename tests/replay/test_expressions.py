"""Column expressions (analytics/replay/expressions.py) and how the reader uses them: each kind — a column, a
JSON cell's field, a sum, a difference — with its blank, absent and wrong-value cases, in --map and in formats."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.replay.expressions import ExpressionError, evaluate, parse
from analytics.replay.reading import UsageLogError
from analytics.replay.usage import parse_mapping, read_log

FRAME = pd.DataFrame({
    "no_cache": [100, 200, None],
    "cache_read": [1_000, None, None],
    "completion": [50, 60, 70],
    "reasoning": [20, 0, 80],
    "metadata": ['{"usage": {"cached_tokens": 30, "details": {"w1h": 5}}}', '{"usage": {"cached_tokens": null}}',
                 None],
    "Input Tokens": [7, 8, 9],
    "cost-usd": [0.1, 0.2, 0.3],
})
COLUMNS = list(FRAME.columns)


@pytest.mark.parametrize(("text", "kind", "terms"), [
    ("no_cache", "column", ["no_cache"]),
    ("metadata.usage.cached_tokens", "json", ["metadata.usage.cached_tokens"]),
    ("no_cache + cache_read", "sum", ["no_cache", "cache_read"]),
    ("completion - reasoning", "difference", ["completion", "reasoning"]),
    ("completion-reasoning", "difference", ["completion", "reasoning"]),
    ('"Input Tokens" + no_cache', "sum", ['"Input Tokens"', "no_cache"]),
    ("`Input Tokens`", "column", ['"Input Tokens"']),
    ("cost-usd", "column", ['"cost-usd"']),  # a column whose name holds a minus is still one column
    ("NO_CACHE", "column", ["no_cache"]),  # case-insensitive
    ("metadata.usage.details.w1h - metadata.usage.cached_tokens", "difference",
     ["metadata.usage.details.w1h", "metadata.usage.cached_tokens"]),
])
def test_parse_each_kind(text, kind, terms):
    expression = parse(text, COLUMNS)
    assert expression.kind == kind
    assert [str(t) for t in expression.terms] == terms


@pytest.mark.parametrize(("text", "message"), [
    ("", "the expression is empty"),
    ("nope", "the file has no column 'nope'"),
    ("no_cache + ", "a term is missing"),
    ("- no_cache", "starts with a minus"),
    ('"Input Tokens', "unclosed"),
    ("nometa.usage.x", "the file has no column 'nometa.usage.x'"),
])
def test_parse_errors_say_what_is_wrong(text, message):
    with pytest.raises(ExpressionError, match=message):
        parse(text, COLUMNS)


def test_a_sum_counts_a_blank_term_as_zero_beside_a_filled_one_and_blank_when_all_are():
    """Row 1: 100 + 1,000; row 2: 200 + blank = 200; row 3: blank + blank = blank (an error if required)."""
    values = evaluate(parse("no_cache + cache_read", COLUMNS), FRAME).values
    assert values[:2].tolist() == [1_100, 200] and np.isnan(values[2])


def test_a_difference_subtracts():
    assert evaluate(parse("completion - reasoning", COLUMNS), FRAME).values.tolist() == [30, 60, -10]


def test_a_json_field_absent_or_null_counts_zero_and_one_absent_everywhere_is_reported():
    result = evaluate(parse("metadata.usage.cached_tokens", COLUMNS), FRAME)
    assert result.values.tolist() == [30, 0, 0]
    assert result.absent_everywhere == []
    missing = evaluate(parse("metadata.usage.cache_creation_input_tokens", COLUMNS), FRAME)
    assert missing.values.tolist() == [0, 0, 0]
    assert missing.absent_everywhere == ["metadata.usage.cache_creation_input_tokens"]


def test_a_json_field_as_text():
    frame = pd.DataFrame({"meta": ['{"createdAt": "2026-02-02T12:00:00Z"}', "{}"]})
    values = evaluate(parse("meta.createdAt", ["meta"]), frame, text=True).values
    assert values.tolist() == ["2026-02-02T12:00:00Z", None]


def test_cells_that_are_not_json_and_fields_that_are_not_numbers_are_located():
    frame = pd.DataFrame({"meta": ['{"u": {"n": 3}}', "not json", '{"u": {"n": "many"}}', '{"u": {"n": {"x": 1}}}']})
    result = evaluate(parse("meta.u.n", ["meta"]), frame)
    assert result.not_json == {"meta": [1]}
    assert list(result.not_numbers["meta.u.n"]) == [2, 3]


# -- through the reader -----------------------------------------------------------------------------------------

CSV = b"""prompt,completion,thinking,meta
1200,300,100,"{""usage"": {""cached"": 800, ""writes"": {""h1"": 100}}}"
500,40,0,"{""usage"": {}}"
"""


def test_map_accepts_every_kind_of_expression():
    """Row 1: output = 300 − 100 = 200; cached 800 and 100 1-hour writes from the JSON cell."""
    mapping = parse_mapping(["prompt_tokens=prompt", "output_tokens=completion - thinking",
                             "reasoning_tokens=thinking", "cached_tokens=meta.usage.cached",
                             "cache_write_1h_tokens=meta.usage.writes.h1"])
    log = read_log(CSV, "mapped.csv", mapping)
    first = log.frame.iloc[0]
    assert (first["output_tokens"], first["cached_tokens"], first["cache_write_1h_tokens"]) == (200, 800, 100)
    assert log.frame.iloc[1]["cached_tokens"] == 0
    assert log.mapping["output_tokens"] == "completion - thinking"


def test_a_negative_difference_names_the_expression_the_row_and_what_to_check():
    with pytest.raises(UsageLogError) as excinfo:
        read_log(CSV, "log.csv", {"prompt_tokens": "prompt", "output_tokens": "thinking - completion"})
    text = str(excinfo.value)
    assert "log.csv: output_tokens = thinking - completion: row 1 (line 2), row 2 (line 3): -200 is negative" in text
    assert "check which column includes the other" in text


def test_a_json_field_that_is_an_object_says_to_name_a_field_inside_it():
    with pytest.raises(UsageLogError, match=r"cached_tokens = meta.usage: row 1 \(line 2\), row 2 \(line 3\): "
                                            r"meta.usage is an object, not a number — name a numeric field"):
        read_log(CSV, "log.csv", {"prompt_tokens": "prompt", "output_tokens": "completion",
                                  "cached_tokens": "meta.usage"})


def test_a_text_target_cannot_be_a_sum():
    with pytest.raises(UsageLogError, match="model = prompt \\+ completion: a text column cannot be a sum"):
        read_log(CSV, "log.csv", {"prompt_tokens": "prompt", "output_tokens": "completion",
                                  "model": "prompt + completion"})


def test_cached_and_written_tokens_together_above_the_prompt_is_one_clear_error():
    """Row 1: 800 cached + (1,200 − 100) written = 1,900 > the prompt of 1,200."""
    with pytest.raises(UsageLogError, match=r"row 1 \(line 2\): 1,900 cached \+ cache_write tokens exceed the "
                                            r"prompt of 1,200"):
        read_log(CSV, "log.csv", {"prompt_tokens": "prompt", "output_tokens": "completion",
                                  "cached_tokens": "meta.usage.cached", "cache_write_tokens": "prompt - thinking"})
