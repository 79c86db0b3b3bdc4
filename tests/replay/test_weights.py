"""Aggregated rows (analytics/replay/engine.py): a bucket of k requests of the average size is priced, counted,
shared among tiers and ranked exactly as k single requests; zero-request buckets are skipped and counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.charts.replay import cost_per_model_figure
from analytics.replay.engine import replay, weighted_percentiles
from analytics.replay.reading import UsageLogError
from analytics.replay.usage import read_log, validate_usage

BUCKETS = pd.DataFrame({
    "prompt_tokens": [10_000, 250_000, 3_000],
    "cached_tokens": [4_000, 0, 0],
    "output_tokens": [500, 2_000, 100],
    "timestamp": ["2026-02-02", "2026-02-03", "2026-02-03"],
    "model": ["gpt-5.2", "gemini-3-pro", "gemini-3-pro-preview"],
    "requests": [3, 2, 1],
})


def expanded(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame.index.repeat(frame["requests"])].drop(columns="requests").reset_index(drop=True)


def test_a_bucket_costs_what_its_requests_cost_one_by_one(registry):
    """Gemini 3 Pro above 200K: a bucket of 2 requests of 250,000 prompt / 2,000 output is priced at the second
    tier — 2 × (250,000 × 4 + 2,000 × 18) / 1M = 2 × 1.036 = 2.072 — exactly as the two requests would be."""
    models = ["gpt-5.2", "gemini-3-pro", "kimi-k2.5"]
    weighted = replay(registry, validate_usage(BUCKETS), models)
    single = replay(registry, validate_usage(expanded(BUCKETS)), models)
    assert weighted.requests == single.requests == 6 and weighted.rows == 3
    columns = ["model", "requests", "priced", "not_fitting", "no_price", "total_cost", "cost_median", "cost_p95",
               "cost_max", "tier_shares", "recorded_cost", "saving", "compared_requests"]
    pd.testing.assert_frame_equal(weighted.summary[columns], single.summary[columns], check_dtype=False)
    pd.testing.assert_frame_equal(weighted.tiers, single.tiers, check_dtype=False)
    assert weighted.summary.set_index("model").loc["gemini-3-pro", "total_cost"] == pytest.approx(
        single.summary.set_index("model").loc["gemini-3-pro", "total_cost"])
    gemini_bucket = weighted.costs["gemini-3-pro"][1] * 2
    assert gemini_bucket == pytest.approx(2.072)
    assert weighted.summary["compared_rows"].tolist() == [3, 3, 3]
    assert single.summary["compared_rows"].tolist() == [6, 6, 6]
    assert weighted.approximation and single.approximation is None
    dist_w, dist_s = weighted.distribution(), single.distribution()
    pd.testing.assert_frame_equal(dist_w[["model", "share"]], dist_s[["model", "share"]])


def test_unpriced_buckets_say_how_many_requests_they_stand_for(registry):
    """The bucket of two 250,000-token requests does not fit Claude Opus 4.5's 200K window: one unpriced row,
    standing for 2 requests; the other 4 requests are priced."""
    result = replay(registry, validate_usage(BUCKETS), ["claude-opus-4.5"])
    unpriced = result.unpriced
    assert unpriced["row"].tolist() == [2] and unpriced["requests"].tolist() == [2]
    assert result.summary.loc[0, "not_fitting"] == 2 and result.summary.loc[0, "priced"] == 4


@pytest.mark.parametrize("seed", range(20))
def test_weighted_percentiles_equal_the_expanded_array(seed):
    rng = np.random.default_rng(seed)
    values = rng.random(rng.integers(1, 30))
    weights = rng.integers(1, 6, len(values))
    for q in (0, 10, 50, 95, 100):
        assert weighted_percentiles(values, weights.astype(float), [q])[0] == pytest.approx(
            np.percentile(np.repeat(values, weights), q))


def test_zero_request_rows_are_skipped_and_counted_not_an_error():
    data = b"""prompt_tokens,output_tokens,requests
1000,10,2
,,0
0,0,
500,5,1
"""
    log = read_log(data, "buckets.csv")
    assert log.rows_read == 4 and log.rows == 2
    assert log.skipped == {"buckets with no requests (empty days)": 2}
    assert log.frame["row"].tolist() == [1, 4]
    assert log.frame["prompt_tokens"].tolist() == [500, 500]  # 1,000 over 2 requests: the average
    assert "approximations from averages" in log.approximation


def test_a_negative_request_count_is_an_error_naming_the_row():
    with pytest.raises(UsageLogError, match=r"b.csv: requests: row 1 \(line 2\): -2 is negative"):
        read_log(b"prompt_tokens,output_tokens,requests\n10,1,-2\n", "b.csv")


def test_the_charts_recorded_line_is_the_weighted_total_and_says_its_rows(registry):
    result = replay(registry, validate_usage(BUCKETS), ["gpt-5.2"])
    fig = cost_per_model_figure(result, registry)
    line = next(shape for shape in fig.layout.shapes if shape.y0 == shape.y1)
    assert line.y0 == pytest.approx(result.as_recorded["cost"])
    # named in the legend (a label on the line would sit on the bars)
    note = next(t.name for t in fig.data if (t.name or "").startswith("as recorded"))
    assert note.endswith("(3 of 3 rows)")
