"""The genai-prices importer: a whole provider becomes registry YAML that validates, layers on the bundled registry
(duplicates of bundled models skipped, with the reason), keeps dated history, and shows in the CLI and dashboard."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from analytics.cli.main import main
from analytics.core.registry import DATA_DIR, cached_registry, load_registry
from analytics.sources import genai_prices as ours

genai_prices = pytest.importorskip("genai_prices")


def run_import(capsys, out: Path, *providers: str) -> list[dict]:
    argv = ["import", "genai-prices", "--out", str(out), "--json"]
    for provider in providers:
        argv += ["--provider", provider]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_a_whole_provider_loads_on_the_bundled_registry(tmp_path, capsys):
    [summary] = run_import(capsys, tmp_path, "anthropic")
    assert summary["imported"] >= 10
    registry = load_registry([DATA_DIR, tmp_path])
    imported = [e for e in registry.models() if e.provider.id == "genai-prices-anthropic"]
    assert len(imported) == summary["imported"]
    assert len(registry.model_ids()) == len(cached_registry([DATA_DIR]).model_ids()) + summary["imported"]
    for entry in imported:
        assert "Imported from genai-prices 0.2.3" in entry.model.note
        for schedule in entry.model.prices:
            assert schedule.source.startswith("https://") and schedule.checked_on


def test_bundled_models_are_skipped_with_the_reason(tmp_path, capsys):
    [summary] = run_import(capsys, tmp_path, "anthropic")
    reasons = {s["model"]: s["reason"] for s in summary["skipped_models"]}
    assert reasons["claude-opus-4-5"] == "in the bundled registry as claude-opus-4.5"
    assert reasons["claude-sonnet-4-5"] == "in the bundled registry as claude-sonnet-4.5"
    text = (tmp_path / "providers" / "genai-prices-anthropic.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "#   claude-opus-4-5: in the bundled registry as claude-opus-4.5" in text
    registry = load_registry([DATA_DIR, tmp_path])
    assert registry.entry("claude-opus-4-5").file.endswith("data/providers/anthropic.yaml")


def test_cli_models_shows_the_imported_models(tmp_path, capsys):
    run_import(capsys, tmp_path, "x-ai")
    assert main(["--registry", str(tmp_path), "models", "--json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["grok-4"]["provider"] == "xAI"  # the bundled record, not an import
    assert rows["grok-3"]["provider"].startswith("X AI (imported")
    assert rows["grok-3"]["input_per_mtok"] == 3.0


def test_tiers_follow_their_cliff_starts(tmp_path, capsys):
    """xAI bills prompts of 200,000 tokens or more at the higher rate: genai-prices says start 199,999."""
    run_import(capsys, tmp_path, "x-ai")
    registry = load_registry([DATA_DIR, tmp_path])
    first, second = registry.schedule("grok-4.3", on=dt.date(2026, 11, 29)).tiers
    assert (first.up_to, first.input_mtok, first.output_mtok) == (199_999, 1.25, 2.5)
    assert (second.up_to, second.input_mtok, second.output_mtok) == (None, 2.5, 5.0)


def test_dated_prices_become_history(tmp_path, capsys):
    """genai-prices: xAI cut Grok 4.20 from 2 / 6 to 1.25 / 2.50 on 2026-04-30."""
    run_import(capsys, tmp_path, "x-ai")
    registry = load_registry([DATA_DIR, tmp_path])
    before = registry.schedule("grok-4.20", on=dt.date(2026, 4, 29))
    after = registry.schedule("grok-4.20", on=dt.date(2026, 4, 30))
    assert (before.effective_to, before.tiers[0].input_mtok, before.tiers[0].output_mtok) == (
        dt.date(2026, 4, 30), 2.0, 6.0)
    assert (after.effective_from, after.tiers[0].input_mtok, after.tiers[0].output_mtok) == (
        dt.date(2026, 4, 30), 1.25, 2.5)


def test_a_dated_web_search_fee_is_kept(tmp_path, capsys):
    run_import(capsys, tmp_path, "google")
    registry = load_registry([DATA_DIR, tmp_path])
    assert registry.tool_fee("gemini-3-pro-image-preview", "web_search", on=dt.date(2026, 1, 4)) is None
    assert registry.tool_fee("gemini-3-pro-image-preview", "web_search",
                             on=dt.date(2026, 1, 5)).per_thousand_calls == 14


def test_a_second_import_into_the_same_folder_does_not_clash(tmp_path, capsys):
    run_import(capsys, tmp_path, "openrouter")
    run_import(capsys, tmp_path, "together")
    registry = load_registry([DATA_DIR, tmp_path])
    assert len([e for e in registry.models() if e.provider.id.startswith("genai-prices-")]) > 300


def test_the_written_yaml_has_no_anchors_and_no_zero_prices(tmp_path, capsys):
    run_import(capsys, tmp_path, "openai")
    text = (tmp_path / "providers" / "genai-prices-openai.yaml").read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text
    document = yaml.safe_load(text)
    for model in document["models"]:
        for schedule in model["prices"]:
            for tier in schedule["tiers"]:
                assert all(v is None or v > 0 for k, v in tier.items() if k.endswith("_mtok"))


def test_unknown_provider_is_a_one_line_error(tmp_path, capsys):
    assert main(["import", "genai-prices", "--provider", "nope", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "genai-prices has no provider 'nope'" in err and "anthropic" in err


def test_slug():
    assert ours.slug("qwen/qwen3-max") == "qwen-qwen3-max"
    assert ours.slug("@cf/moonshotai/kimi-k2.5") == "cf-moonshotai-kimi-k2.5"
    assert ours.slug("Model_Name:free") == "model-name-free"


def test_dashboard_loads_an_imported_provider(tmp_path, capsys, monkeypatch):
    """The dashboard layers LLM_COSTS_REGISTRY on the bundled registry: the imported models are on the Prices page."""
    import streamlit as st

    from tests.app.conftest import open_page

    run_import(capsys, tmp_path, "x-ai")
    monkeypatch.setenv("LLM_COSTS_REGISTRY", str(tmp_path))
    st.cache_resource.clear()
    try:
        at = open_page("pages/prices.py")
        assert not at.exception, at.exception
        frame = at.dataframe[0].value
        names = set(getattr(frame, "data", frame)["name"])
        assert {"Grok 4", "Grok 3"} <= names
    finally:
        st.cache_resource.clear()


def test_an_import_agrees_with_genai_prices(tmp_path, capsys):
    """Round trip: what the importer writes, the drift check finds no new disagreement with (dated history,
    tiers, variants and web-search fees included)."""
    from analytics.sources.drift import check_drift

    run_import(capsys, tmp_path, "x-ai", "google", "openai")
    report = check_drift(load_registry([DATA_DIR, tmp_path]), [ours.load_database()], dt.date(2026, 11, 29))
    assert report.matches["genai-prices"]["grok-4.20"] == "x-ai/grok-4.20"
    assert len(report.matches["genai-prices"]) > 100
    assert not report.unexplained, report.unexplained[:3]
