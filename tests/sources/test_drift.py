"""The drift check against both databases (genai-prices and LiteLLM): the bundled registry passes on the pinned
versions; a changed price, cap, date or retirement in a copy of data/ is caught and named (model, field,
database); an explanation must carry its database and value and say why ours stands; a missing package is one
clear line."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import shutil
import sys
from pathlib import Path

import pytest

from analytics.cli.main import main
from analytics.core.registry import DATA_DIR, load_registry
from analytics.sources import drift, litellm
from analytics.sources import genai_prices as ours
from analytics.sources.databases import load_databases

genai_prices = pytest.importorskip("genai_prices")
pytestmark = pytest.mark.skipif(
    genai_prices.__version__ != ours.PINNED_VERSION
    or importlib.metadata.version("litellm") != litellm.PINNED_VERSION,
    reason=f"the registry's explanations are written against genai-prices {ours.PINNED_VERSION} and LiteLLM "
           f"{litellm.PINNED_VERSION}",
)
TODAY = dt.date(2026, 12, 1)
"""The day the registry's explanations were last checked (LiteLLM, which has no dates, is compared as of it)."""


@pytest.fixture(scope="module")
def databases():
    return load_databases("all")


def copy_registry(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("workloads"))
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_model(path: Path, model_id: str, old: str, new: str) -> None:
    """Replace the first ``old`` after the line ``  - id: model_id`` (that model's own figure)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {model_id}\n")
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")


def check(data: Path, databases, on: dt.date = TODAY) -> drift.DriftReport:
    return drift.check_drift(load_registry(data), databases, on, today=TODAY)


# -- the bundled registry -------------------------------------------------------------------------------------


def test_bundled_registry_has_no_unexplained_drift_against_both(capsys):
    code = main(["drift"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "genai-prices 0.2.3: " in out and "litellm 1.110.2: " in out
    assert out.count(" 0 unexplained") == 2


def test_drift_json_lists_both_databases_and_their_matches(capsys):
    assert main(["drift", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["databases"] == {"genai-prices": "0.2.3", "litellm": "1.110.2"}
    genai, lite = report["matches"]["genai-prices"], report["matches"]["litellm"]
    assert genai["grok-4"] == "x-ai/grok-4-0709"
    assert genai["qwen3-max-thinking"] == "openrouter/qwen/qwen3-max-thinking"  # a reseller: genai has no Alibaba
    # LiteLLM: the maker's own keys, with their prefixes
    assert lite["claude-opus-4.7"] == "claude-opus-4-7"
    assert lite["gpt-5.5"] == "gpt-5.5"
    assert lite["gemini-3.1-pro"] == "gemini/gemini-3.1-pro-preview"
    assert lite["qwen3-max"] == "dashscope/qwen3-max"
    assert lite["qwen3-max-thinking"] == "dashscope/qwen3-max-2026-01-23"
    assert lite["kimi-k3"] == "moonshot/kimi-k3"
    assert lite["deepseek-v4.1-flash"] == "deepseek-flash"
    assert lite["grok-4.7"] == "xai/grok-4.7"
    assert len(lite) >= 60
    assert report["unexplained"] == 0
    items = report["disagreements"]
    assert items and all(d["explained"] for d in items)
    fields = {(d["database"], d["field"]) for d in items}
    # every kind of figure is compared: prices, bounds, caps, retirement, regions, service tiers
    assert {("litellm", "tier_bounds"), ("litellm", "max_output_tokens"), ("litellm", "lifecycle.retired_on"),
            ("litellm", "region_uplift"), ("litellm", "prices"), ("litellm", "cache_write_1h_mtok"),
            ("genai-prices", "context_window"), ("genai-prices", "input_mtok")} <= fields


def test_against_one_database(capsys):
    assert main(["drift", "--against", "litellm", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["databases"]) == ["litellm"]
    assert {d["database"] for d in report["disagreements"]} == {"litellm"}


@pytest.mark.parametrize("day", ["2025-12-01", "2026-01-04", "2026-01-05", "2026-04-29", "2026-04-30",
                                 "2026-10-19", "2026-11-29"])
def test_history_dates_are_explained_too(databases, day):
    """On both sides of the Gemini 3 Pro web-search fee (2026-01-05), Sonnet 4.5's 1M beta (2026-04-30), the
    Qwen3.7-Plus change (2026-10-19); LiteLLM, which has no dates, is compared as of today."""
    report = drift.check_drift(load_registry(DATA_DIR), databases, dt.date.fromisoformat(day), today=TODAY)
    assert report.compared_on == {"genai-prices": dt.date.fromisoformat(day), "litellm": TODAY}
    assert not report.unexplained, [(d.database, d.model, d.field, d.service_tier) for d in report.unexplained]


def test_every_explanation_says_why_ours_stands():
    """No entry in the bundled registry only says that a figure is missing."""
    registry = load_registry(DATA_DIR)
    entries = [*(d for p in registry.providers for d in p.disagreements),
               *(d for e in registry.models() for d in e.model.disagreements)]
    assert len(entries) > 150
    suppressions = [d.reason for d in entries if drift.is_suppression(d.reason)]
    assert not suppressions
    assert all(len(d.reason) >= 40 for d in entries), [d.reason for d in entries if len(d.reason) < 40]


@pytest.mark.parametrize(("reason", "suppression"), [
    ("not in our notes", True),
    ("Not in our notes.", True),
    ("missing", True),
    ("No figure", True),
    ("the figure is missing", True),
    ("unknown", True),
    ("We have no source for it.", True),
    ("LiteLLM 1.110.2 copies the window into max_output_tokens; Moonshot gives no separate cap.", False),
    ("A reseller's listing (OpenRouter), an outlier against Alibaba's 1.20.", False),
])
def test_is_suppression(reason, suppression):
    assert drift.is_suppression(reason) is suppression


# -- a maintainer's working copy: `drift --data COPY` ----------------------------------------------------------


def test_a_changed_price_exits_1_naming_model_field_and_database(tmp_path, capsys):
    """Done-when of issue 12: one changed price in a copy of data/ fails the check against both databases."""
    data = copy_registry(tmp_path)
    edit_model(data / "providers" / "anthropic.yaml", "claude-opus-4.5", "input_mtok: 5.00", "input_mtok: 5.50")
    code = main(["drift", "--data", str(data)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "UNEXPLAINED" in out and f"in {data}" in out
    lines = [line for line in err.splitlines() if "unexplained:" in line]
    assert len(lines) == 2, err
    assert any("claude-opus-4.5 input_mtok (global/standard) in litellm: ours 5.5, theirs 5" in line
               for line in lines)
    assert any("claude-opus-4.5 input_mtok (global/standard) in genai-prices: ours 5.5, theirs 5" in line
               for line in lines)
    assert main(["drift"]) == 0  # the bundled registry is untouched
    capsys.readouterr()


def test_a_changed_price_json(tmp_path, capsys):
    data = copy_registry(tmp_path)
    edit_model(data / "providers" / "xai.yaml", "grok-4.7", "output_mtok: 6.00", "output_mtok: 6.50")
    assert main(["drift", "--data", str(data), "--against", "genai-prices", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [item] = [d for d in report["disagreements"] if not d["explained"]]
    assert (item["database"], item["model"], item["field"], item["ours"], item["theirs"]) == (
        "genai-prices", "grok-4.7", "output_mtok", 6.5, 6.0)
    assert "x-ai/grok-4.7" in item["their_source"] and "https://" in item["their_source"]


def test_a_changed_cap_is_caught_by_litellm(tmp_path, databases):
    data = copy_registry(tmp_path)
    path = data / "providers" / "anthropic.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: claude-opus-4.7")
    head, tail = text[:start], text[start:]
    path.write_text(head + tail.replace("max_output_tokens: 128000", "max_output_tokens: 64000", 1), encoding="utf-8")
    [item] = check(data, databases).unexplained
    assert (item.database, item.model, item.field, item.ours, item.theirs) == (
        "litellm", "claude-opus-4.7", "max_output_tokens", 64000, 128000)


def test_a_changed_retirement_date_is_caught_by_litellm(tmp_path, databases):
    data = copy_registry(tmp_path)
    edit(data / "providers" / "anthropic.yaml", "retired_on: 2026-11-30", "retired_on: 2026-12-15")
    [item] = check(data, databases).unexplained
    assert (item.database, item.model, item.field, item.ours, item.theirs) == (
        "litellm", "claude-sonnet-4.5", "lifecycle.retired_on", dt.date(2026, 12, 15), dt.date(2026, 11, 30))


def test_a_changed_tier_bound_is_caught(tmp_path, databases):
    """Gemini 3.1 Pro's 200K cliff moved to 210K: both databases name the bound and the rates in between."""
    data = copy_registry(tmp_path)
    path = data / "providers" / "google.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: gemini-3.1-pro")
    end = text.index("  - id: ", start + 10)
    path.write_text(text[:start] + text[start:end].replace("up_to: 200000", "up_to: 210000") + text[end:],
                    encoding="utf-8")
    unexplained = check(data, databases).unexplained
    bounds = {(d.database, d.service_tier) for d in unexplained if d.field == "tier_bounds"}
    assert ("litellm", "standard") in bounds and ("genai-prices", "standard") in bounds
    rates = {(d.database, d.field, d.prompt_tokens) for d in unexplained if d.field == "input_mtok"}
    assert ("litellm", "input_mtok", 200_001) in rates


def test_an_explanation_must_carry_their_value(tmp_path, databases):
    """DeepSeek's explanation names 0.2288; if genai-prices said anything else it would not explain it."""
    data = copy_registry(tmp_path)
    edit(data / "providers" / "deepseek.yaml", "value: 0.2288", "value: 0.2289")
    report = check(data, databases, dt.date(2026, 11, 29))
    assert [(d.database, d.model, d.field, d.theirs) for d in report.unexplained] == [
        ("genai-prices", "deepseek-v3.2", "input_mtok", 0.2288)]


def test_an_explanation_must_name_its_database(tmp_path, databases):
    """The same value from the other database is not explained by it: reasons are about one database."""
    data = copy_registry(tmp_path)
    edit(data / "providers" / "moonshot.yaml", "        database: litellm\n        value: 262144\n",
         "        database: genai-prices\n        value: 262144\n", count=2)
    unexplained = check(data, databases).unexplained
    assert sorted((d.database, d.model, d.field) for d in unexplained) == [
        ("litellm", "kimi-k2.5", "max_output_tokens"), ("litellm", "kimi-k2.6", "max_output_tokens")]


def test_a_suppression_explains_nothing(tmp_path, databases, capsys):
    data = copy_registry(tmp_path)
    path = data / "providers" / "xai.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("field: max_output_tokens", text.index("  - id: grok-4.6"))
    reason = text.index("reason: >-", start)
    end = text.index("\n", text.index("window.", reason))
    path.write_text(text[:reason] + "reason: not in our notes" + text[end:], encoding="utf-8")
    [item] = check(data, databases).unexplained
    assert (item.model, item.field, item.suppressed) == ("grok-4.6", "max_output_tokens", "not in our notes")
    assert main(["drift", "--data", str(data), "--against", "litellm"]) == 1
    assert "only says a figure is missing" in capsys.readouterr().err


def test_a_moved_date_is_caught(tmp_path, databases):
    """Gemini 3 Pro's web-search fee starts 2026-01-05 in both; start ours later and the gap shows."""
    data = copy_registry(tmp_path)
    path = data / "providers" / "google.yaml"
    edit_model(path, "gemini-3-pro", "effective_from: 2026-01-05", "effective_from: 2026-01-12")
    report = check(data, databases, dt.date(2026, 11, 29))
    [item] = report.unexplained
    assert (item.database, item.model, item.field, item.ours, item.theirs, item.on) == (
        "genai-prices", "gemini-3-pro", "tool_fees.web_search", None, 14.0, dt.date(2026, 1, 5))


def test_a_model_neither_database_knows(tmp_path, databases):
    data = copy_registry(tmp_path)
    edit(data / "providers" / "xai.yaml", "  - id: grok-4.7\n", "  - id: grok-nonexistent-9\n")
    edit(data / "providers" / "xai.yaml", "aliases: [grok-latest, xai/grok-4.7, x-ai/grok-4.7]", "aliases: []")
    unexplained = check(data, databases).unexplained
    assert sorted((d.database, d.model, d.field, d.theirs) for d in unexplained) == [
        ("genai-prices", "grok-nonexistent-9", "model", None), ("litellm", "grok-nonexistent-9", "model", None)]


def test_a_service_tier_only_they_list(tmp_path, databases):
    """Remove GPT-5's batch schedule: both databases list one, so both report it, with their first-tier rate."""
    data = copy_registry(tmp_path)
    path = data / "providers" / "openai.yaml"
    text = path.read_text(encoding="utf-8")
    model = text.index("  - id: gpt-5\n")
    start = text.index("      - region: global\n        service_tier: batch", model)
    end = text.index("      - region: global", start + 10)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    unexplained = check(data, databases).unexplained
    assert sorted((d.database, d.field, d.service_tier, d.theirs, d.match_value) for d in unexplained) == [
        ("genai-prices", "prices", "batch", "listed", 0.625), ("litellm", "prices", "batch", "listed", 0.625)]


def test_overrides_are_never_compared(tmp_path, capsys):
    """A layer's overrides.yaml (a company's own prices) is meant to differ: drift reads the list prices only."""
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "overrides.yaml").write_text("overrides:\n  - provider: anthropic\n    discount_pct: 20\n"
                                          "    contract: MSA-2026-01\n", encoding="utf-8")
    assert main(["--registry", str(layer), "drift"]) == 0, capsys.readouterr().err


# -- errors ---------------------------------------------------------------------------------------------------


def test_missing_genai_prices_is_a_clear_message(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "genai_prices", None)
    monkeypatch.setitem(sys.modules, "genai_prices.data", None)
    assert main(["drift"]) == 2
    err = capsys.readouterr().err
    assert "needs the genai-prices package" in err and "pip install" in err


def test_missing_litellm_is_a_clear_message(monkeypatch, capsys):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(litellm.importlib.metadata, "distribution", missing)
    assert main(["drift", "--against", "litellm"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs the litellm package" in err and "pip install 'litellm==1.110.2'" in err
    assert main(["drift", "--against", "genai-prices"]) == 0  # the other database still works
    capsys.readouterr()


def test_data_folder_that_does_not_exist(tmp_path, capsys):
    assert main(["drift", "--data", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err
