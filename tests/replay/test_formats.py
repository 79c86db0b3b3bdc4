"""The six usage exports, each in a sample with its real header and value forms (tests/replay/samples/, layouts
and their sources in analytics/replay/formats.py): detected by header, replayed with no flags, and — where the
export records its own cost — "as recorded" equal to that cost within 1%.

The samples' cost columns were written by hand from the providers' list prices (per 1M tokens: GPT-5.2 1.75 in /
0.175 cached / 14 out; Claude Opus 4.5 5 / 0.50 read / 6.25 5-minute write / 10 1-hour write / 25; Claude Sonnet
4.5 3 / 0.30 / 3.75 / 6 / 15; Gemini 3 Pro 2 / 0.20 / 12 up to 200K, 4 / 0.40 / 18 above; Kimi K2.5 0.60 / 0.10
/ 3), not through the project's pricing code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.cli.main import main
from analytics.replay.engine import replay
from analytics.replay.formats import FORMATS, detect_format, format_named
from analytics.replay.reading import UsageLogError, read_usage
from analytics.replay.usage import read_log

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_OF = {
    "openai": "openai_completions_usage_daily.csv",
    "anthropic": "anthropic_console_usage.csv",
    "openrouter": "openrouter_activity.csv",
    "litellm": "litellm_spendlogs.csv",
    "langfuse": "langfuse_observations.csv",
    "helicone": "helicone_requests.csv",
}
WITH_COST = ("openrouter", "litellm", "langfuse", "helicone")


def replay_json(capsys, *argv: str) -> dict:
    assert main(["replay", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_format_has_a_sample_and_a_source():
    assert {f.name for f in FORMATS} == set(SAMPLE_OF)
    for fmt in FORMATS:
        assert fmt.source.startswith("https://"), fmt.name
        assert {"prompt_tokens", "output_tokens", "model", "timestamp"} <= set(fmt.mapping), fmt.name


@pytest.mark.parametrize("name", SAMPLE_OF)
def test_each_sample_is_detected_by_its_header(name):
    raw = read_usage(SAMPLES / SAMPLE_OF[name])
    assert detect_format(raw.columns) is format_named(name)


@pytest.mark.parametrize("name", SAMPLE_OF)
def test_each_format_replays_with_no_flags(name, capsys):
    data = replay_json(capsys, str(SAMPLES / SAMPLE_OF[name]))
    assert data["log"]["format"] == name
    assert data["requests"] > 0
    for row in data["summary"]:
        assert row["priced"] + row["not_fitting"] + row["no_price"] == data["requests"]
        assert row["compared_rows"] <= data["rows"]
    assert data["as_recorded"]["rows"] == data["rows"] - sum(data["unknown_recorded_models"].values())


@pytest.mark.parametrize("name", WITH_COST)
def test_as_recorded_equals_the_exports_own_cost_within_1_percent(name, registry):
    log = read_log(SAMPLES / SAMPLE_OF[name])
    result = replay(registry, log.frame)
    recorded = result.as_recorded
    assert recorded["export_rows"] == recorded["rows"] > 0
    assert recorded["cost_on_export_rows"] == pytest.approx(recorded["export_cost"], rel=0.01)
    assert abs(recorded["difference_share"]) < 0.01


def test_openrouter_row_worked_by_hand(registry):
    """Row 1, openai/gpt-5.2-20251211: 12,480 prompt (9,984 cached), 2,310 completion of which 1,536 reasoning:
    (2,496 × 1.75 + 9,984 × 0.175 + 2,310 × 14) / 1M = (4,368 + 1,747.2 + 32,340) / 1M = 0.0384552 — the
    export's cost_total. tokens_completion includes tokens_reasoning: counted once."""
    log = read_log(SAMPLES / SAMPLE_OF["openrouter"])
    first = log.frame.iloc[0]
    assert (first["output_tokens"], first["reasoning_tokens"]) == (774, 1_536)
    result = replay(registry, log.frame, ["gpt-5.2"])
    assert result.recorded_cost[0] == pytest.approx(0.0384552)
    assert result.costs["gpt-5.2"][0] == pytest.approx(0.0384552)
    assert result.recorded_names["openai/gpt-5.2-20251211"] == "gpt-5.2"
    assert result.recorded_names["anthropic/claude-4.5-sonnet-20250929"] == "claude-sonnet-4.5"
    assert result.unknown_recorded == {"mistralai/mistral-large-2512": 1}
    assert result.as_recorded["rows"] == 7 and result.as_recorded["rows_total"] == 8


def test_litellm_reads_cache_reads_and_both_writes_from_the_metadata_cell(registry):
    """Row 2, claude-opus-4-5-20251101: prompt_tokens 52,117 include 47,104 cache reads and 4,096 1-hour writes
    (metadata.usage_object): (947 × 5 + 47,104 × 0.5 + 4,096 × 10 + 2,604 × 25) / 1M = 0.134197 (spend)."""
    log = read_log(SAMPLES / SAMPLE_OF["litellm"])
    row = log.frame.iloc[1]
    assert (row["cached_tokens"], row["cache_write_tokens"], row["cache_write_1h_tokens"]) == (47_104, 0, 4_096)
    result = replay(registry, log.frame, ["claude-opus-4.5"])
    assert result.recorded_cost[1] == pytest.approx(0.134197)
    assert log.frame.iloc[4]["prompt_tokens"] == 0  # the failed request: usage_object null, tokens 0


def test_langfuse_skips_what_is_not_a_model_call_and_reads_the_quoted_dates(registry):
    log = read_log(SAMPLES / SAMPLE_OF["langfuse"])
    assert log.rows_read == 5 and log.rows == 4
    assert list(log.skipped.values()) == [1] and "SPAN" in next(iter(log.skipped))
    assert list(log.frame["row"]) == [1, 3, 4, 5]
    assert str(log.frame["timestamp"].iloc[0]) == "2026-02-02 10:00:01.250000+00:00"
    assert any("absent from every row" in note for note in log.notes)


def test_helicone_reads_the_metadata_cell():
    """Row 2: promptTokens 312 exclude the 8,192 written and 24,576 read tokens: the prompt is 33,080."""
    log = read_log(SAMPLES / SAMPLE_OF["helicone"])
    row = log.frame.iloc[1]
    assert (row["prompt_tokens"], row["cache_write_tokens"], row["cached_tokens"]) == (33_080, 8_192, 24_576)
    assert row["model"] == "claude-sonnet-4-5-20250929"


def test_openai_daily_buckets_skip_empty_days_and_price_each_request_at_the_average(registry):
    """Four buckets, 2,798 requests; the two empty days are skipped and counted. A single-tier model's cost is
    linear, so the buckets cost exactly their totals: GPT-5.2 on its three buckets
    ((1,931,420 + 1,602,915 + 2,918,400) × 1.75 + (3,911,680 + 3,500,032) × 0.175 + (402,118 + 361,004 + 61,440)
    × 14) / 1M = 11.29229 + 1.29705 + 11.54387 = 24.13321; GPT-5 mini's bucket (1,188,633 × 0.25 + 1,015,808 ×
    0.025 + 388,120 × 2) / 1M = 1.09878; together 25.23200."""
    log = read_log(SAMPLES / SAMPLE_OF["openai"])
    assert log.skipped == {"buckets with no requests (empty days)": 2}
    assert log.approximation and "average" in log.approximation
    result = replay(registry, log.frame)
    assert result.requests == 2_798 and result.rows == 4
    assert result.approximation
    assert result.as_recorded["cost"] == pytest.approx(25.232, abs=1e-3)
    assert result.as_recorded["requests"] == 2_798
    assert set(result.tiers.groupby("model")["requests"].sum()) == {2_798}


def test_anthropic_console_export_sums_four_prompt_columns_and_states_the_assumption(registry):
    """Day 1, Claude Opus 4.5: 312,904 uncached + 88,120 5-minute writes + 40,960 1-hour writes + 6,204,416 reads
    = 6,646,400 prompt tokens, 402,877 output: (312,904 × 5 + 88,120 × 6.25 + 40,960 × 10 + 6,204,416 × 0.5 +
    402,877 × 25) / 1M = 1.56452 + 0.55075 + 0.4096 + 3.102208 + 10.071925 = 15.699003, whatever the request count
    (one tier: cost is linear). With the default 20,000-token average, ⌈6,646,400 / 20,000⌉ = 333 requests."""
    log = read_log(SAMPLES / SAMPLE_OF["anthropic"])
    first = log.frame.iloc[0]
    assert first["requests"] == 333
    assert first["prompt_tokens"] * 333 == pytest.approx(6_646_400)
    assert "no request count" in log.approximation and "20,000" in log.approximation
    assert any("usage_type batch" in note for note in log.notes)
    result = replay(registry, log.frame, ["claude-opus-4.5"])
    assert result.recorded_cost[0] * 333 == pytest.approx(15.699003)
    fewer = read_log(SAMPLES / SAMPLE_OF["anthropic"], average_prompt=100_000)
    assert fewer.frame.iloc[0]["requests"] == 67
    assert replay(registry, fewer.frame, ["claude-opus-4.5"]).as_recorded["cost"] == \
        pytest.approx(result.as_recorded["cost"])


def test_a_forced_format_that_does_not_fit_the_file_names_the_missing_columns():
    with pytest.raises(UsageLogError, match="is not a OpenRouter activity export: it has no column 'generation_id'"):
        read_log(SAMPLES / SAMPLE_OF["litellm"], format_name="openrouter")
    with pytest.raises(UsageLogError, match="unknown format 'splunk'"):
        read_log(SAMPLES / SAMPLE_OF["litellm"], format_name="splunk")


def test_an_older_export_without_an_optional_column_says_what_was_not_read(tmp_path):
    """An OpenAI export from before input_cache_write_tokens existed: read, and the missing entry is noted."""
    text = (SAMPLES / SAMPLE_OF["openai"]).read_text()
    lines = [line.split(",") for line in text.splitlines()]
    drop = lines[0].index("input_cache_write_tokens")
    path = tmp_path / "old.csv"
    path.write_text("\n".join(",".join(cells[:drop] + cells[drop + 1:]) for cells in lines) + "\n")
    log = read_log(path)
    assert log.format.name == "openai" and "cache_write_tokens" not in log.mapping
    assert any("cache_write_tokens not read" in note for note in log.notes)


def test_a_mapping_override_replaces_one_entry_of_the_format(registry):
    """Price OpenRouter's reasoning inside the output (as if the export did not split it): the reasoning rate is
    the output rate, so the cost does not move — only where the tokens are reported."""
    log = read_log(SAMPLES / SAMPLE_OF["openrouter"],
                   mapping={"output_tokens": "tokens_completion", "reasoning_tokens": ""})
    assert "reasoning_tokens" not in log.mapping
    assert log.frame.iloc[0]["output_tokens"] == 2_310
    assert replay(registry, log.frame, ["gpt-5.2"]).recorded_cost[0] == pytest.approx(0.0384552)
