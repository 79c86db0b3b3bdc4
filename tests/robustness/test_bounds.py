"""Inputs that are valid, or nearly, but big: each is refused or handled within a bounded time."""

from __future__ import annotations

import time

import pytest
import yaml

from analytics.core.errors import AnalyticsError, RegistryError
from analytics.core.registry import bundled_registry
from analytics.core.safeyaml import MAX_YAML_BYTES, parse_yaml_text
from analytics.workloads.engine import Settings, run_workload
from analytics.workloads.model import parse_workload
from tests.robustness.conftest import deadline


def many_long_roles(roles: int, steps: int) -> str:
    return yaml.safe_dump({"name": "heavy", "roles": [
        {"name": f"r{i}", "model": "gpt-5.2", "steps": steps, "system_prompt_tokens": 100, "task_tokens": 100,
         "output_tokens_per_step": 100} for i in range(roles)]})


def test_a_small_file_of_many_long_loops_is_refused_or_priced_quickly():
    """Regression: 20 roles × 100,000 steps in 3 KB took ~45 s and ~400 MB to price (now bounded by the total
    steps a workload may ask for)."""
    text = many_long_roles(20, 100_000)
    assert len(text) < 4_000
    start = time.monotonic()
    with deadline(10):
        try:
            workload = parse_workload(text, "heavy.yaml")
            run_workload(workload, bundled_registry(), "gpt-5.2", Settings())
        except AnalyticsError:
            pass  # refusing it is fine too
    assert time.monotonic() - start < 10


def test_a_yaml_file_just_under_the_bound_is_read_or_refused_in_bounded_time():
    """2 MiB of plain YAML (the most the loader reads): about 450,000 values, over the 200,000-value bound, so it is
    refused — after one libyaml pass, seconds on an idle machine (60 s allows for a loaded one)."""
    row = "- {a: 1, b: two, c: [3, 4]}\n"
    text = row * ((MAX_YAML_BYTES - 100) // len(row))
    start = time.monotonic()
    with deadline(90), pytest.raises(RegistryError, match="more than 200,000 YAML values"):
        parse_yaml_text(text, "big.yaml")
    assert time.monotonic() - start < 60


def test_a_yaml_file_under_the_value_bound_parses():
    row = "- {a: 1, b: two}\n"
    data = parse_yaml_text(row * 20_000, "ok.yaml")
    assert len(data) == 20_000 and data[0] == {"a": 1, "b": "two"}


def test_a_largest_alias_document_under_the_node_bound_still_parses():
    """Aliases are fine as long as the expanded document stays under the node bound (the check is not a ban)."""
    text = "base: &b {input_mtok: 1, output_mtok: 2}\n" + "".join(f"t{i}: *b\n" for i in range(1000))
    with deadline(10):
        data = parse_yaml_text(text, "aliases.yaml")
    assert data["t999"] == {"input_mtok": 1, "output_mtok": 2}
