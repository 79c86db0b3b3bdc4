"""The drift check against genai-prices: the bundled registry passes on the pinned version; a changed price, a
changed date or a wrong explanation is caught; a missing package gives a clear message."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.cli import common as cli
from analytics.cli.main import main
from analytics.core.registry import DATA_DIR, load_registry
from analytics.sources import drift
from analytics.sources import genai_prices as ours

genai_prices = pytest.importorskip("genai_prices")
pytestmark = pytest.mark.skipif(
    genai_prices.__version__ != ours.PINNED_VERSION,
    reason=f"the registry's explanations are written against genai-prices {ours.PINNED_VERSION}",
)
CHECK_DAY = dt.date(2026, 11, 29)


def copy_registry(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("workloads"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_bundled_registry_has_no_unexplained_drift(capsys):
    code = main(["drift"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "0 unexplained" in out


def test_drift_json_lists_every_model_and_explains_each_disagreement(capsys):
    code = main(["drift", "--json", "--on", CHECK_DAY.isoformat()])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["genai_prices_version"] == "0.2.3"
    assert len(report["matches"]) >= 20
    assert report["matches"]["grok-4"] == "x-ai/grok-4-0709"
    assert report["matches"]["qwen3-max-thinking"] == "openrouter/qwen/qwen3-max-thinking"
    assert report["unexplained"] == 0
    assert report["disagreements"] and all(d["explained"] for d in report["disagreements"])
    deepseek = {(d["field"], d["theirs"]) for d in report["disagreements"] if d["model"] == "deepseek-v3.2"}
    assert ("input_mtok", 0.2288) in deepseek


@pytest.mark.parametrize("day", ["2025-12-01", "2026-01-04", "2026-01-05", "2026-04-29", "2026-04-30"])
def test_history_dates_are_explained_too(capsys, day):
    """On both sides of the Gemini 3 Pro web-search fee (2026-01-05) and Sonnet 4.5's 1M beta (2026-04-30)."""
    assert main(["drift", "--on", day]) == 0, capsys.readouterr().err


def test_a_changed_price_is_caught(tmp_path, monkeypatch, capsys):
    data = copy_registry(tmp_path)
    xai = data / "providers" / "xai.yaml"
    edit(xai, "input_mtok: 3.00, output_mtok: 15.00", "input_mtok: 3.50, output_mtok: 15.00")
    report = drift.check_drift(load_registry(data), CHECK_DAY)
    [item] = report.unexplained
    assert (item.model, item.field, item.ours, item.theirs) == ("grok-4", "input_mtok", 3.5, 3.0)
    assert "x-ai/grok-4-0709" in item.their_source

    monkeypatch.setattr(cli, "DATA_DIR", data)
    code = main(["drift"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "UNEXPLAINED" in out and "1 unexplained" in out
    assert "grok-4 input_mtok" in err and "value 3" in err


def test_an_explanation_must_carry_their_value(tmp_path):
    """DeepSeek's explanation names 0.2288; if genai-prices said anything else it would not explain it."""
    data = copy_registry(tmp_path)
    edit(data / "providers" / "deepseek.yaml", "value: 0.2288", "value: 0.2289")
    report = drift.check_drift(load_registry(data), CHECK_DAY)
    assert [(d.model, d.field, d.theirs) for d in report.unexplained] == [("deepseek-v3.2", "input_mtok", 0.2288)]


def test_a_moved_date_is_caught(tmp_path):
    """Gemini 3 Pro's web-search fee starts 2026-01-05 in both; start ours later and the gap shows."""
    data = copy_registry(tmp_path)
    edit(data / "providers" / "google.yaml", "effective_from: 2026-01-05", "effective_from: 2026-01-12")
    report = drift.check_drift(load_registry(data), CHECK_DAY)
    [item] = report.unexplained
    assert (item.model, item.field, item.ours, item.theirs, item.on) == (
        "gemini-3-pro", "tool_fees.web_search", None, 14.0, dt.date(2026, 1, 5))


def test_a_model_genai_prices_does_not_know(tmp_path):
    data = copy_registry(tmp_path)
    edit(data / "providers" / "xai.yaml", "  - id: grok-4\n", "  - id: grok-nonexistent-9\n")
    edit(data / "providers" / "xai.yaml", "aliases: [grok-4-0709, x-ai/grok-4]", "aliases: []")
    report = drift.check_drift(load_registry(data), CHECK_DAY)
    [item] = report.unexplained
    assert (item.model, item.field, item.theirs) == ("grok-nonexistent-9", "model", None)


def test_their_tiers_are_cliffs_above_the_start():
    """A genai-prices tier "starting" at 200,000 applies to prompts > 200,000, like our up_to: 200000."""
    from genai_prices.types import Tier, TieredPrices

    price = TieredPrices(base=Decimal("2"), tiers=[Tier(start=200_000, price=Decimal("4"))])
    assert ours.their_rate(price, 200_000) == 2.0
    assert ours.their_rate(price, 200_001) == 4.0
    assert ours.their_rate(Decimal("0.5"), 10**6) == 0.5
    assert ours.their_rate(None, 1) is None


def test_missing_package_is_a_clear_message(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "genai_prices", None)
    monkeypatch.setitem(sys.modules, "genai_prices.data", None)
    assert main(["drift"]) == 2
    err = capsys.readouterr().err
    assert "needs the genai-prices package" in err and "pip install" in err
