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
    "breakdown",
}
BREAKDOWN_KEYS = {"input", "cached_input", "cache_write", "output", "tool_fees"}
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
