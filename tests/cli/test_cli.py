"""The command line: JSON shapes, tables, and errors as one line with a non-zero exit (never a traceback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli.main import main
from analytics.core.registry import DATA_DIR

pytestmark = pytest.mark.usefixtures("seed_day")
"""These tests check the seed report's figures: they run on its day (its models have been retired since)."""


ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_models_json_has_the_five_seed_models(capsys):
    models = {m["id"]: m for m in run_json(capsys, "models", "--on", "2026-01-28")}
    for model_id in ("qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5"):
        assert model_id in models
    for key in ("id", "name", "provider", "country", "context_window", "input_per_mtok", "output_per_mtok",
                "cache_read_per_mtok"):
        assert key in models["kimi-k2.5"]
    assert models["kimi-k2.5"]["input_per_mtok"] == pytest.approx(0.6)
    assert models["qwen3-max-thinking"]["cache_read_per_mtok"] is None  # unknown, not 0


def test_models_table_says_unknown(capsys):
    code, out, _ = run(capsys, "models", "--on", "2026-01-28")
    assert code == 0
    assert "qwen3-max-thinking" in out and "unknown" in out


def test_tables_are_drawn_by_rich_on_a_terminal_and_plain_when_piped(capsys, monkeypatch):
    _, piped, _ = run(capsys, "models", "--on", "2026-11-29")
    assert piped.splitlines()[1].startswith("----") and "\x1b[" not in piped  # format_table's plain text
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal: rich folds cells to fit a narrow one
    _, drawn, _ = run(capsys, "models", "--on", "2026-11-29")
    assert "─" in drawn and "----" not in drawn  # rich's rule under the header
    assert "qwen3-max-thinking" in drawn and "unknown" in drawn


def test_price_gemini_above_200k(capsys):
    """The issue's acceptance example: 250,000 prompt tokens → the > 200K tier: 250,000 × 4 / 1e6 + 2,000 × 18 / 1e6
    = 1.0 + 0.036 = 1.036."""
    data = run_json(capsys, "price", "gemini-3-pro", "--input", "250000", "--output", "2000", "--on", "2026-01-28")
    assert data["model"] == "gemini-3-pro"
    assert data["currency"] == "USD"
    assert data["tier"] is None
    assert data["cost"] == pytest.approx(1.036)
    assert data["breakdown"]["input"] == pytest.approx(1.0)
    assert data["breakdown"]["output"] == pytest.approx(0.036)
    for key in ("cached_input", "reasoning"):
        assert key in data["breakdown"]


def test_price_accepts_k_suffix_and_cached(capsys):
    data = run_json(capsys, "price", "kimi-k2.5", "--input", "100k", "--cached", "80k", "--output", "2k",
                    "--on", "2026-01-28")
    assert data["cost"] == pytest.approx(0.026)


@pytest.mark.parametrize(("flag", "expected"), [("--cache-write-1h", 1.0), ("--cache-write", 0.625)])
def test_price_bills_1h_and_5m_cache_writes(capsys, flag, expected):
    """The whole 100,000-token prompt written to Claude Opus 4.5's cache: at the 1-hour rate (10 per 1M) 1.00,
    at the 5-minute rate (6.25 per 1M) 0.625."""
    data = run_json(capsys, "price", "claude-opus-4.5", "--input", "100000", "--output", "0", flag, "100000")
    assert data["cost"] == pytest.approx(expected)
    code, out, _ = run(capsys, "price", "claude-opus-4.5", "--input", "100000", "--output", "0", flag, "100000")
    assert code == 0 and out.startswith(f"claude-opus-4.5: {expected:g} USD")


def test_blended_json(capsys):
    rows = run_json(capsys, "blended", "--ratio", "1:1", "--on", "2026-01-28")
    by_model = {r["model"]: r for r in rows}
    assert by_model["kimi-k2.5"]["blended_per_mtok"] == pytest.approx(1.8)
    values = [r["blended_per_mtok"] for r in rows if r["blended_per_mtok"] is not None]
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["price", "gemini-3-pr", "--input", "10", "--output", "1"], "did you mean gemini-3-pro"),
        (["price", "claude-opus-4.5", "--input", "300000", "--output", "1"], "context window"),
        (["price", "gpt-5.2", "--input", "1000", "--output", "1", "--region", "mars"], "no price for region"),
        (["blended", "--ratio", "three"], "ratio"),
        (["price", "kimi-k2.5", "--input", "10", "--output", "1", "--currency", "EUR"], "no FX rate"),
    ],
)
def test_errors_are_one_line_without_traceback(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert fragment in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("argv", [["price", "kimi-k2.5", "--input", "ten", "--output", "1"],
                                  ["price", "kimi-k2.5", "--input", "1", "--output", "1", "--on", "2026-13-01"],
                                  ["blended", "--cache-hit", "1.5"]])
def test_malformed_arguments_exit_2_with_usage(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_validate_bundled_registry(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0 and out.startswith("valid:")


def test_validate_names_file_model_and_field_of_a_broken_copy(tmp_path, capsys):
    """The issue's acceptance example: a broken copy of a provider file."""
    copy = tmp_path / "registry"
    shutil.copytree(DATA_DIR, copy, ignore=shutil.ignore_patterns("workloads"))
    google = copy / "providers" / "google.yaml"
    google.write_text(google.read_text().replace("output_mtok: 12", "output_mtok: -12", 1))
    code, _, err = run(capsys, "validate", str(copy))
    assert code == 1
    assert "google.yaml" in err and "gemini-3-pro" in err and "output_mtok" in err
    assert "null" in err  # says what to do


def test_schema_check_passes_on_the_committed_schema(capsys):
    code, out, _ = run(capsys, "schema", "--check")
    assert code == 0, out


def test_module_entry_point_runs_as_a_process():
    proc = subprocess.run([sys.executable, "-m", "analytics", "price", "nope", "--input", "1", "--output", "1"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: unknown model 'nope'")
    assert "Traceback" not in proc.stderr
