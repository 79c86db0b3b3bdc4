"""AppTest for the Overview, Prices, Blended price, Context tiers and Cost vs HLE pages: each renders with no
exception, each control changes what it should, and query parameters reproduce a view."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.app.conftest import open_page

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


PAGES = ["pages/overview.py", "pages/prices.py", "pages/blended.py", "pages/context_tiers.py",
         "pages/cost_vs_hle.py"]


def titles(at) -> list[str]:
    """The titles of the page's plotly charts, in page order (wrapped for a phone on screen: read as one line)."""
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"].replace(" <br>", " ")
            for chart in at.get("plotly_chart")]


def footnotes(at) -> list[str]:
    """Each chart's provenance footnote (on screen it is a caption below the chart; the figure keeps it as meta)."""
    return [json.loads(chart.proto.spec)["layout"]["meta"]["provenance"] for chart in at.get("plotly_chart")]


def table(at, index: int = 0):
    return at.dataframe[index].value


def row(at, name: str, index: int | None = None):
    """The row of model ``name`` in table ``index``, or in the first table that lists it (a page may show a table of
    the models it could not plot before its main one)."""
    if index is not None:
        return table(at, index).set_index("name").loc[name]
    frames = [df.value for df in at.dataframe if "name" in df.value]
    return next(f for f in frames if name in set(f["name"])).set_index("name").loc[name]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception_with_a_chart_and_a_table(page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.get("plotly_chart"), "no chart"
    assert at.dataframe, "no table"


# -- the shared sidebar -----------------------------------------------------------------------------------------------

def test_shared_sidebar_currency_converts_the_overview_table(registry):
    """The Overview keeps the shared sidebar in AppTest's element tree (after ``switch_page`` AppTest drops the
    entry script's sidebar widgets; a real browser shows them — the e2e suite covers that), so the widget itself
    is driven here and the other pages take the currency and date from the URL."""
    at = open_page()
    usd = row(at, "Kimi K2.5")["input_per_mtok"]
    at.selectbox(key="currency").set_value("CNY").run()
    assert row(at, "Kimi K2.5")["input_per_mtok"] == pytest.approx(usd * registry.units_per_usd("CNY"))


def test_shared_sidebar_date_takes_the_schedule_in_force():
    at = open_page("pages/prices.py")
    at.date_input(key="on").set_value(dt.date(2026, 1, 1)).run()
    assert row(at, "Kimi K2.5").isna()["input_per_mtok"]  # not yet released: unknown, not 0
    assert row(at, "Gemini 3 Pro")["input_per_mtok"] == pytest.approx(2.00)


def test_currency_reaches_every_price_on_a_page(registry):
    """Kimi K2.5 at 3:1: $1.20 → 1.20 × CNY per USD (converted once)."""
    usd = open_page("pages/blended.py")
    cny = open_page("pages/blended.py", query={"currency": "CNY"})
    rate = registry.units_per_usd("CNY")
    assert row(cny, "Kimi K2.5")["blended_per_mtok"] == pytest.approx(row(usd, "Kimi K2.5")["blended_per_mtok"] * rate)
    assert row(cny, "Kimi K2.5")["input_per_mtok"] == pytest.approx(0.60 * rate)
    assert "CNY per 1M" in json.dumps(json.loads(cny.get("plotly_chart")[0].proto.spec)["layout"]["xaxis"])
    hle = open_page("pages/cost_vs_hle.py", query={"currency": "CNY"})
    assert scores(hle).loc["Kimi K2.5", "blended_per_mtok"] == pytest.approx(1.20 * rate)


def test_as_of_date_before_a_release_means_no_price_not_zero():
    """Kimi K2.5's price applies from 2026-01-27: on 2026-01-01 it has no price (shown as unknown, not $0)."""
    at = open_page("pages/prices.py", query={"on": "2026-01-01"})
    kimi = row(at, "Kimi K2.5")
    assert kimi["status"] == "not released until 2026-01-27"
    assert kimi.isna()["input_per_mtok"]


# -- Blended price ----------------------------------------------------------------------------------------------------

def test_ratio_1_to_1_moves_kimi_from_1_20_to_1_80():
    """(3 × 0.60 + 3.00) / 4 = 1.20 at 3:1; (0.60 + 3.00) / 2 = 1.80 at 1:1; the change against 3:1 is +0.60."""
    at = open_page("pages/blended.py")
    assert row(at, "Kimi K2.5")["blended_per_mtok"] == pytest.approx(1.20)
    assert titles(at) == ["Blended price per 1M tokens at 3:1, 0% cache hits, 1K-token prompt"]
    at.radio(key="blend").set_value("1:1").run()
    kimi = row(at, "Kimi K2.5")
    assert kimi["blended_per_mtok"] == pytest.approx(1.80)
    assert kimi["change_vs_3to1"] == pytest.approx(0.60)
    assert titles(at) == ["Blended price per 1M tokens at 1:1, 0% cache hits, 1K-token prompt"]
    # the worked sum, for a model with a cache-read price (the cache-hit slider then changes it)
    assert any("input_eff = 1 × $" in c.value and ") / 2 = $" in c.value for c in at.code)


def test_custom_ratio_and_an_invalid_one():
    at = open_page("pages/blended.py")
    at.radio(key="blend").set_value("custom").run()
    at.text_input(key="custom_ratio").set_value("5:1").run()
    # (5 × 0.60 + 3.00) / 6 = 1.00
    assert row(at, "Kimi K2.5")["blended_per_mtok"] == pytest.approx(1.00)
    at.text_input(key="custom_ratio").set_value("five to one").run()
    assert at.warning and "3:1" in at.warning[0].value
    assert row(at, "Kimi K2.5")["blended_per_mtok"] == pytest.approx(1.20)


def test_cache_hit_share_lowers_the_input_side():
    """Kimi at 50 % cache hits: input_eff = 0.5 × 0.60 + 0.5 × 0.10 = 0.35 → (3 × 0.35 + 3.00) / 4 = 1.0125."""
    at = open_page("pages/blended.py")
    at.slider(key="cache").set_value(50).run()
    assert row(at, "Kimi K2.5")["blended_per_mtok"] == pytest.approx(1.0125)


def test_prompt_size_picks_the_tier():
    """Gemini 3 Pro above 200K: (3 × 4 + 18) / 4 = 7.50; Claude Opus 4.5's 200K window cannot take 250K."""
    at = open_page("pages/blended.py")
    assert row(at, "Gemini 3 Pro")["blended_per_mtok"] == pytest.approx(4.50)
    at.number_input(key="prompt").set_value(250_000).run()
    assert row(at, "Gemini 3 Pro")["blended_per_mtok"] == pytest.approx(7.50)
    assert row(at, "Claude Opus 4.5")["status"] == "prompt beyond window"


# -- Prices -----------------------------------------------------------------------------------------------------------

def test_prices_filters():
    at = open_page("pages/prices.py")
    everything = len(table(at))
    at.multiselect(key="country").set_value(["CN"]).run()
    assert set(table(at)["country"]) == {"CN"} and len(table(at)) < everything
    at.multiselect(key="country").set_value([]).run()
    at.multiselect(key="provider").set_value(["Moonshot AI"]).run()
    assert set(table(at)["provider"]) == {"Moonshot AI"}
    at.multiselect(key="provider").set_value([]).run()
    at.selectbox(key="weights").set_value("open").run()
    assert table(at)["open_weights"].all()


def test_prices_region_and_service_tier(registry):
    at = open_page("pages/prices.py")
    at.selectbox(key="region").set_value("cn-mainland").run()
    qwen = row(at, "Qwen3-Max-Thinking")
    # CNY 2.5 per 1M converted to USD at the registry's rate
    assert qwen["input_per_mtok"] == pytest.approx(2.5 / registry.units_per_usd("CNY"))
    assert row(at, "Kimi K2.5")["status"] == "no price"
    at.selectbox(key="region").set_value("global").run()
    at.selectbox(key="tier").set_value("batch").run()
    assert row(at, "GPT-5.2")["input_per_mtok"] == pytest.approx(0.875)


def test_prices_source_links_are_http_only():
    at = open_page("pages/prices.py")
    links = table(at)["link"].dropna()
    assert len(links) and links.str.match(r"^https?://").all()


def test_prices_unknown_is_rendered_as_unknown():
    """Qwen3-Max-Thinking has no published cache-read price: the table shows "unknown", never blank or 0."""
    at = open_page("pages/prices.py")
    assert row(at, "Qwen3-Max-Thinking").isna()["cache_read_per_mtok"]
    assert at.dataframe[0].proto.placeholder == "unknown"


def test_price_history_control():
    at = open_page("pages/prices.py")
    assert titles(at)[0].startswith("Input price history")
    at.radio(key="history").set_value("output").run()
    assert titles(at)[0].startswith("Output price history")


# -- Context tiers ----------------------------------------------------------------------------------------------------

def test_context_tiers_controls():
    at = open_page("pages/context_tiers.py")
    assert "1,000 output tokens" in titles(at)[0]
    at.number_input(key="output").set_value(8_000).run()
    assert "8,000 output tokens" in titles(at)[0]
    at.multiselect(key="models").set_value(["kimi-k2.5", "gemini-3-pro"]).run()
    ends = table(at, 0)
    assert set(ends["name"]) == {"Kimi K2.5", "Gemini 3 Pro"}
    at.radio(key="scale").set_value("linear").run()
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["yaxis"]["type"] == "linear"
    # half the prompt read from cache: Kimi's window-end request gets cheaper (cache read 0.10 against input 0.60)
    before = row(at, "Kimi K2.5")["cost_at_end"]
    at.slider(key="cache").set_value(50).run()
    assert row(at, "Kimi K2.5")["cost_at_end"] < before
    assert "cache hit: 50%" in " ".join(footnotes(at))
    assert not at.exception


def test_context_tiers_crossovers_table():
    """Gemini 3 Pro becomes dearer than GPT-5.2 at 8,113 prompt tokens with 1,000 output tokens:
    Gemini − GPT = p × 0.25e-6 − 1,000 × 2e-6, zero at 8,000; more than 0.1% of Gemini's cost (the tie tolerance)
    from p = 8,113."""
    at = open_page("pages/context_tiers.py")
    crossings = table(at, 1)
    first = crossings.iloc[0]
    assert (first["prompt_tokens"], first["dearer_name"], first["cheaper_name"]) == (8_113, "Gemini 3 Pro", "GPT-5.2")
    assert {"cliff", "slope"} <= set(crossings["kind"])


# -- Cost vs HLE ------------------------------------------------------------------------------------------------------

def scores(at):
    return table(at, 2).set_index("name")


def test_cost_vs_hle_condition_reporters_pick_and_ratio():
    at = open_page("pages/cost_vs_hle.py")
    assert scores(at).loc["Qwen3-Max-Thinking", "score"] == pytest.approx(49.8)   # the Qwen team's own, by default
    at.multiselect(key="reporters").set_value(["seed-report"]).run()
    at.selectbox(key="subset").set_value("any").run()
    assert "Qwen3-Max-Thinking" not in scores(at).index  # the seed's 58.3 is disputed: left out by default
    at.toggle(key="disputed").set_value(True).run()
    assert scores(at).loc["Qwen3-Max-Thinking", "score"] == pytest.approx(58.3)   # the seed report's, marked
    assert scores(at).loc["Qwen3-Max-Thinking", "disputed"] == "disputed"
    at.multiselect(key="reporters").set_value(["vendor"]).run()
    at.radio(key="condition").set_value("no-tools").run()
    assert scores(at).loc["Qwen3-Max-Thinking", "score"] == pytest.approx(30.2)
    assert set(scores(at)["condition"]) == {"no-tools"}
    at.selectbox(key="ratio").set_value("1:1").run()
    assert scores(at).loc["Kimi K2.5", "blended_per_mtok"] == pytest.approx(1.80)
    assert titles(at)[0] == "Cost vs HLE: blended price (1:1) against HLE score"
    assert not at.exception


def test_cost_vs_hle_subset():
    """Kimi K2.5's model card: 50.2 with tools on full HLE, 51.8 on its text-only subset."""
    at = open_page("pages/cost_vs_hle.py")
    at.selectbox(key="subset").set_value("full").run()
    assert scores(at).loc["Kimi K2.5", "score"] == pytest.approx(50.2)
    at.selectbox(key="subset").set_value("text-only").run()
    assert scores(at).loc["Kimi K2.5", "score"] == pytest.approx(51.8)
    assert set(scores(at)["subset"]) == {"text-only"}


def test_cost_vs_hle_pick_latest_takes_the_newest_report():
    """Gemini 3 Pro's best is 45.8 (with tools); its newest report by 2026-01-29 is the press's 38.3 without tools
    (published that day)."""
    at = open_page("pages/cost_vs_hle.py", query={"on": "2026-01-29", "condition": "best", "subset": "any"})
    at.multiselect(key="reporters").set_value(["vendor", "third-party", "press", "seed-report"]).run()
    assert scores(at).loc["Gemini 3 Pro", "score"] == pytest.approx(45.8)
    at.radio(key="pick").set_value("latest").run()
    assert scores(at).loc["Gemini 3 Pro", "score"] == pytest.approx(38.3)
    assert scores(at).loc["Gemini 3 Pro", "reporter_kind"] == "press"


def test_cost_vs_hle_lists_models_without_a_score_and_the_frontier():
    at = open_page("pages/cost_vs_hle.py")
    missing = table(at, 0)
    assert "no score reported" in set(missing["status"])
    frontier = table(at, 1)
    # with tools, the labs' own figures published by 2026-01-28: Gemini 3 Flash 43.5 at (3 × 0.5 + 3) / 4 = 1.125,
    # Kimi K2.5 50.2 (full set) at 1.20
    assert frontier["name"].tolist() == ["Gemini 3 Flash (preview)", "Kimi K2.5"]
    assert len(at.get("plotly_chart")) == 2 and titles(at)[1] == "HLE without tools vs with tools"


# -- shared links -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("page", "query", "check"),
    [
        ("pages/blended.py", {"blend": "1:1"}, lambda at: row(at, "Kimi K2.5")["blended_per_mtok"] == 1.8),
        ("pages/blended.py", {"blend": "custom", "custom_ratio": "5:1", "cache": "50"},
         lambda at: titles(at) == ["Blended price per 1M tokens at 5:1, 50% cache hits, 1K-token prompt"]),
        ("pages/context_tiers.py", {"output": "4000", "scale": "linear"},
         lambda at: "4,000 output tokens" in titles(at)[0]),
        ("pages/cost_vs_hle.py", {"condition": "no-tools", "reporters": "vendor", "subset": "any"},
         lambda at: scores(at).loc["Qwen3-Max-Thinking", "score"] == 30.2),
        ("pages/prices.py", {"region": "cn-mainland", "currency": "CNY"},
         lambda at: row(at, "Qwen3-Max-Thinking")["input_per_mtok"] == pytest.approx(2.5)),
        ("pages/blended.py", {"on": "2026-01-01"}, lambda at: row(at, "Kimi K2.5")["status"]
         .startswith("not released until 2026-01-")),
    ],
    ids=["ratio", "custom-ratio", "context-tiers", "cost-vs-hle", "prices-region-currency", "as-of"],
)
def test_query_params_reproduce_a_view(page, query, check):
    at = open_page(page, query=query)
    assert not at.exception, at.exception
    assert check(at)


def test_a_bad_query_param_falls_back_to_the_default():
    at = open_page("pages/blended.py", query={"blend": "<script>", "cache": "999"})
    assert not at.exception
    assert titles(at) == ["Blended price per 1M tokens at 3:1, 0% cache hits, 1K-token prompt"]


def test_typed_text_is_escaped_before_it_reaches_markdown():
    """A ratio typed into the URL is echoed in a warning: it must stay text, not become an image or a link."""
    at = open_page("pages/blended.py", query={"blend": "custom", "custom_ratio": "![x](http://evil.example/a.png)"})
    assert not at.exception
    assert at.warning
    message = at.warning[0].value
    assert "![x](" not in message and "\\!\\[x\\]" in message
    assert "http://" not in message
