"""``python -m analytics compare``: the Calculator's table on the command line (one analytics function for both)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analytics.cli.main import main
from analytics.core.catalog import request_cost_table


def test_json_is_the_request_cost_table(capsys, registry):
    argv = ["compare", "--input", "50k", "--output", "2000", "--cached", "30k", "--on", "2026-01-28", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["request"] == {"input": 50_000, "output": 2_000, "cached": 30_000, "reasoning": 0,
                               "cache_write": 0, "cache_write_1h": 0}
    assert data["on"] == "2026-01-28" and data["currency"] == "USD"
    expected = request_cost_table(registry, 50_000, 2_000, 30_000, on=dt.date(2026, 1, 28))
    assert [r["model"] for r in data["results"]] == list(expected["model"])
    for record, cost in zip(data["results"], expected["cost"], strict=True):
        assert record["cost"] is None if cost != cost else record["cost"] == pytest.approx(cost)
    gpt = next(r for r in data["results"] if r["model"] == "gpt-5.2")
    assert gpt["cost"] == pytest.approx(0.06825)  # 20,000 × 1.75 + 30,000 × 0.175 + 2,000 × 14, per 1M


def test_table_marks_retired_models(capsys):
    argv = ["compare", "--input", "50k", "--output", "2k", "--on", "2026-12-01", "--model", "gpt-5.2",
            "--model", "kimi-k2.5"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    kimi = next(line for line in out.splitlines() if line.startswith("kimi-k2.5 "))
    assert "unknown" in kimi and "retired 2026-08-31 → Kimi K2.6" in kimi
    assert out.index("gpt-5.2 ") < out.index("kimi-k2.5 ")


@pytest.mark.parametrize(("argv", "message"), [
    (["--input", "1000", "--output", "10", "--cached", "2000"], "exceed the prompt (1,000)"),
    (["--input", "lots", "--output", "10"], "is not a token count"),
    (["--input", "1000", "--output", "10", "--model", "gpt5"], "did you mean"),
])
def test_errors_are_one_line(capsys, argv, message):
    try:
        code = main(["compare", *argv])
    except SystemExit as exc:  # argparse's own errors exit 2 with a usage line
        code = exc.code
    err = capsys.readouterr().err
    assert code != 0 and message in err and "Traceback" not in err
