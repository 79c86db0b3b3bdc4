"""The command line with a company's own prices (``--registry DIR`` holding ``overrides.yaml``) and with layers
that hold nothing (one line, exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import export
from analytics.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DISCOUNT = "overrides: [{provider: anthropic, discount_pct: 20}]\n"


@pytest.fixture
def your_prices(tmp_path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "overrides.yaml").write_text(DISCOUNT, encoding="utf-8")
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_price_with_a_discount_done_when(capsys, your_prices):
    """Issue 12: 100,000 input tokens of Claude Opus 4.5 cost $0.50 at list (× $5.00 / 1M) and $0.40 with a 20 %
    discount (× $4.00 / 1M); the output says the overlay applied."""
    argv = ["price", "claude-opus-4.5", "--input", "100000", "--output", "0", "--on", "2026-01-28"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out.startswith("claude-opus-4.5: 0.5 USD") and "your prices" not in out
    code, out, _ = run(capsys, "--registry", str(your_prices), *argv)
    assert code == 0
    first, second = out.splitlines()[:2]
    assert first.startswith("claude-opus-4.5: 0.4 USD")
    assert second.strip() == f"your prices: 20% off the list price (provider anthropic) — overlay " \
                             f"{your_prices / 'overrides.yaml'}"
    code, out, _ = run(capsys, "--registry", str(your_prices), *argv, "--json")
    data = json.loads(out)
    assert data["cost"] == pytest.approx(0.4)
    assert data["your_prices"] == "20% off the list price (provider anthropic)"


def test_models_and_blended_say_which_prices_are_yours(capsys, your_prices):
    code, out, _ = run(capsys, "--registry", str(your_prices), "models", "--on", "2026-12-01")
    assert code == 0
    assert out.splitlines()[-1].startswith("* your prices: 20% off the list price (provider anthropic)")
    assert "your_prices" in out.splitlines()[0]
    code, out, _ = run(capsys, "--registry", str(your_prices), "blended", "--model", "claude-opus-4.7",
                       "--model", "gpt-5.5", "--json")
    rows = {r["model"]: r for r in json.loads(out)}
    assert rows["claude-opus-4.7"]["your_prices"].startswith("20% off")
    assert rows["claude-opus-4.7"]["input_per_mtok"] == pytest.approx(4.0)
    assert rows["gpt-5.5"]["your_prices"] is None and rows["gpt-5.5"]["input_per_mtok"] == 5.0


def test_the_cost_vs_hle_export_says_so(capsys, your_prices, tmp_path):
    """The chart's footnote (HTML, SVG, PNG) and its CSV say "Your prices"."""
    html = tmp_path / "chart.html"
    assert run(capsys, "--registry", str(your_prices), "export", "cost-vs-hle", "--format", "html",
               "--out", str(html))[0] == 0
    assert "Your prices" in html.read_text(encoding="utf-8")
    csv = tmp_path / "chart.csv"
    assert run(capsys, "--registry", str(your_prices), "export", "cost-vs-hle", "--format", "csv",
               "--out", str(csv), "--on", "2026-01-28", "--reporters", "any")[0] == 0
    text = csv.read_text(encoding="utf-8")
    assert "your_prices" in text.splitlines()[0] and "20% off the list price (provider anthropic)" in text
    if export.static_export_problem():
        pytest.skip(export.static_export_problem())
    svg = tmp_path / "chart.svg"
    png = tmp_path / "chart.png"
    for path in (svg, png):
        assert run(capsys, "--registry", str(your_prices), "export", "cost-vs-hle", "--out", str(path))[0] == 0
    assert "Your prices" in svg.read_text(encoding="utf-8")
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("make", ["empty", "missing", "file", "empty-providers"])
def test_a_layer_with_nothing_to_load_exits_2_with_one_line(capsys, tmp_path, make):
    target = tmp_path / "layer"
    if make == "empty":
        target.mkdir()
    elif make == "file":
        target.write_text("x", encoding="utf-8")
    elif make == "empty-providers":
        (target / "providers").mkdir(parents=True)
    code, out, err = run(capsys, "--registry", str(target), "models")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and str(target) in err


def test_bad_overrides_exit_1_naming_the_file(capsys, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "overrides.yaml").write_text("overrides: [{provider: anthropc, discount_pct: 20}]\n", encoding="utf-8")
    code, _, err = run(capsys, "--registry", str(folder), "price", "claude-opus-4.5", "--input", "1", "--output", "1")
    assert code == 1
    assert "overrides.yaml: model anthropc: overrides[0].provider: unknown provider 'anthropc'" in err


def test_the_empty_folder_in_a_fresh_process(tmp_path):
    """The done-when as a user runs it: no traceback, one line, exit 2."""
    done = subprocess.run([sys.executable, "-m", "analytics", "--registry", str(tmp_path), "models"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
