"""The Calculator page, headless: the link sets the request, the table equals ``python -m analytics compare`` for
the same request (one analytics function behind both), sorting is in the link, bad input is one clear error."""

from __future__ import annotations

import json
import math

import pytest

from analytics.cli.main import main
from tests.app.conftest import open_page

PAGE = "pages/calculator.py"
QUERY = {"on": "2026-01-28", "prompt": "80000", "cached": "20000", "output": "3000", "reasoning": "500",
         "cache_write": "10000", "cache_write_1h": "5000"}


def _table(at):
    frame = at.dataframe[0].value
    return frame.data if hasattr(frame, "data") else frame


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE, query=QUERY)
    assert not at.exception, at.exception
    return at


def test_page_and_cli_agree(page, capsys):
    assert main(["compare", "--input", "80000", "--output", "3000", "--cached", "20000", "--reasoning", "500",
                 "--cache-write", "10000", "--cache-write-1h", "5000", "--on", "2026-01-28", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)["results"]
    shown = _table(page)
    assert list(shown["model"]) == [r["model"] for r in cli]
    for (_, row), record in zip(shown.iterrows(), cli, strict=True):
        if record["cost"] is None:
            assert math.isnan(row["cost"]) and row["status"] == record["status"] != "ok"
        else:
            assert row["cost"] == pytest.approx(record["cost"]) and row["status"] == "ok"
        assert row["tier_label"] == record["tier_label"]
    claude = shown.set_index("model").loc["claude-opus-4.5"]
    # 45,000 plain × 5 + 20,000 × 0.5 + 10,000 × 6.25 + 5,000 × 10 + 3,500 × 25, per 1M
    assert claude["cost"] == pytest.approx(0.225 + 0.01 + 0.0625 + 0.05 + 0.0875)


def test_retired_models_are_marked_today():
    at = open_page(PAGE, query={"on": "2026-12-01"})
    assert not at.exception
    kimi = _table(at).set_index("model").loc["kimi-k2.5"]
    assert math.isnan(kimi["cost"]) and kimi["status"].startswith("retired 2026-08-31")
    assert any("can take this request" in m.value for m in at.markdown)


def test_sorting_is_in_the_link_and_unknown_stays_last():
    at = open_page(PAGE, query={"on": "2026-12-01", "sort": "name"})
    assert not at.exception
    table = _table(at)
    known = table[table["cost"].notna()]
    assert list(known["name"]) == sorted(known["name"])
    assert table["cost"].notna().iloc[: len(known)].all()


def test_cached_beyond_the_prompt_is_one_error():
    at = open_page(PAGE, query={"prompt": "1000", "cached": "5000"})
    assert not at.exception
    assert len(at.error) == 1 and "exceed the prompt" in at.error[0].value
