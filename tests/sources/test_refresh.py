"""refresh: registry YAML proposals (new models, price changes, retirements) from both databases — valid YAML, never
in data/, models left out on purpose reported with the registry's reason, history never edited."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import shutil
from pathlib import Path

import pytest

from analytics.cli.main import main
from analytics.core.registry import DATA_DIR, load_registry
from analytics.sources import genai_prices, litellm
from analytics.sources.databases import load_databases
from analytics.sources.records import TheirRecord
from analytics.sources.refresh import group_name, refresh, write_proposals

genai = pytest.importorskip("genai_prices")
pytestmark = pytest.mark.skipif(
    genai.__version__ != genai_prices.PINNED_VERSION
    or importlib.metadata.version("litellm") != litellm.PINNED_VERSION,
    reason="the registry's excluded lists are written against the pinned databases",
)
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def databases():
    return load_databases("all")


@pytest.fixture(scope="module")
def bundled_report(databases):
    return refresh(load_registry(DATA_DIR, overrides=False), databases, TODAY)


def copy_registry(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("workloads"))
    return target


def by_model(report, kind=None):
    return {p.model: p for p in report.proposals if kind is None or p.kind == kind}


def without_model(tmp_path: Path, provider: str, model_id: str) -> Path:
    """A copy of the bundled registry without one model's entry (so that refresh finds it missing)."""
    data = copy_registry(tmp_path)
    path = data / "providers" / f"{provider}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {model_id}\n")
    end = text.find("\n  - id: ", start + 1)
    path.write_text(text[:start] + (text[end + 1:] if end != -1 else ""), encoding="utf-8")
    return data


def test_the_bundled_registry_proposes_no_new_model(bundled_report):
    assert not by_model(bundled_report, "new model")
    assert not {p.kind for p in bundled_report.proposals} & {"price change", "retirement"}  # drift is clean


def test_the_registry_proposes_only_models_it_lacks(databases, tmp_path):
    data = without_model(tmp_path / "in", "xai", "grok-4.20")
    report = refresh(load_registry(data, overrides=False), databases, TODAY)
    new = by_model(report, "new model")
    assert set(new) == {"grok-4.20", "grok-4.20-reasoning-gv2"}  # the -gv2 name is known only as an alias of ours
    # nothing we have: by id, alias, dated snapshot, dashed version or another mode of it
    registry = load_registry(data)
    assert not set(new) & set(registry.entries)
    assert "grok-4.1-fast" not in new and "claude-opus-4.5" not in new
    grok = new["grok-4.20"]
    assert grok.records == {"genai-prices": "x-ai/grok-4.20", "litellm": "xai/grok-4.20"}
    assert set(grok.figures) == {"genai-prices", "litellm"} and grok.written
    written = write_proposals(report, tmp_path / "out")
    assert {p.name for p in written} == {"xai.yaml"}
    proposed = load_registry(tmp_path / "out")  # the output validates on its own
    assert set(proposed.entries) == set(new)
    model = proposed.model("grok-4.20")
    assert "genai-prices 0.2.3 x-ai/grok-4.20" in model.note and "litellm 1.110.2 xai/grok-4.20" in model.note
    # genai-prices' dated history is kept: the cut of 2026-04-30 is two schedules
    assert proposed.schedule("grok-4.20", on=dt.date(2026, 4, 29)).tiers[0].input_mtok == 2.0
    assert proposed.schedule("grok-4.20", on=TODAY).tiers[0].input_mtok == 1.25


def test_models_left_out_on_purpose_carry_the_registry_reason(bundled_report):
    excluded = by_model(bundled_report, "excluded")
    assert "before GPT-5" in excluded["gpt-4o"].why
    assert "same models as Claude Fable" in excluded["claude-mythos-5"].why
    vertex = {p.model: p for p in bundled_report.proposals if p.provider == "google" and p.kind == "excluded"}
    assert "Anthropic's own API" in vertex["claude-3.7-sonnet"].why  # Anthropic's model on Vertex AI
    assert excluded["gpt-5.5-cyber"].kind == "excluded"
    kinds = {p.model: p.kind for p in bundled_report.proposals}
    assert kinds["grok-build-latest"] == "moving alias"
    assert kinds["gpt-4o-mini-tts"] == "not a chat model"
    assert kinds["o3-deep-research"] in ("excluded", "retired")


def test_a_missing_exclusion_shows_the_models_as_new(tmp_path, databases):
    data = copy_registry(tmp_path)
    path = data / "providers" / "anthropic.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index('  - models: ["claude-mythos-*"]')
    end = text.index("models:\n  - id:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = refresh(load_registry(data, overrides=False), databases, TODAY)
    new = by_model(report, "new model")
    assert {"claude-mythos-5", "claude-mythos-5.1", "claude-mythos-5.2"} <= set(new)


def test_a_price_change_is_a_new_schedule(tmp_path, databases, capsys):
    """Ours says Grok 4.7 costs 2.50 where both databases say 2.00: the proposal starts a schedule today and ends
    ours the same day; the earlier schedule is not edited."""
    data = copy_registry(tmp_path)
    path = data / "providers" / "xai.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: grok-4.7")
    at = text.index("input_mtok: 2.00, output_mtok: 6.00", start)
    path.write_text(text[:at] + "input_mtok: 2.50, output_mtok: 6.00" + text[at + 35:], encoding="utf-8")
    out = tmp_path / "proposals"
    assert main(["refresh", "--data", str(data), "--out", str(out), "--on", TODAY.isoformat(), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    changes = [p for p in report["proposals"] if p["kind"] == "price change"]
    assert {(p["model"], tuple(p["records"])) for p in changes} == {("grok-4.7", ("genai-prices",)),
                                                                   ("grok-4.7", ("litellm",))}
    assert any("input_mtok (standard): ours 2.5, theirs 2.0" in d for p in changes for d in p["disagree"])
    proposed = load_registry(out)
    model = proposed.model("grok-4.7")
    assert model.note.startswith("PROPOSED by refresh on 2026-12-01: new standard price from 2026-12-01")
    old = proposed.schedule("grok-4.7", on=TODAY - dt.timedelta(days=1))
    new = proposed.schedule("grok-4.7", on=TODAY)
    assert (old.tiers[0].input_mtok, old.effective_to) == (2.5, TODAY)
    assert (new.tiers[0].input_mtok, new.effective_from) == (2.0, TODAY)


def test_a_retirement_proposal(tmp_path, databases):
    """LiteLLM gives Gemini 3.1 Flash-Lite a date; drop our explanation of why we do not record it and refresh
    proposes the lifecycle, ending the open schedules that day."""
    data = copy_registry(tmp_path)
    path = data / "providers" / "google.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("      - field: lifecycle.retired_on\n        database: litellm\n        value: 2027-05-07")
    end = text.index("Google announces one.\n", start) + len("Google announces one.\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = refresh(load_registry(data, overrides=False), databases, TODAY)
    [proposal] = [p for p in report.proposals if p.kind == "retirement"]
    assert (proposal.model, proposal.records) == ("gemini-3.1-flash-lite", {"litellm": "gemini/gemini-3.1-flash-lite"})
    out = tmp_path / "out"
    write_proposals(report, out)
    model = load_registry(out).model("gemini-3.1-flash-lite")
    assert model.lifecycle.retired_on == dt.date(2027, 5, 7)
    assert model.lifecycle.successor is None  # gemini-3.5-flash-lite is not in the file: moved into a comment
    assert "lifecycle.successor gemini-3.5-flash-lite" in (out / "providers" / "google.yaml").read_text()
    assert all(s.effective_to is not None and s.effective_to <= dt.date(2027, 5, 7) for s in model.prices)


def test_never_writes_into_data(bundled_report, capsys):
    with pytest.raises(ValueError, match="never writes into the bundled registry"):
        write_proposals(bundled_report, DATA_DIR)
    assert main(["refresh", "--out", str(DATA_DIR / "providers")]) == 2
    assert "never writes into the bundled registry" in capsys.readouterr().err


def test_the_summary_table(tmp_path, capsys):
    data = without_model(tmp_path / "in", "xai", "grok-4.20")
    out_dir = tmp_path / "out"
    assert main(["refresh", "--data", str(data), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["proposal", "provider", "model", "records"]
    assert any(line.startswith("new model") and "grok-4.20" in line for line in lines)
    assert any(line.startswith("left out on purpose") for line in lines)
    assert "2 new model(s), 0 price change(s), 0 retirement(s) proposed from genai-prices 0.2.3, litellm 1.110.2" in out
    assert f"python -m analytics validate {out_dir}" in out
    assert main(["validate", str(out_dir)]) == 0


def test_the_summary_of_a_registry_with_nothing_to_propose(tmp_path, capsys):
    assert main(["refresh", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "0 new model(s), 0 price change(s), 0 retirement(s) proposed" in out
    assert "nothing to write" in out and not any(tmp_path.iterdir())


@pytest.mark.parametrize(("key", "name"), [
    ("xai/grok-4.20-0309-reasoning", "grok-4.20"),
    ("claude-opus-4-5-20251101", "claude-opus-4.5"),
    ("gemini/gemini-2.5-pro", "gemini-2.5-pro"),
    ("gpt-5.5-2026-04-23", "gpt-5.5"),
    ("dashscope/qwen3-max-2026-01-23", "qwen3-max"),
    ("x-ai/grok-4-1-fast-non-reasoning", "grok-4.1-fast"),
])
def test_group_names(key, name):
    assert group_name(TheirRecord("litellm", "1", key, None, True)) == name
