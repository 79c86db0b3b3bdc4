"""``python -m analytics replay``: tables, JSON, column mapping, and one-line errors with a non-zero exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli.main import main
from analytics.core.presets import SEED_DATE
from analytics.replay.samples import sample_csv

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ("claude-opus-4.5", "deepseek-v3.2", "gemini-3-pro", "kimi-k2-thinking", "gpt-5.2", "grok-4")
"""The default models of a log from 2025-12-29 to 2026-01-28: each provider's newest flagship callable on every day
of it — Kimi K2 Thinking, not K2.5 (released 2026-01-27); no Qwen, its flagship of those days not being out yet."""


@pytest.fixture
def sample_file(tmp_path, registry):
    path = tmp_path / "usage.csv"
    path.write_bytes(sample_csv(400, end=SEED_DATE))  # recorded on the seed's five, up to its day
    return path


def test_replay_prints_the_summary_the_tiers_and_the_unpriced_requests(sample_file, capsys):
    assert main(["replay", str(sample_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("400 requests (2025-12-29 to 2026-01-27")
    for model in DEFAULT:  # each provider's newest flagship callable all through the log
        assert model in out
    assert "total_cost" in out and "not_fitting" in out and "tier" in out


def test_replay_json_lists_every_unpriced_request(sample_file, capsys):
    assert main(["replay", str(sample_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["requests"] == 400
    summary = {row["model"]: row for row in data["summary"]}
    assert set(summary) == set(DEFAULT)
    unpriced = sum(row["not_fitting"] + row["no_price"] for row in data["summary"])
    assert len(data["unpriced"]) == unpriced
    for row in data["summary"]:
        assert row["priced"] + row["not_fitting"] + row["no_price"] == 400


def test_model_selection_and_mapping(tmp_path, capsys):
    """One request of 10,000 prompt tokens and 1,000 output on Kimi K2.5 (0.60 / 3.00 per 1M):
    (10,000 × 0.60 + 1,000 × 3.00) / 1M = 9,000 / 1M = $0.009."""
    path = tmp_path / "renamed.csv"
    path.write_text("input,out,when\n10000,1000,2026-02-01T00:00:00Z\n")
    code = main(["replay", str(path), "--model", "kimi-k2.5", "--map", "prompt_tokens=input",
                 "--map", "output_tokens=out", "--map", "timestamp=when", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["model"] for row in data["summary"]] == ["kimi-k2.5"]
    assert data["summary"][0]["total_cost"] == pytest.approx(0.009)


def test_sample_option(capsys):
    assert main(["replay", "--sample", "300", "--model", "gpt-5.2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["requests"] == 300


@pytest.mark.parametrize(("args", "message"), [
    (["replay"], "give a usage log FILE, or --sample N"),
    (["replay", "missing.csv"], "missing.csv: file not found"),
    (["replay", "{bad}", "--model", "no-such-model"], "unknown model 'no-such-model'"),
    (["replay", "{bad}", "--map", "prompt_tokens"], "write CANONICAL=EXPRESSION"),
    (["replay", "{bad}"], "output_tokens: row 1 (line 2): 'lots' is not a number"),
])
def test_errors_are_one_clear_line_and_exit_1(tmp_path, capsys, args, message):
    bad = tmp_path / "bad.csv"
    bad.write_text("prompt_tokens,output_tokens\n10,lots\n")
    args = [str(bad) if a == "{bad}" else a for a in args]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_too_many_rows_for_the_bound(tmp_path, capsys):
    path = tmp_path / "long.csv"
    path.write_text("prompt_tokens,output_tokens\n" + "1,1\n" * 30)
    assert main(["replay", str(path), "--max-rows", "20"]) == 1
    assert "at most 20 requests" in capsys.readouterr().err


def test_runs_as_a_module(sample_file):
    # the log is of the seed's month: Gemini 3 Pro, with its 200K tier, was live all through it
    done = subprocess.run([sys.executable, "-m", "analytics", "replay", str(sample_file), "--model", "gemini-3-pro"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "gemini-3-pro" in done.stdout and "> 200,000" in done.stdout and "≤ 200,000" in done.stdout
    assert "no price in force" not in done.stdout


SAMPLES = ROOT / "tests" / "replay" / "samples"


def test_formats_lists_each_export_with_the_columns_it_reads(capsys):
    assert main(["replay", "--formats"]) == 0
    out = capsys.readouterr().out
    for name in ("openai", "anthropic", "openrouter", "litellm", "langfuse", "helicone"):
        assert f"\n{name}: " in f"\n{out}"
    assert "output_tokens = tokens_completion - tokens_reasoning" in out
    assert main(["replay", "--formats", "--json"]) == 0
    formats = {f["name"]: f for f in json.loads(capsys.readouterr().out)}
    assert "metadata" in formats["litellm"]["reads"] and formats["openai"]["aggregated"] is True


def test_an_export_replays_with_no_flags_and_says_what_as_recorded_covers(capsys):
    assert main(["replay", str(SAMPLES / "openrouter_activity.csv"), "--model", "gpt-5.2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{SAMPLES / 'openrouter_activity.csv'}: OpenRouter activity export (detected from its "
                          "header); 8 of 8 rows replayed")
    assert "As recorded: 1.15212 USD over 7 of 8 rows" in out
    assert "the export's own cost for those 7 rows: 1.15212 USD (+0.0% difference)" in out
    assert "mistralai/mistral-large-2512 (1 row)" in out
    assert main(["replay", str(SAMPLES / "openrouter_activity.csv"), "--model", "gpt-5.2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["log"]["format"] == "openrouter" and data["rows"] == 8
    assert data["as_recorded"]["rows"] == 7 and data["as_recorded"]["export_rows"] == 7
    assert data["summary"][0]["compared_rows"] == 7
    assert data["recorded_names"]["openai/gpt-5.2-20251211"] == "gpt-5.2"


def test_format_forces_a_layout_and_average_prompt_sets_the_request_count(capsys):
    path = str(SAMPLES / "anthropic_console_usage.csv")
    assert main(["replay", path, "--format", "anthropic", "--average-prompt", "100k", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "100,000" in data["approximation"] or "100,000" in data["log"]["approximation"]
    assert main(["replay", path, "--format", "litellm"]) == 1
    assert "is not a LiteLLM SpendLogs" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse: not one of the names, with the usage
        main(["replay", path, "--format", "nope"])
