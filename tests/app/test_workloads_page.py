"""The Agent workloads page, headless (AppTest): no exception, every chart, and controls that change the results.

AppTest cannot drive a file upload, type into a data editor, or start from a URL's query parameters (bound
widgets read them in the browser); those paths go through ``parse_workload`` and ``workload_from_frame``
(tests/test_workloads.py) and through the real browser (tests/e2e/test_workloads_e2e.py).
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics.workloads.model import load_workload
from analytics.workloads.whatifs import with_role_changes
from tests.app.conftest import DASHBOARD, open_page

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


PAGE = "pages/workloads.py"
TITLES = ["What one task costs", "Cumulative cost across steps", "Wall time vs serial time per task",
          "Monthly projection", "What moves the cost of a task", "Break-even"]


def _specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _titles(at) -> list[str]:
    return [spec["layout"]["title"]["text"].replace(" <br>", " ") for spec in _specs(at)]


def _values(array) -> list:
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _results(at):
    return at.dataframe[1].value  # [0] is the roles editor


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE)
    assert not at.exception, at.exception
    return at


def test_page_renders_every_chart_and_the_results(page):
    titles = _titles(page)
    assert len(titles) == 6
    for expected, title in zip(TITLES, titles, strict=True):
        assert title.startswith(expected)
    assert "Agent swarm" in titles[0]
    results = _results(page)
    # the default selection: each provider's flagship that can be called today (seven providers, seven models)
    assert len(results) == 7 and (results["cost_per_task"] > 0).all()
    assert not page.error


def test_volume_slider_changes_the_monthly_projection():
    at = open_page(PAGE)
    before = _results(at)["monthly_cost"].tolist()
    at.select_slider(key="volume").set_value(10_000).run()
    assert not at.exception
    assert "10,000 tasks a month" in _titles(at)[3]
    after = _results(at)["monthly_cost"].tolist()
    assert after == pytest.approx([b * 10_000 / 500 for b in before])


def test_preset_and_models_change_the_results():
    at = open_page(PAGE)
    at.selectbox(key="workload").set_value("research-loop").run()
    assert not at.exception
    assert "Research loop" in _titles(at)[0]
    assert at.select_slider(key="volume").value == 2_000  # the research loop's own volume, not the swarm's 500
    at.multiselect(key="models").set_value(["kimi-k2.5", "gemini-3-pro"]).run()
    assert not at.exception
    assert list(_results(at)["name"]) == ["Kimi K2.5", "Gemini 3 Pro"]
    bars = _specs(at)[0]["data"]
    assert all(len(_values(trace["y"])) == 2 for trace in bars)


def test_empty_model_choice_runs_each_role_on_its_own_model():
    at = open_page(PAGE)
    at.multiselect(key="models").set_value([]).run()
    assert not at.exception
    assert list(_results(at)["name"]) == ["Roles' own models"]


def test_hle_proxy_is_labelled():
    at = open_page(PAGE)
    at.radio(key="success").set_value("HLE score as a proxy").run()
    assert not at.exception
    results = _results(at).set_index("name")
    assert "proxy" in results.loc["Kimi K2.5", "success_proxy"]
    assert results.loc["Kimi K2.5", "cost_per_successful_task"] == pytest.approx(
        results.loc["Kimi K2.5", "cost_per_task"] / results.loc["Kimi K2.5", "success_rate"])


def test_upload_choice_without_a_file_keeps_the_page_working():
    at = open_page(PAGE)
    at.selectbox(key="workload").set_value("upload a file").run()
    assert not at.exception
    assert any("Upload a workload YAML" in info.value for info in at.info)
    assert len(_titles(at)) == 6


def test_break_even_models_change_the_chart():
    at = open_page(PAGE)
    at.selectbox(key="model_a").set_value("kimi-k2.5")
    at.selectbox(key="model_b").set_value("claude-opus-4.5").run()
    assert not at.exception
    assert _titles(at)[5].startswith("Break-even: Kimi K2.5 vs Claude Opus 4.5")
    at.selectbox(key="model_b").set_value("kimi-k2.5").run()
    assert any("two different models" in info.value for info in at.info)


def test_success_rate_entry_changes_cost_per_success():
    at = open_page(PAGE)
    key = next(w.key for w in at.number_input if w.key and w.key.startswith("success-"))
    at.number_input(key=key).set_value(0.25).run()
    assert not at.exception
    results = _results(at)
    assert list(results["cost_per_successful_task"]) == pytest.approx(list(results["cost_per_task"] * 4))


# -- nothing lost: edits kept for the session, a badge, a reset, exports that say "edited" (issue 17) ------------


def _open_with_kept_edit(query: dict[str, str]):
    """The dashboard, then the session holding an edit of the agent swarm (as the roles editor leaves it: AppTest
    cannot type into the editor; tests/e2e/test_workloads_e2e.py does), then the page."""
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    edited = with_role_changes(load_workload("agent-swarm"), {"researcher": {"steps": 10}})
    at.session_state["workloads:edited"] = {"agent-swarm": edited}
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_kept_edits_survive_another_page_and_exports_say_edited():
    at = _open_with_kept_edit({"on": "2026-01-28"})
    edited_cost = _results(at).set_index("name").loc["GPT-5.2", "cost_per_task"]
    assert any("Edited" in c.value and "researcher.steps 8 → 10" in c.value.replace("\\", "") for c in at.caption)
    assert at.button(key="reset_workload")
    specs = _specs(at)
    assert specs[0]["layout"]["title"]["text"].endswith("(edited)")
    footnote = specs[0]["layout"]["meta"]["provenance"]
    assert "Edited: researcher.steps 8 → 10" in footnote and "(edited)" in footnote
    at.switch_page("pages/prices.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert _results(at).set_index("name").loc["GPT-5.2", "cost_per_task"] == pytest.approx(edited_cost)
    assert at.button(key="reset_workload")
    at.button(key="reset_workload").click().run()
    assert not at.exception
    assert "reset_workload" not in [b.key for b in at.button]
    assert "(edited)" not in _specs(at)[0]["layout"]["title"]["text"]
    assert _results(at).set_index("name").loc["GPT-5.2", "cost_per_task"] < edited_cost  # 8 steps, not 10


def test_assumed_tool_fee_in_the_link_prices_the_unpriced_calls():
    """?tool_fee=10: Kimi's 700 web searches at $10 / 1,000 = $7 more than without, and no "≥" warning."""
    plain = open_page(PAGE, query={"on": "2026-01-28"})
    assumed = open_page(PAGE, query={"on": "2026-01-28", "tool_fee": "10"})
    assert not plain.exception and not assumed.exception
    kimi = _results(plain).set_index("name").loc["Kimi K2.5"]
    kimi_fee = _results(assumed).set_index("name").loc["Kimi K2.5"]
    assert kimi["lower_bound"] and not kimi_fee["lower_bound"]
    assert kimi_fee["cost_per_task"] - kimi["cost_per_task"] == pytest.approx(7.0)
    assert any("lower bounds" in w.value for w in plain.warning)
    assert not any("lower bounds" in w.value for w in assumed.warning)
    legend = [t.get("name") for t in _specs(plain)[3]["data"]]  # the monthly projection
    assert "Kimi K2.5 (≥ lower bound)" in legend
    assert "lower bounds" in _specs(plain)[3]["layout"]["title"]["text"]
