"""``python -m analytics workload``: the exact JSON keys, one result per model, clear one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli.main import main

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = {
    "model", "cost_per_task", "prompt_tokens", "cached_tokens", "output_tokens", "exceeds_context_at_step",
    "wall_time_s", "serial_time_s", "speedup", "monthly_cost", "cost_per_successful_task", "unpriced_tool_calls",
    "lower_bound", "assumed_fee_tool_calls", "assumed_tool_fee", "breakdown",
}
BREAKDOWN_KEYS = {"input", "cached_input", "cache_write", "output", "tool_fees", "assumed_tool_fees"}
SEED_MODELS = ["kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5", "qwen3-max-thinking"]


def run_json(capsys, *argv: str) -> dict:
    assert main(["workload", *argv, "--json", "--on", "2026-02-01"]) == 0
    return json.loads(capsys.readouterr().out)


def test_mixed_result_with_exact_keys(capsys):
    data = run_json(capsys, "chat-turn")
    assert set(data) == {"workload", "results"}
    assert data["workload"] == "Chat turn"
    [result] = data["results"]
    assert set(result) == RESULT_KEYS and set(result["breakdown"]) == BREAKDOWN_KEYS
    assert result["model"] == "mixed"
    assert result["cost_per_task"] == pytest.approx(0.0119)  # 2,000 × 1.75 / 1M + 600 × 14 / 1M
    assert result["exceeds_context_at_step"] is None


def test_one_result_per_model_on_every_preset(capsys):
    for preset in ["agent-swarm", "chat-turn", "coding-agent", "long-document", "research-loop"]:
        argv = [preset]
        for model in SEED_MODELS:
            argv += ["--model", model]
        data = run_json(capsys, *argv)
        assert [r["model"] for r in data["results"]] == SEED_MODELS
        for result in data["results"]:
            assert result["cost_per_task"] > 0
            total = sum(result["breakdown"].values())
            assert total == pytest.approx(result["cost_per_task"])


def test_tasks_per_month_and_success_rate(capsys):
    data = run_json(capsys, "chat-turn", "--tasks-per-month", "10k", "--success-rate", "0.5")
    [result] = data["results"]
    assert result["monthly_cost"] == pytest.approx(10_000 * result["cost_per_task"])
    assert result["cost_per_successful_task"] == pytest.approx(2 * result["cost_per_task"])


def test_exceeding_context_is_null_cost(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    path.write_text(
        "name: big\nroles:\n  - name: reader\n    model: claude-opus-4.5\n    steps: 2\n"
        "    system_prompt_tokens: 1000\n    task_tokens: 150000\n    output_tokens_per_step: 1000\n"
        "    tool_result_tokens_per_step: 60000\n", encoding="utf-8")
    data = run_json(capsys, str(path), "--model", "claude-opus-4.5", "--model", "gemini-3-pro")
    claude, gemini = data["results"]
    assert claude["exceeds_context_at_step"] == 2 and claude["cost_per_task"] is None
    assert gemini["exceeds_context_at_step"] is None and gemini["cost_per_task"] > 0


def test_table_output(capsys):
    assert main(["workload", "research-loop", "--model", "qwen3-max-thinking", "--model", "kimi-k2.5"]) == 0
    out = capsys.readouterr().out
    assert "qwen3-max-thinking" in out and "changes price tier at step" in out
    assert "no known fee" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: x\nroles:\n  - {name: a, model: kimi-k2.5, parent: boss, steps: 1, system_prompt_tokens: 1, "
         "task_tokens: 1, output_tokens_per_step: 1}\n", "no role named 'boss'"),
        ("name: x\nroles:\n  - {name: a, model: kimi-k2.5, steps: 1, system_prompt_tokens: -1, "
         "task_tokens: 1, output_tokens_per_step: 1}\n", "system_prompt_tokens"),
        ("name: x\nroles:\n  - {name: a, model: kimi-k25x, steps: 1, system_prompt_tokens: 1, "
         "task_tokens: 1, output_tokens_per_step: 1}\n", "did you mean"),
        ("name: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a YAML mapping"),
    ],
)
def test_malformed_workload_is_one_line(tmp_path, capsys, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    assert main(["workload", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in captured.err


def test_unknown_model_flag_and_missing_file(capsys):
    assert main(["workload", "chat-turn", "--model", "gpt5"]) == 1
    assert "did you mean" in capsys.readouterr().err
    assert main(["workload", "nope"]) == 1
    assert "presets: agent-swarm" in capsys.readouterr().err


def test_subprocess_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "analytics", "workload", "missing.yaml", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_workload_schema_check(capsys, tmp_path):
    assert main(["workload-schema", "--check"]) == 0
    stale = tmp_path / "schema.json"
    stale.write_text("{}", encoding="utf-8")
    assert main(["workload-schema", "--check", "--out", str(stale)]) == 1


def test_assumed_tool_fee_adds_exactly_the_unpriced_calls(capsys):
    """Issue 17's check: agent-swarm on Kimi K2.5 (retired today, so on the seed day) makes 700 web searches with
    no known fee. Without --assume-tool-fee the JSON says the cost is a lower bound; with 10 per 1,000 calls it
    costs exactly 700 × $0.010 = $7.00 more and is no longer a lower bound."""
    argv = ["workload", "agent-swarm", "--model", "kimi-k2.5", "--json", "--on", "2026-01-28"]
    assert main(argv) == 0
    [plain] = json.loads(capsys.readouterr().out)["results"]
    assert main([*argv, "--assume-tool-fee", "10"]) == 0
    [assumed] = json.loads(capsys.readouterr().out)["results"]
    assert plain["lower_bound"] is True and plain["unpriced_tool_calls"] == 700
    assert assumed["lower_bound"] is False and assumed["assumed_fee_tool_calls"] == 700
    assert assumed["cost_per_task"] - plain["cost_per_task"] == pytest.approx(700 * 0.010, rel=1e-12)
    assert assumed["breakdown"]["assumed_tool_fees"] == pytest.approx(7.0)
    assert assumed["assumed_tool_fee"] == {"per_thousand_calls": 10.0, "currency": "USD"}


def test_table_marks_lower_bounds(capsys):
    assert main(["workload", "agent-swarm", "--model", "kimi-k2.5", "--model", "gpt-5.2", "--on", "2026-01-28"]) == 0
    out = capsys.readouterr().out
    kimi = next(line for line in out.splitlines() if line.startswith("kimi-k2.5 "))
    gpt = next(line for line in out.splitlines() if line.startswith("gpt-5.2 "))
    assert "≥ 6.4003" in kimi and "≥ 3,200.15" in kimi and "≥" not in gpt
    assert "the cost is a lower bound (assume a fee with --assume-tool-fee FEE)" in out
    assert main(["workload", "agent-swarm", "--model", "kimi-k2.5", "--on", "2026-01-28",
                 "--assume-tool-fee", "10"]) == 0
    out = capsys.readouterr().out
    assert "≥" not in out and "priced at the assumed 10 USD per 1,000 calls" in out


def test_assumed_tool_fee_must_be_a_number(capsys):
    with pytest.raises(SystemExit):
        main(["workload", "chat-turn", "--assume-tool-fee", "-1"])
    assert "must be zero or more" in capsys.readouterr().err
