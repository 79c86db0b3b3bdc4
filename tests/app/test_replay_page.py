"""The Replay usage page, headless (AppTest): the sample, the summary, the charts, the model choice.

AppTest cannot drive a file upload; the upload path (bounds, mapping, errors) is covered by tests/test_replay.py
through the same functions, and in a real browser by tests/e2e/test_replay_e2e.py.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from tests.app.conftest import open_page

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


PAGE = "pages/replay.py"


def _chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _values(array) -> list:
    """A plotly array from a chart spec: plain list, or ``{"dtype", "bdata"}`` (base64) since plotly 6."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_the_page_waits_for_a_log_and_offers_the_sample():
    at = open_page(PAGE)
    assert not at.exception
    assert any("Upload a usage log" in info.value for info in at.info)
    assert at.button(key="use_sample")
    assert not at.get("plotly_chart")


def test_the_sample_button_shows_the_summary_and_both_charts():
    at = open_page(PAGE)
    at.button(key="use_sample").click().run()
    assert not at.exception, at.exception
    assert at.radio(key="log").value == "sample"
    specs = _chart_specs(at)
    assert len(specs) == 2
    titles = [spec["layout"]["title"]["text"] for spec in specs]
    assert titles[0].startswith("What the log would have cost on each model (10,000 requests)")
    assert titles[1] == "Distribution of the cost per request"
    bars = specs[0]["data"][0]
    assert sorted(_values(bars["x"]) if isinstance(bars["x"], dict) else bars["x"]) == sorted(
        ["qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5"])
    assert all(v > 0 for v in _values(bars["y"]))
    assert "10,000 requests" in at.subheader[0].value
    assert len(at.dataframe) >= 1


def _sample_page():
    at = open_page(PAGE)
    at.radio(key="log").set_value("sample").run()
    assert not at.exception, at.exception
    return at


def test_choosing_models_and_sample_size_reprices():
    at = _sample_page()
    at.multiselect(key="models").set_value(["kimi-k2.5", "deepseek-v3.2"])
    at.select_slider(key="requests").set_value(1_000)
    at.run()
    assert not at.exception, at.exception
    bars = _chart_specs(at)[0]["data"][0]
    assert sorted(bars["x"]) == ["deepseek-v3.2", "kimi-k2.5"]
    assert "1,000 requests" in at.subheader[0].value


def test_no_model_selected_is_a_warning_not_an_error():
    at = _sample_page()
    at.multiselect(key="models").set_value([])
    at.run()
    assert not at.exception
    assert any("at least one model" in w.value for w in at.warning)
