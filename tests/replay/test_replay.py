"""Usage replay (analytics/replay/): reading, mapping and validating logs, and replaying them on a toy registry
whose prices are easy to work by hand. Prices are per 1M tokens, so a cost is (tokens × rate) / 1,000,000."""

from __future__ import annotations

import datetime as dt
import io
import textwrap

import numpy as np
import pandas as pd
import pytest

from analytics.charts.replay import CHART_SPECS, cost_distribution_figure, cost_per_model_figure
from analytics.core.errors import AnalyticsError
from analytics.core.lifecycle import is_live
from analytics.core.presets import SEED_DATE, SEED_MODELS, replay_models
from analytics.core.pricing import price_requests, request_totals
from analytics.core.registry import load_registry
from analytics.replay.engine import NO_PRICE, NOT_FITTING, replay
from analytics.replay.reading import MAX_COLUMNS, UsageLogError, read_usage
from analytics.replay.samples import sample_csv, sample_log
from analytics.replay.usage import apply_mapping, load_usage, parse_mapping, suggest_mapping, validate_usage

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


TOY = """\
id: acme
name: Acme
country: US
models:
  - id: tiered
    name: Tiered
    context_window: 300000
    max_input_tokens: 200000
    max_output_tokens: 10000
    prices:
      - source: https://example.com/a
        checked_on: 2026-01-01
        effective_to: 2026-01-10
        tiers:
          - {up_to: 100000, input_mtok: 1, output_mtok: 2, cache_read_mtok: 0.5}
          - {up_to: null, input_mtok: 2, output_mtok: 4, cache_read_mtok: 1}
      - source: https://example.com/b
        checked_on: 2026-01-10
        effective_from: 2026-01-10
        tiers:
          - {up_to: 100000, input_mtok: 3, output_mtok: 6, cache_read_mtok: 1.5}
          - {up_to: null, input_mtok: 6, output_mtok: 12, cache_read_mtok: 3}
  - id: flat
    name: Flat
    context_window: 50000
    prices:
      - source: https://example.com/f
        checked_on: 2026-01-01
        tiers:
          - {input_mtok: 10, output_mtok: 20, cache_read_mtok: 1}
"""
TOY_CN = """\
id: bcorp
name: B Corp
country: CN
models:
  - id: cheap
    name: Cheap
    context_window: 1000000
    prices:
      - source: https://example.com/c
        checked_on: 2026-01-01
        effective_from: 2026-01-01
        tiers:
          - {input_mtok: 0.1, output_mtok: 0.2}
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("toy-registry")
    (root / "providers").mkdir()
    (root / "providers" / "acme.yaml").write_text(TOY)
    (root / "providers" / "bcorp.yaml").write_text(TOY_CN)
    return load_registry(root)


def log(rows: list[dict]) -> pd.DataFrame:
    return validate_usage(pd.DataFrame(rows), "test")


def csv_bytes(text: str) -> bytes:
    return textwrap.dedent(text).lstrip().encode()


# -- arithmetic ---------------------------------------------------------------------------------------------------


def test_per_request_costs_worked_by_hand(toy):
    """On ``tiered`` before 2026-01-10 (schedule A: tier ≤100,000 at 1 / 2 / cache 0.5; above at 2 / 4 / 1):

    - row 1: prompt 10,000 of which 4,000 cached, output 1,000:
      (6,000 × 1 + 4,000 × 0.5 + 1,000 × 2) / 1M = (6,000 + 2,000 + 2,000) / 1M = $0.010
    - row 2: prompt 150,000, output 2,000 — the cliff: the whole request at the upper tier:
      (150,000 × 2 + 2,000 × 4) / 1M = 308,000 / 1M = $0.308
    - row 3: prompt 100,000 exactly is still the lower tier (up_to is inclusive), output 500, reasoning 500
      (billed at the output rate): (100,000 × 1 + 500 × 2 + 500 × 2) / 1M = $0.102
    """
    usage = log([
        {"prompt_tokens": 10_000, "cached_tokens": 4_000, "output_tokens": 1_000, "timestamp": "2026-01-05T12:00:00Z"},
        {"prompt_tokens": 150_000, "cached_tokens": 0, "output_tokens": 2_000, "timestamp": "2026-01-05T12:00:00Z"},
        {"prompt_tokens": 100_000, "output_tokens": 500, "reasoning_tokens": 500, "timestamp": "2026-01-06"},
    ])
    result = replay(toy, usage, ["tiered"])
    assert result.costs["tiered"] == pytest.approx([0.010, 0.308, 0.102])
    row = result.summary.iloc[0]
    assert row["total_cost"] == pytest.approx(0.010 + 0.308 + 0.102)
    assert row["cost_median"] == pytest.approx(0.102)
    assert row["cost_max"] == pytest.approx(0.308)
    # p95 of [0.010, 0.102, 0.308], linear interpolation: 0.102 + 0.9 × (0.308 − 0.102) = 0.2874
    assert row["cost_p95"] == pytest.approx(0.2874)


def test_price_change_between_timestamps(toy):
    """The same request (prompt 10,000 with 4,000 cached, output 1,000) either side of 2026-01-10, the day
    schedule B (3 / 6 / cache 1.5) replaces A (effective_to is exclusive, in UTC):

    - 2026-01-09T23:59:59Z → A: (6,000 × 1 + 4,000 × 0.5 + 1,000 × 2) / 1M = $0.010
    - 2026-01-10T00:00:00Z → B: (6,000 × 3 + 4,000 × 1.5 + 1,000 × 6) / 1M = 30,000 / 1M = $0.030
    - 2026-01-10T01:00:00+02:00 is 2026-01-09T23:00Z → A: $0.010
    """
    request = {"prompt_tokens": 10_000, "cached_tokens": 4_000, "output_tokens": 1_000}
    usage = log([
        {**request, "timestamp": "2026-01-09T23:59:59Z"},
        {**request, "timestamp": "2026-01-10T00:00:00Z"},
        {**request, "timestamp": "2026-01-10T01:00:00+02:00"},
    ])
    result = replay(toy, usage, ["tiered"])
    assert result.costs["tiered"] == pytest.approx([0.010, 0.030, 0.010])
    assert result.period == (dt.date(2026, 1, 9), dt.date(2026, 1, 10))


def test_without_timestamps_every_request_is_priced_on_one_day(toy):
    """No timestamp column: the day given (``on``) picks the schedule for all: on 2026-01-20, B: $0.030 each."""
    usage = log([{"prompt_tokens": 10_000, "cached_tokens": 4_000, "output_tokens": 1_000}] * 2)
    result = replay(toy, usage, ["tiered"], on=dt.date(2026, 1, 20))
    assert result.costs["tiered"] == pytest.approx([0.030, 0.030])
    assert result.period is None and result.priced_on == dt.date(2026, 1, 20)


def test_tier_shares(toy):
    """Four requests on ``tiered``: two ≤100,000, one above, one over the 200,000 input cap → 50% / 25% / 25%."""
    usage = log([
        {"prompt_tokens": 1_000, "output_tokens": 10, "timestamp": "2026-01-05"},
        {"prompt_tokens": 100_000, "output_tokens": 10, "timestamp": "2026-01-05"},
        {"prompt_tokens": 100_001, "output_tokens": 10, "timestamp": "2026-01-05"},
        {"prompt_tokens": 200_001, "output_tokens": 10, "timestamp": "2026-01-05"},
    ])
    result = replay(toy, usage, ["tiered"])
    shares = dict(zip(result.tiers["tier"], result.tiers["share"], strict=True))
    assert shares == {"≤ 100,000": 0.5, "> 100,000": 0.25, NOT_FITTING: 0.25}
    assert result.summary.iloc[0]["tier_shares"] == "≤ 100,000: 50.0% · > 100,000: 25.0%"


def test_tier_shares_add_up_across_a_price_change(toy):
    """Tiers of both schedules with the same bounds count together: 2 requests ≤100,000, one on each side."""
    usage = log([
        {"prompt_tokens": 1_000, "output_tokens": 10, "timestamp": "2026-01-05"},
        {"prompt_tokens": 1_000, "output_tokens": 10, "timestamp": "2026-01-15"},
    ])
    tiers = replay(toy, usage, ["tiered"]).tiers
    assert tiers.set_index("tier").loc["≤ 100,000", "requests"] == 2


def test_requests_that_do_not_fit_are_counted_and_listed(toy):
    """Never dropped silently: each is in ``unpriced`` with its row (from 1) and the limit it breaks.

    - row 1 fits both models: prompt 1,000 + output 100.
    - row 2: prompt 200,001 > tiered's input cap 200,000; on flat 200,001 + 100 > its 50,000 window.
    - row 3: output 20,000 > tiered's max_output 10,000; flat: 1,000 + 20,000 ≤ 50,000 fits.
    """
    usage = log([
        {"prompt_tokens": 1_000, "output_tokens": 100, "timestamp": "2026-01-05"},
        {"prompt_tokens": 200_001, "output_tokens": 100, "timestamp": "2026-01-05"},
        {"prompt_tokens": 1_000, "output_tokens": 20_000, "timestamp": "2026-01-05"},
    ])
    result = replay(toy, usage, ["tiered", "flat"])
    summary = result.summary.set_index("model")
    assert summary.loc["tiered", "not_fitting"] == 2 and summary.loc["tiered", "priced"] == 1
    assert summary.loc["flat", "not_fitting"] == 1 and summary.loc["flat", "priced"] == 2
    listed = result.not_fitting
    tiered = listed[listed["model"] == "tiered"].set_index("row")
    assert list(tiered.index) == [2, 3]
    assert "input cap (max_input_tokens) of 200,000" in tiered.loc[2, "reason"]
    assert "max_output_tokens 10,000" in tiered.loc[3, "reason"]
    flat = listed[listed["model"] == "flat"]
    assert list(flat["row"]) == [2] and "context window of 50,000" in flat.iloc[0]["reason"]
    assert np.isnan(result.costs["tiered"][1]) and np.isnan(result.costs["tiered"][2])


def test_a_day_with_no_price_is_counted_not_costed_at_zero(toy):
    """``cheap`` is priced from 2026-01-01: a request on 2025-12-31 has no price (listed), the other costs
    (1,000 × 0.1 + 100 × 0.2) / 1M = 120 / 1M = $0.00012."""
    usage = log([
        {"prompt_tokens": 1_000, "output_tokens": 100, "timestamp": "2025-12-31T12:00:00Z"},
        {"prompt_tokens": 1_000, "output_tokens": 100, "timestamp": "2026-01-01T12:00:00Z"},
    ])
    result = replay(toy, usage, ["cheap"])
    row = result.summary.iloc[0]
    assert (row["no_price"], row["not_fitting"], row["priced"]) == (1, 0, 1)
    assert row["total_cost"] == pytest.approx(0.00012)
    unpriced = result.unpriced
    assert list(unpriced["row"]) == [1] and unpriced.iloc[0]["kind"] == NO_PRICE
    assert "no price in force" in unpriced.iloc[0]["reason"]


def test_saving_against_the_recorded_model(toy):
    """Two requests recorded on ``flat`` (10 / 20 / cache 1), each prompt 10,000 with 5,000 cached, output 1,000:
    (5,000 × 10 + 5,000 × 1 + 1,000 × 20) / 1M = 75,000 / 1M = $0.075 each, $0.150 as recorded.
    On ``cheap`` (0.1 / 0.2, cache at the input rate): (10,000 × 0.1 + 1,000 × 0.2) / 1M = $0.0012 each, $0.0024.
    Saving = 0.150 − 0.0024 = $0.1476, a share of 0.1476 / 0.150 = 98.4%; on ``flat`` itself the saving is 0.
    """
    request = {"prompt_tokens": 10_000, "cached_tokens": 5_000, "output_tokens": 1_000, "model": "flat",
               "timestamp": "2026-01-05"}
    result = replay(toy, log([request, request]), ["cheap", "flat"])
    summary = result.summary.set_index("model")
    assert summary.loc["cheap", "recorded_cost"] == pytest.approx(0.150)
    assert summary.loc["cheap", "saving"] == pytest.approx(0.1476)
    assert summary.loc["cheap", "saving_share"] == pytest.approx(0.984)
    assert summary.loc["flat", "saving"] == pytest.approx(0.0)
    assert summary.loc["cheap", "compared_requests"] == 2


def test_recorded_model_outside_the_selection_is_priced_too(toy):
    """Recorded on ``flat`` but only ``cheap`` selected: the recorded cost is still $0.075 (see above)."""
    request = {"prompt_tokens": 10_000, "cached_tokens": 5_000, "output_tokens": 1_000, "model": "flat",
               "timestamp": "2026-01-05"}
    result = replay(toy, log([request]), ["cheap"])
    assert result.summary.iloc[0]["recorded_cost"] == pytest.approx(0.075)


def test_unknown_recorded_models_are_reported(toy):
    usage = log([
        {"prompt_tokens": 1_000, "output_tokens": 10, "model": "not-a-model", "timestamp": "2026-01-05"},
        {"prompt_tokens": 1_000, "output_tokens": 10, "model": None, "timestamp": "2026-01-05"},
    ])
    result = replay(toy, usage, ["cheap"])
    assert result.unknown_recorded == {"not-a-model": 1, "(empty)": 1}
    assert result.summary.iloc[0]["compared_requests"] == 0


def test_unknown_model_selection_is_a_clear_error(toy):
    usage = log([{"prompt_tokens": 1, "output_tokens": 1}])
    with pytest.raises(AnalyticsError, match="unknown model 'nope'"):
        replay(toy, usage, ["nope"])


def test_request_totals_equal_price_requests(registry):
    """The replay's fast path gives exactly ``price_requests(...).total`` on every bundled model."""
    rng = np.random.default_rng(7)
    n = 20_000
    prompt = np.round(rng.lognormal(9, 2, n))
    cached = np.floor(prompt * rng.random(n) * (rng.random(n) < 0.5))
    output = np.round(rng.lognormal(6, 1.5, n))
    reasoning = np.round(rng.lognormal(6, 1.5, n)) * (rng.random(n) < 0.5)
    day = registry.as_of()
    live = [m for m in registry.model_ids() if is_live(registry.model(m), day)]
    assert len(live) > 40
    for model_id in live:
        schedule = registry.schedule(model_id, on=day)
        slow = price_requests(registry, model_id, prompt, output, cached, reasoning, schedule=schedule)
        total, fit, _ = request_totals(registry, model_id, prompt, output, cached, reasoning, schedule=schedule)
        np.testing.assert_array_equal(fit, slow.fit)
        np.testing.assert_allclose(total, slow.total, rtol=1e-12, equal_nan=True)


def test_like_for_like_totals_cover_the_requests_every_model_takes(toy):
    """Three requests on 2026-01-05, on ``tiered`` (window 300,000, prompt cap 200,000; 1 / 2 per 1M) and ``flat``
    (window 50,000; 10 / 20 per 1M):

    | row | prompt  | output | tiered                                  | flat                        |
    |-----|---------|--------|-----------------------------------------|-----------------------------|
    | 1   | 10,000  | 1,000  | (10,000 × 1 + 1,000 × 2) / 1M = 0.012   | (100,000 + 20,000)/1M = 0.12|
    | 2   | 60,000  | 1,000  | (60,000 × 1 + 1,000 × 2) / 1M = 0.062   | beyond its 50,000 window    |
    | 3   | 20,000  | 500    | (20,000 × 1 + 500 × 2) / 1M = 0.021     | (200,000 + 10,000)/1M = 0.21|

    Like for like is rows 1 and 3: tiered 0.012 + 0.021 = 0.033, flat 0.12 + 0.21 = 0.33; tiered's own total
    (every request it takes) is 0.095. The chart plots the like-for-like figures and says flat cannot run one."""
    usage = log([
        {"prompt_tokens": 10_000, "output_tokens": 1_000, "timestamp": "2026-01-05T10:00:00Z"},
        {"prompt_tokens": 60_000, "output_tokens": 1_000, "timestamp": "2026-01-05T11:00:00Z"},
        {"prompt_tokens": 20_000, "output_tokens": 500, "timestamp": "2026-01-05T12:00:00Z"},
    ])
    result = replay(toy, usage, ["tiered", "flat"])
    summary = result.summary.set_index("model")
    assert list(summary["common_requests"]) == [2, 2]
    assert summary.loc["tiered", "total_cost_common"] == pytest.approx(0.033)
    assert summary.loc["flat", "total_cost_common"] == pytest.approx(0.33)
    assert summary.loc["tiered", "total_cost"] == pytest.approx(0.095)
    assert summary.loc["flat", "total_cost"] == pytest.approx(0.33)
    fig = cost_per_model_figure(result, toy)
    bars = fig.data[0]
    assert dict(zip(bars.x, bars.y, strict=True)) == pytest.approx({"tiered": 0.033, "flat": 0.33})
    assert "1 cannot run" in dict(zip(bars.x, bars.text, strict=True))["flat"]
    assert "cannot run" not in dict(zip(bars.x, bars.text, strict=True))["tiered"]
    assert "the 2 requests every model can take, of 3" in fig.layout.title.text


def test_a_model_with_no_price_at_all_does_not_empty_the_comparison(toy):
    """``cheap`` takes effect on 2026-01-01: a log of 2025-12-30 has no price on it for any request, so the like-for-
    like set is what the others take, and cheap's like-for-like figure is unknown (NaN), never 0."""
    usage = log([{"prompt_tokens": 1_000, "output_tokens": 100, "timestamp": "2025-12-30T10:00:00Z"}])
    summary = replay(toy, usage, ["tiered", "cheap"]).summary.set_index("model")
    assert list(summary["common_requests"]) == [1, 1]
    assert summary.loc["tiered", "total_cost_common"] == pytest.approx((1_000 * 1 + 100 * 2) / 1e6)
    assert np.isnan(summary.loc["cheap", "total_cost_common"])


# -- reading and validation ------------------------------------------------------------------------------------


GOOD = """
    timestamp,model,prompt_tokens,cached_tokens,output_tokens,reasoning_tokens
    2026-01-05T10:00:00Z,flat,10000,4000,1000,0
    2026-01-06T10:00:00Z,cheap,2000,,300,
"""


def test_reads_a_good_csv_and_fills_empty_optional_cells_with_zero():
    usage = load_usage(csv_bytes(GOOD), "good.csv")
    assert list(usage["cached_tokens"]) == [4000, 0] and list(usage["reasoning_tokens"]) == [0, 0]
    assert usage["timestamp"].dt.tz is not None
    assert list(usage["model"]) == ["flat", "cheap"]


def problems_of(excinfo) -> str:
    return "\n".join(str(p) for p in excinfo.value.problems)


def test_missing_required_column_names_it_and_the_columns_found():
    with pytest.raises(UsageLogError) as excinfo:
        load_usage(csv_bytes("prompt_tokens,completion\n10,5\n"), "log.csv")
    text = problems_of(excinfo)
    assert "log.csv: output_tokens: missing required column 'output_tokens'" in text
    assert "the file's columns: prompt_tokens, completion" in text and "--map output_tokens=EXPRESSION" in text


def test_negative_tokens_name_the_column_and_the_row():
    with pytest.raises(UsageLogError) as excinfo:
        load_usage(csv_bytes("prompt_tokens,output_tokens\n10,5\n10,-3\n"), "log.csv")
    assert "log.csv: output_tokens: row 2 (line 3): -3 is negative" in problems_of(excinfo)


def test_text_in_a_number_column_names_the_column_row_and_value():
    with pytest.raises(UsageLogError) as excinfo:
        load_usage(csv_bytes("prompt_tokens,output_tokens\n10,5\n12,abc\n"), "log.csv")
    assert "log.csv: output_tokens: row 2 (line 3): 'abc' is not a number" in problems_of(excinfo)


def test_every_problem_is_listed_at_once_with_a_bounded_list_of_rows():
    rows = "\n".join(["-1,x"] * 8)
    with pytest.raises(UsageLogError) as excinfo:
        load_usage(csv_bytes(f"prompt_tokens,output_tokens\n{rows}\n"), "log.csv")
    text = problems_of(excinfo)
    assert "prompt_tokens: row 1 (line 2), row 2 (line 3)" in text and "and 3 more rows" in text
    assert "output_tokens: row 1 (line 2)" in text and "'x' is not a number" in text


def test_empty_required_cell_is_an_error():
    with pytest.raises(UsageLogError, match=r"prompt_tokens: row 1 \(line 2\): empty"):
        load_usage(csv_bytes("prompt_tokens,output_tokens\n,5\n"), "log.csv")


def test_cached_above_prompt_is_an_error_that_explains_the_convention():
    with pytest.raises(UsageLogError, match="prompt_tokens include the cached and written tokens"):
        load_usage(csv_bytes("prompt_tokens,cached_tokens,output_tokens\n100,200,5\n"), "log.csv")


def test_bad_timestamp_names_the_row():
    with pytest.raises(UsageLogError, match=r"timestamp: row 2 \(line 3\): 'yesterday' is not a date and time"):
        load_usage(csv_bytes("prompt_tokens,output_tokens,timestamp\n1,1,2026-01-01\n1,1,yesterday\n"), "log.csv")


def test_unix_seconds_and_milliseconds_are_timestamps():
    usage = validate_usage(pd.DataFrame({"prompt_tokens": [1, 1], "output_tokens": [1, 1],
                                         "timestamp": [1_767_225_600, 1_767_225_600_000]}))
    assert list(usage["timestamp"].dt.date) == [dt.date(2026, 1, 1)] * 2


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"prompt_tokens,output_tokens\n", "has a header but no rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file, not CSV text"),
    (b"prompt_tokens,output_tokens\n1,2\n3,4,5,6\n", "malformed CSV"),
    # regression: pandas took the first column of a row wider than the header as an index, shifting the values
    (b"prompt_tokens,output_tokens\n2026-01-10,300,200\n", "row 1 \\(line 2\\) has 3 fields, the header 2"),
    (b"prompt_tokens,output_tokens\n1,2,3\n4,5,6\n", "row 1 \\(line 2\\) has 3 fields, the header 2"),
    (b"prompt_tokens,output_tokens\n1,2\n\xff\xfe,3\n", "not UTF-8 text"),
])
def test_malformed_files_give_one_clear_error(data, message):
    with pytest.raises(UsageLogError, match=message) as excinfo:
        load_usage(data, "bad.csv")
    assert str(excinfo.value).startswith("bad.csv: ")


def test_a_million_columns_are_refused_before_the_rows_are_parsed():
    header = ",".join(f"c{i}" for i in range(1_000_000))
    data = f"{header}\n{','.join(['1'] * 3)}\n".encode()
    with pytest.raises(UsageLogError, match=f"the header has 1,000,000 columns; at most {MAX_COLUMNS} are read"):
        read_usage(data, "wide.csv")


def test_size_and_row_bounds():
    data = csv_bytes("prompt_tokens,output_tokens\n" + "1,2\n" * 11)
    with pytest.raises(UsageLogError, match="more than 10 rows"):
        read_usage(data, "long.csv", max_rows=10)
    assert len(read_usage(data, "long.csv", max_rows=11)) == 11
    with pytest.raises(UsageLogError, match="larger than the"):
        read_usage(data, "big.csv", max_bytes=20)


def test_file_too_large_on_disk_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"prompt_tokens,output_tokens\n" + b"1,2\n" * 100)
    with pytest.raises(UsageLogError, match="larger than the"):
        read_usage(path, max_bytes=100)
    with pytest.raises(UsageLogError, match="file not found"):
        read_usage(tmp_path / "missing.csv")


def test_semicolon_separated_csv():
    assert len(load_usage(b"prompt_tokens;output_tokens\n1;2\n", "eu.csv")) == 1


def test_column_mapping():
    data = csv_bytes("""
        input,out,when
        100,10,2026-01-05
    """)
    mapping = parse_mapping(["prompt_tokens=input", "output_tokens=out", "timestamp=when"])
    usage = load_usage(data, "mapped.csv", mapping)
    assert list(usage.columns) == ["prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens",
                                   "cache_write_tokens", "cache_write_1h_tokens", "timestamp", "row"]
    with pytest.raises(UsageLogError, match="prompt_tokens = nope: the file has no column 'nope'"):
        load_usage(data, "mapped.csv", {"prompt_tokens": "nope", "output_tokens": "out"})
    with pytest.raises(UsageLogError, match="cannot map to 'tokens'"):
        apply_mapping(pd.DataFrame({"a": [1]}), {"tokens": "a"})
    with pytest.raises(AnalyticsError, match="write CANONICAL=EXPRESSION"):
        parse_mapping(["prompt_tokens"])


def test_suggestions_match_names_only_never_synonyms():
    assert suggest_mapping([" Prompt_Tokens ", "input_tokens", "completion_tokens"]) == {
        "prompt_tokens": " Prompt_Tokens "}


def test_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "log.parquet"
    sample_log(50).to_parquet(path)
    usage = load_usage(path)
    assert len(usage) == 50 and usage["timestamp"].dt.tz is not None
    with pytest.raises(UsageLogError, match="at most 10 requests"):
        read_usage(path, max_rows=10)
    with pytest.raises(UsageLogError, match="not a readable Parquet file"):
        read_usage(b"PAR1 this is not parquet", "broken.parquet")


def test_parquet_without_pyarrow_says_what_to_do(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(UsageLogError, match="needs the pyarrow package.*pip install pyarrow"):
        read_usage(b"PAR1....", "log.parquet")


# -- the sample and the charts ---------------------------------------------------------------------------------


def test_sample_is_deterministic_and_valid():
    first, second = sample_log(1_000, seed=3), sample_log(1_000, seed=3)
    pd.testing.assert_frame_equal(first, second)
    assert not sample_log(1_000, seed=4).equals(first)
    usage = validate_usage(first)
    assert (usage["cached_tokens"] <= usage["prompt_tokens"]).all()
    assert set(usage["model"].astype(str)) == set(SEED_MODELS)
    from_csv = load_usage(sample_csv(200, seed=3), "sample.csv")
    assert len(from_csv) == 200


def test_sample_replays_on_the_seed_models(registry):
    usage = validate_usage(sample_log(2_000, end=SEED_DATE))
    result = replay(registry, usage, SEED_MODELS)
    assert list(result.summary["model"]) == list(SEED_MODELS)
    assert (result.summary["priced"] + result.summary["not_fitting"] + result.summary["no_price"] == 2_000).all()
    assert result.summary["total_cost"].gt(0).all()
    # the long-context tail shows: some prompts beyond Gemini's 200K tier, and some that fit no 262K model
    assert result.tiers.query("model == 'gemini-3-pro' and tier == '> 200,000'")["requests"].iloc[0] > 0
    assert result.summary.set_index("model").loc["kimi-k2.5", "not_fitting"] > 0
    shares = result.tiers.groupby("model")["share"].sum()
    assert np.allclose(shares, 1.0)


def test_by_default_a_log_is_replayed_on_the_flagships_callable_all_through_it(registry):
    """A log of November 2026 recorded on the models of its month: by default each provider's newest flagship
    callable on every day of it — none retired within it (Kimi K2.5, Gemini 3 Pro), none released within it."""
    end = dt.date(2026, 11, 30)
    usage = validate_usage(sample_log(1_000, end=end, registry=registry))
    result = replay(registry, usage)
    chosen = list(result.summary["model"])
    assert chosen == replay_models(registry, end - dt.timedelta(days=30), end)
    assert len(chosen) >= 6 and not set(chosen) & set(SEED_MODELS) - {"gpt-5.2", "claude-opus-4.5"}
    for model_id in chosen:
        model = registry.model(model_id)
        assert is_live(model, end - dt.timedelta(days=30)) and is_live(model, end), model_id
    assert (result.summary["no_price"] == 0).all()
    assert result.unknown_recorded == {}


def test_on_the_sample_the_bars_are_the_like_for_like_totals(registry):
    """The generated sample has a long-context tail beyond some windows: the bars are ``total_cost_common``, not
    each model's total over what it can take."""
    result = replay(registry, validate_usage(sample_log(3_000, end=SEED_DATE)), SEED_MODELS)
    summary = result.summary.set_index("model")
    assert summary["common_requests"].iloc[0] < 3_000  # some requests fit no 262K model
    bars = cost_per_model_figure(result, registry).data[0]
    plotted = dict(zip(bars.x, bars.y, strict=True))
    assert plotted == pytest.approx(summary["total_cost_common"].to_dict())
    assert any(plotted[m] < summary.loc[m, "total_cost"] for m in plotted)


def test_charts_carry_provenance(registry):
    usage = validate_usage(sample_log(500, end=registry.as_of(), registry=registry))
    result = replay(registry, usage)
    for fig in (cost_per_model_figure(result, registry), cost_distribution_figure(result, registry)):
        assert "registry as of" in fig.layout.meta["provenance"]
        assert fig.layout.template.layout.paper_bgcolor is not None
    distribution = result.distribution()
    assert set(distribution["model"]) == set(result.costs)
    assert np.allclose(distribution.groupby("model")["share"].sum(), 1.0)


def test_chart_specs_build_on_the_sample(registry):
    names = {spec.name for spec in CHART_SPECS}
    assert names == {"replay-cost-per-model", "replay-cost-distribution"}
    for spec in CHART_SPECS:
        fig, data = spec.build(registry, requests=300)
        assert len(fig.data) >= 1 and len(data) > 0


def test_read_from_a_file_object():
    assert len(read_usage(io.BytesIO(b"prompt_tokens,output_tokens\n1,2\n"), "f.csv")) == 1


def test_percentiles_equal_numpys_linear_interpolation():
    """The bucketed selection gives np.percentile's answer exactly: skewed, tied, all-zero and narrow inputs."""
    from analytics.replay.engine import percentiles

    rng = np.random.default_rng(0)
    for n in (1, 2, 999, 1_000, 1_001, 20_000):
        for values in (rng.lognormal(-4, 2, n), rng.integers(0, 5, n) / 7, np.zeros(n), 1 + rng.random(n) * 1e-9):
            assert percentiles(values, (50, 95)) == pytest.approx(list(np.percentile(values, [50, 95])), rel=1e-13)


def test_a_log_recorded_on_many_model_names(toy):
    """Over 32 distinct recorded names (np.choose's limit): the recorded cost is still found per request.
    ``flat``: (1,000 × 10 + 100 × 20) / 1M = 12,000 / 1M = $0.012."""
    rows = [{"prompt_tokens": 1_000, "output_tokens": 100, "model": f"unknown-{i}", "timestamp": "2026-01-05"}
            for i in range(40)]
    rows.append({"prompt_tokens": 1_000, "output_tokens": 100, "model": "flat", "timestamp": "2026-01-05"})
    result = replay(toy, log(rows), ["flat"])
    assert len(result.unknown_recorded) == 40
    assert result.recorded_cost[-1] == pytest.approx(0.012)
    assert np.isnan(result.recorded_cost[:40]).all()
    assert result.summary.iloc[0]["compared_requests"] == 1
