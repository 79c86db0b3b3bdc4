"""Generated samples of each export (analytics/replay/samples.py): the real header, detected as their format,
replayed with no unknown model, and "as recorded" equal to their own cost column (computed at the registry's
prices when the sample was written)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from analytics.replay.engine import replay
from analytics.replay.formats import FORMATS
from analytics.replay.samples import format_sample
from analytics.replay.usage import read_log

SAMPLES = Path(__file__).parent / "samples"
HAND_WRITTEN = {"openai": "openai_completions_usage_daily.csv", "anthropic": "anthropic_console_usage.csv",
                "openrouter": "openrouter_activity.csv", "litellm": "litellm_spendlogs.csv",
                "langfuse": "langfuse_observations.csv", "helicone": "helicone_requests.csv"}


def header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8"))))


@pytest.mark.parametrize("name", [f.name for f in FORMATS])
def test_a_generated_sample_has_the_exports_header_and_replays_as_recorded(registry, name):
    data = format_sample(registry, name, requests=150, seed=3)
    assert header(data) == header((SAMPLES / HAND_WRITTEN[name]).read_bytes())
    log = read_log(data, f"{name}.csv")
    assert log.format.name == name
    result = replay(registry, log.frame)
    assert result.unknown_recorded == {}
    assert result.as_recorded["rows"] == log.rows
    if "export_cost" in log.mapping:
        assert result.as_recorded["cost_on_export_rows"] == pytest.approx(result.as_recorded["export_cost"],
                                                                          rel=1e-9)


def test_samples_are_deterministic_and_show_what_each_export_carries(registry):
    assert format_sample(registry, "openrouter", seed=1) == format_sample(registry, "openrouter", seed=1)
    openai = read_log(format_sample(registry, "openai"), "openai.csv")
    assert openai.skipped == {"buckets with no requests (empty days)": 2}
    langfuse = format_sample(registry, "langfuse").decode()
    assert '"""20' in langfuse  # dates keep their JSON quotes, as Langfuse writes them
    assert "\nKeep it short." in langfuse  # a multi-line cell
    litellm = read_log(format_sample(registry, "litellm"), "litellm.csv").frame
    assert litellm["cache_write_1h_tokens"].sum() > 0 and litellm["cache_write_tokens"].sum() > 0
    helicone = format_sample(registry, "helicone")
    assert helicone.count(b"\r\n") > 10 and not helicone.endswith(b"\n")
