"""The Replay usage page, headless (AppTest): the sample, the summary, the charts, the model choice, the sample
exports (one click; detected format, how the file was read, as recorded beside the export's own cost), the editable
mapping and the assumed average prompt of daily totals.

AppTest cannot drive a file upload; the upload path (bounds, mapping, errors) is covered by tests/replay/
through the same functions, and in a real browser by tests/e2e/test_replay_e2e.py.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from pages.ui.session import KeptFile
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
    titles = [spec["layout"]["title"]["text"].replace(" <br>", " ") for spec in specs]  # wrapped for a phone
    # like for like: the bars are over the requests every model can take (some are beyond a window)
    assert titles[0].startswith("What the log would have cost on each model (the ")
    assert titles[0].endswith(" requests every model can take, of 10,000)")
    assert titles[1] == "Distribution of the cost per request"
    bars = specs[0]["data"][0]
    # on the seed's day: each provider's newest flagship callable all the month before it
    assert sorted(_values(bars["x"]) if isinstance(bars["x"], dict) else bars["x"]) == sorted(
        ["claude-opus-4.5", "deepseek-v3.2", "gemini-3-pro", "kimi-k2-thinking", "gpt-5.2", "grok-4"])
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


def test_a_sample_export_is_one_click_away_and_shows_how_it_was_read():
    at = open_page(PAGE)
    at.button(key="try_openrouter").click().run()
    assert not at.exception, at.exception
    assert at.radio(key="log").value == "export" and at.selectbox(key="export").value == "openrouter"
    info = " ".join(i.value for i in at.info)
    assert "OpenRouter activity export (detected from its header)" in info
    assert "recorded names resolved" in info and "→ gpt-5.2" in info
    captions = " ".join(c.value for c in at.caption)
    assert "As recorded:" in captions and "the export's own cost for those" in captions
    assert "+0.0% difference" in captions
    assert len(_chart_specs(at)) == 2


def _export_page(name: str):
    at = open_page(PAGE)
    at.radio(key="log").set_value("export").run()
    at.selectbox(key="export").set_value(name).run()
    assert not at.exception, at.exception
    return at


def _mapping_input(at, target: str):
    return next(t for t in at.text_input if t.key.startswith(f"map:{target}:"))


def test_every_export_format_replays_on_the_page():
    for fmt in ("openai", "anthropic", "litellm", "langfuse", "helicone"):
        at = _export_page(fmt)
        assert len(_chart_specs(at)) == 2, fmt
        assert "(detected from its header)" in " ".join(i.value for i in at.info), fmt


def test_daily_buckets_state_the_approximation_and_the_assumed_prompt_can_change():
    at = _export_page("anthropic")
    info = " ".join(i.value for i in at.info)
    assert "approximation" in info and "20,000" in info
    before = at.subheader[0].value
    assert " requests in " in before
    next(n for n in at.number_input if n.key.startswith("average_prompt:")).set_value(50_000).run()
    assert not at.exception, at.exception
    assert "50,000" in " ".join(i.value for i in at.info)
    assert at.subheader[0].value != before  # fewer, larger requests


def test_the_mapping_is_editable_with_the_same_expressions_as_the_cli():
    at = _export_page("openrouter")
    field = _mapping_input(at, "output_tokens")
    assert field.value == "tokens_completion - tokens_reasoning"
    field.set_value("tokens_completion - no_such_column").run()
    assert not at.exception
    assert any("no column 'no_such_column'" in e.value for e in at.error)


def test_an_uploaded_log_is_kept_for_the_session():
    """A log uploaded earlier in the session (kept by pages/ui/session.py when the uploader had it) is replayed
    when the visitor comes back to the page, says so, and can be forgotten."""
    at = open_page()
    csv = b"prompt_tokens,output_tokens,model\n1000,100,gpt-5.2\n250000,500,gpt-5.2\n"
    at.session_state["uploads"] = {"replay": KeptFile("my-log.csv", csv, "file-1")}
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert any("my\\-log" in c.value and "uploaded earlier in this session" in c.value for c in at.caption)
    assert "2 requests" in at.subheader[0].value
    at.button(key="forget_replay_upload").click().run()
    assert not at.exception
    assert any("Upload a usage log" in info.value for info in at.info)
