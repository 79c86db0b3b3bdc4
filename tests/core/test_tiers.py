"""Cost of one request against prompt length: cliffs at b / b + 1, window ends, and exact crossovers.

A small registry written for these tests keeps the arithmetic checkable by hand:
- ``cliff``: 1.20 / 6.00 up to 32,768 prompt tokens, 2.40 / 12.00 up to 131,072, 3.00 / 15.00 up to 258,048 (the
  input cap); window 262,144. (Qwen3-Max-Thinking's shape.)
- ``flat``: 0.60 / 3.00, window 262,144 (prompt + output must fit).
- ``gem``: 2.00 / 12.00 up to 200,000, then 4.00 / 18.00; input cap 1,048,576, output cap 65,536.
- ``gpt``: 1.75 / 14.00; input cap 272,000 inside a 400,000 window; output cap 128,000.
- ``unpriced``: no price at all.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.core.errors import AnalyticsError
from analytics.core.pricing import price_requests
from analytics.core.registry import load_registry
from analytics.core.tiers import (
    TIE_TOLERANCE,
    cost_curves,
    crossovers,
    max_prompt,
    prompt_grid,
    window_ends,
)

PROVIDERS = {
    "cn.yaml": """
id: cn
name: CN Lab
country: CN
models:
  - id: cliff
    name: Cliff
    context_window: 262144
    max_input_tokens: 258048
    prices:
      - {source: seed-report, checked_on: 2026-01-28, tiers: [
          {up_to: 32768, input_mtok: 1.20, output_mtok: 6.00},
          {up_to: 131072, input_mtok: 2.40, output_mtok: 12.00},
          {up_to: 258048, input_mtok: 3.00, output_mtok: 15.00}]}
  - id: flat
    name: Flat
    context_window: 262144
    prices:
      - {source: seed-report, checked_on: 2026-01-28,
         tiers: [{input_mtok: 0.60, output_mtok: 3.00, cache_read_mtok: 0.10}]}
""",
    "us.yaml": """
id: us
name: US Lab
country: US
models:
  - id: gem
    name: Gem
    context_window: 1048576
    max_input_tokens: 1048576
    max_output_tokens: 65536
    prices:
      - {source: seed-report, checked_on: 2026-01-28, tiers: [
          {up_to: 200000, input_mtok: 2.00, output_mtok: 12.00},
          {input_mtok: 4.00, output_mtok: 18.00}]}
  - id: gpt
    name: GPT
    context_window: 400000
    max_input_tokens: 272000
    max_output_tokens: 128000
    prices:
      - {source: seed-report, checked_on: 2026-01-28, tiers: [{input_mtok: 1.75, output_mtok: 14.00}]}
  - id: unpriced
    name: Unpriced
    context_window: 128000
""",
}


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    root = tmp_path_factory.mktemp("registry")
    (root / "providers").mkdir()
    for name, text in PROVIDERS.items():
        (root / "providers" / name).write_text(text)
    return load_registry(root)


def cost_at(curves, model, prompt):
    row = curves[(curves["model"] == model) & (curves["prompt_tokens"] == prompt)]
    assert len(row) == 1, f"{model} has no grid point at {prompt}"
    return float(row["cost"].iloc[0])


@pytest.mark.parametrize(
    ("model", "prompt", "expected"),
    [
        # 1,000 output tokens throughout
        ("cliff", 1_000, 1_000 * 1.20e-6 + 1_000 * 6e-6),          # 0.0012 + 0.006 = 0.0072
        ("cliff", 32_768, 32_768 * 1.20e-6 + 1_000 * 6e-6),        # 0.0393216 + 0.006 = 0.0453216
        ("cliff", 32_769, 32_769 * 2.40e-6 + 1_000 * 12e-6),       # the cliff: 0.0786456 + 0.012 = 0.0906456
        ("cliff", 131_073, 131_073 * 3.00e-6 + 1_000 * 15e-6),     # 0.393219 + 0.015 = 0.408219
        ("cliff", 258_048, 258_048 * 3.00e-6 + 1_000 * 15e-6),     # window end: 0.774144 + 0.015 = 0.789144
        ("gem", 200_000, 200_000 * 2e-6 + 1_000 * 12e-6),          # 0.4 + 0.012 = 0.412
        ("gem", 200_001, 200_001 * 4e-6 + 1_000 * 18e-6),          # 0.800004 + 0.018 = 0.818004
        ("flat", 261_144, 261_144 * 0.6e-6 + 1_000 * 3e-6),        # 262,144 − 1,000 output: 0.1566864 + 0.003
    ],
)
def test_cost_at_and_around_each_bound(reg, model, prompt, expected):
    curves = cost_curves(reg, [model], output_tokens=1_000)
    assert cost_at(curves, model, prompt) == pytest.approx(expected, rel=1e-12)


def test_grid_holds_every_bound_and_the_next_token_from_1k_to_the_window_end(reg):
    curves = cost_curves(reg, ["cliff", "gem"], output_tokens=1_000)
    cliff = curves[curves["model"] == "cliff"]["prompt_tokens"].tolist()
    assert cliff[0] == 1_000 and cliff[-1] == 258_048
    for bound in (32_768, 131_072):
        assert bound in cliff and bound + 1 in cliff
    gem = curves[curves["model"] == "gem"]
    assert {200_000, 200_001, 1_048_576} <= set(gem["prompt_tokens"])
    assert gem.set_index("prompt_tokens").loc[200_001, "tier_index"] == 1


def test_prompt_grid_is_sorted_unique_and_inclusive():
    grid = prompt_grid([32_768, 500_000], 1_000, 40_000, points=10)
    assert grid[0] == 1_000 and grid[-1] == 40_000
    assert np.all(np.diff(grid) > 0)
    assert {32_768, 32_769} <= set(grid.tolist()) and 500_000 not in grid
    assert prompt_grid([], 5_000, 1_000).size == 0


@pytest.mark.parametrize(
    ("model", "output", "expected"),
    [
        ("cliff", 1_000, 258_048),    # separate input cap: the prompt may use all of it
        ("flat", 1_000, 261_144),     # no input cap: 262,144 − 1,000
        ("flat", 0, 262_144),
        ("gpt", 100_000, 272_000),    # 272K input cap; 100K output fits the 128K output cap
        ("gem", 70_000, 0),           # 70,000 > 65,536 output cap: nothing fits
    ],
)
def test_max_prompt(reg, model, output, expected):
    assert max_prompt(reg.model(model), output) == expected


def test_window_ends_list_every_model_with_why_some_are_not_drawn(reg):
    ends = window_ends(reg, output_tokens=70_000).set_index("model")
    assert ends.loc["unpriced", "status"] == "no price"
    assert ends.loc["gem", "status"] == "output over max_output_tokens"
    # flat: prompt 262,144 − 70,000 = 192,144 → 192,144 × 0.6e-6 + 70,000 × 3e-6 = 0.1152864 + 0.21
    assert ends.loc["flat", "max_prompt_tokens"] == 192_144
    assert ends.loc["flat", "cost_at_end"] == pytest.approx(0.3252864)
    assert ends.loc["cliff", "tier_bounds"] == "32,768, 131,072, 258,048"
    curves = cost_curves(reg, output_tokens=70_000)
    assert set(curves["model"]) == {"cliff", "flat", "gpt"}


def test_crossovers_table(reg):
    """1,000 output tokens.
    - gem vs gpt (slope): gem − gpt = p × (2 − 1.75)e-6 + 1,000 × (12 − 14)e-6 = 0.25e-6 p − 0.002, zero at
      p = 8,000; it passes the 0.1% tie tolerance of Gem's cost when 0.25e-6 p − 0.002 > 1e-3 × (2e-6 p + 0.012),
      i.e. 0.248e-6 p > 0.002012, p > 8,112.9: Gem becomes dearer than GPT at 8,113.
    - cliff vs gpt and vs gem (cliff): at 32,769 Cliff costs 0.0906456 against GPT 32,769 × 1.75e-6 + 0.014 =
      0.07134575 and Gem 32,769 × 2e-6 + 0.012 = 0.077538; at 32,768 it cost 0.0453216, less than both.
    - gem vs cliff (cliff): at 200,001 Gem costs 0.818004, Cliff 200,001 × 3e-6 + 0.015 = 0.615003.
    - flat is the cheapest everywhere: it never crosses.
    """
    table = crossovers(reg, ["cliff", "flat", "gem", "gpt"], output_tokens=1_000)
    rows = list(table[["prompt_tokens", "dearer", "cheaper", "kind"]].itertuples(index=False, name=None))
    assert rows == [
        (8_113, "gem", "gpt", "slope"),
        (32_769, "cliff", "gem", "cliff"),
        (32_769, "cliff", "gpt", "cliff"),
        (200_001, "gem", "cliff", "cliff"),
    ]
    first = table.iloc[0]
    assert first["dearer_cost"] == pytest.approx(8_113 * 2e-6 + 0.012)  # 0.028226
    assert first["cheaper_cost"] == pytest.approx(8_113 * 1.75e-6 + 0.014)  # 0.02819775


def test_curves_that_touch_are_not_a_crossover_at_the_touching_token(reg):
    """Regression (issue 17): the table listed "Gem becomes dearer from 8,001: $0.028002 vs $0.028002" — at 8,001
    Gem costs 8,001 × 2e-6 + 0.012 = 0.028002 and GPT 8,001 × 1.75e-6 + 0.014 = 0.02800175, equal to six decimals.
    Within ``TIE_TOLERANCE`` (0.1%) two costs are a tie: the crossover is where the gap is real, and both costs
    shown differ at six decimals."""
    table = crossovers(reg, ["gem", "gpt"], output_tokens=1_000)
    assert list(table["prompt_tokens"]) == [8_113]
    row = table.iloc[0]
    assert round(row["dearer_cost"], 6) != round(row["cheaper_cost"], 6)
    assert row["dearer_cost"] - row["cheaper_cost"] > TIE_TOLERANCE * row["dearer_cost"]


def test_curves_within_the_tolerance_everywhere_never_cross(reg):
    """Gem against itself is the limit case: no difference anywhere, no crossover (and none from float noise)."""
    assert crossovers(reg, ["gem", "gem"], output_tokens=1_000).empty


def test_bundled_registry_has_the_gemini_qwen_and_gpt_crossovers(registry):
    table = crossovers(registry, ["qwen3-max-thinking", "gemini-3-pro", "gpt-5.2"], output_tokens=1_000,
                       on=dt.date(2026, 1, 28))  # the seed's day: Gemini 3 Pro has been retired since
    found = {(r.prompt_tokens, r.dearer, r.cheaper) for r in table.itertuples()}
    assert {(8_113, "gemini-3-pro", "gpt-5.2"), (32_769, "qwen3-max-thinking", "gpt-5.2"),
            (200_001, "gemini-3-pro", "qwen3-max-thinking")} <= found


@pytest.mark.parametrize("kwargs", [{"output_tokens": -1}, {"cache_hit": 1.5}, {"start": 0}])
def test_bad_inputs_are_refused(reg, kwargs):
    with pytest.raises(AnalyticsError):
        cost_curves(reg, **kwargs)


@settings(max_examples=30, deadline=None)
@given(output=st.integers(0, 60_000), cache_pct=st.integers(0, 100))
def test_cost_never_falls_as_the_prompt_grows_within_a_tier(reg, output, cache_pct):
    curves = cost_curves(reg, output_tokens=output, cache_hit=cache_pct / 100, points=60)
    for _, steps in curves.groupby(["model", "tier_index"]):
        costs = steps.sort_values("prompt_tokens")["cost"].to_numpy()
        assert np.all(np.diff(costs) >= -1e-15)


@settings(max_examples=25, deadline=None)
@given(output=st.integers(0, 60_000), cache_pct=st.integers(0, 100))
def test_each_crossover_is_exact_to_the_token(reg, output, cache_pct):
    """At the crossover the dearer model costs more by more than the tie tolerance; one token before, it did not."""
    cache_hit = cache_pct / 100
    table = crossovers(reg, output_tokens=output, cache_hit=cache_hit)
    for row in table.itertuples():
        prompts = np.array([row.prompt_tokens - 1, row.prompt_tokens], dtype=float)

        def cost(model, prompts=prompts):
            return price_requests(reg, model, prompts, output, cached_tokens=cache_hit * prompts).total

        dearer, cheaper = cost(row.dearer), cost(row.cheaper)
        assert dearer[1] - cheaper[1] > TIE_TOLERANCE * dearer[1]
        assert dearer[0] - cheaper[0] <= TIE_TOLERANCE * max(dearer[0], cheaper[0]) * (1 + 1e-9)
