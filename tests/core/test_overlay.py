"""Overlays: a company's own prices (``overrides.yaml`` in a registry layer) over the list prices, and layers that
hold nothing, which are errors and never silently skipped."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

from analytics.core.catalog import blended_table, price_table
from analytics.core.errors import LayerError, RegistryError
from analytics.core.pricing import price_request
from analytics.core.registry import (
    DATA_DIR,
    bundled_registry,
    cached_registry,
    load_registry,
    overrides_from_bytes,
)

SEED_DAY = dt.date(2026, 1, 28)
CONTRACT_SCHEDULE = """
overrides:
  - model: gpt-5.5
    contract: "MSA-2026-014 §3"
    prices:
      - region: global
        service_tier: standard
        currency: USD
        effective_from: 2026-06-01
        source: "MSA-2026-014 §3"
        checked_on: 2026-11-20
        tiers:
          - {up_to: null, input_mtok: 3.00, output_mtok: 20.00, cache_read_mtok: 0.30}
"""


def layer(tmp_path: Path, text: str, name: str = "layer") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "overrides.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bundled():
    return load_registry(DATA_DIR)


def problems(exc: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in exc.value.problems]


# -- a discount -----------------------------------------------------------------------------------------------


def test_a_provider_discount_done_when(tmp_path, bundled):
    """Issue 12: ``{provider: anthropic, discount_pct: 20}`` prices Claude Opus 4.5 at 80 % of the list price.

    100,000 input tokens × $5.00 / 1M = $0.50 at list; × $4.00 / 1M (5.00 × 0.8) = $0.40 with the overlay."""
    registry = load_registry([DATA_DIR, layer(tmp_path, "overrides: [{provider: anthropic, discount_pct: 20}]\n")])
    assert price_request(bundled, "claude-opus-4.5", 100_000, 0, on=SEED_DAY).cost == pytest.approx(0.5)
    quote = price_request(registry, "claude-opus-4.5", 100_000, 0, on=SEED_DAY)
    assert quote.cost == pytest.approx(0.4)
    schedule = registry.schedule("claude-opus-4.5", on=SEED_DAY)
    assert registry.overlay_note("claude-opus-4.5", schedule) == "20% off the list price (provider anthropic)"
    assert schedule.tiers[0].cache_write_1h_mtok == 8.0  # every rate: 10.00 × 0.8
    assert registry.overlay_label().startswith("your prices: 20% off the list price (provider anthropic) (from ")
    # other providers keep their list prices, and say nothing
    assert price_request(registry, "gpt-5.5", 100_000, 0).cost == pytest.approx(0.5)
    assert registry.overlay_note("gpt-5.5", registry.schedule("gpt-5.5")) is None
    # the bundled registry is untouched
    assert bundled.overlay is None and bundled.schedule("claude-opus-4.5", on=SEED_DAY).tiers[0].input_mtok == 5.0


def test_every_schedule_of_the_provider_is_discounted(tmp_path):
    registry = load_registry([DATA_DIR, layer(tmp_path, "overrides: [{provider: anthropic, discount_pct: 50}]\n")])
    batch = registry.schedule("claude-opus-4.5", service_tier="batch", on=SEED_DAY)
    assert batch.tiers[0].input_mtok == 1.25  # 2.50 list × 0.5
    tiers = registry.schedule("claude-haiku-5.5").tiers
    assert [(t.up_to, t.input_mtok) for t in tiers] == [(100_000, 0.05), (None, 0.25)]


def test_a_dated_discount_keeps_history(tmp_path):
    """A discount from 2026-03-01: the schedule in force since release is split there — list price before."""
    registry = load_registry([DATA_DIR, layer(tmp_path, (
        "overrides:\n  - {provider: anthropic, discount_pct: 10, effective_from: 2026-03-01, contract: MSA-7}\n"))])
    before = registry.schedule("claude-opus-4.5", on=dt.date(2026, 2, 28))
    after = registry.schedule("claude-opus-4.5", on=dt.date(2026, 3, 1))
    assert (before.tiers[0].input_mtok, before.effective_to) == (5.0, dt.date(2026, 3, 1))
    assert (after.tiers[0].input_mtok, after.effective_from) == (4.5, dt.date(2026, 3, 1))
    assert registry.overlay_note("claude-opus-4.5", before) is None
    assert "contract MSA-7" in registry.overlay_note("claude-opus-4.5", after)
    assert "2026-03-01 to now" in registry.overlay_note("claude-opus-4.5", after)


def test_a_model_entry_wins_over_its_provider(tmp_path):
    registry = load_registry([DATA_DIR, layer(tmp_path, (
        "overrides:\n  - {provider: anthropic, discount_pct: 20}\n  - {model: claude-opus-4-5, discount_pct: 30}\n"))])
    assert registry.schedule("claude-opus-4.5", on=SEED_DAY).tiers[0].input_mtok == 3.5  # 5 × 0.7, by alias
    assert registry.schedule("claude-sonnet-5.5").tiers[0].input_mtok == 1.6  # 2 × 0.8


# -- replacement schedules ------------------------------------------------------------------------------------


def test_replacement_schedules_with_a_contract_reference(tmp_path):
    """From 2026-06-01 GPT-5.5's standard price is the contract's 3 / 20; before it and in batch, the list prices."""
    registry = load_registry([DATA_DIR, layer(tmp_path, CONTRACT_SCHEDULE)])
    mine = registry.schedule("gpt-5.5", on=dt.date(2026, 7, 1))
    assert (mine.tiers[0].input_mtok, mine.source) == (3.0, "MSA-2026-014 §3")
    assert registry.overlay_note("gpt-5.5", mine) == "replacement prices (model gpt-5.5; contract MSA-2026-014 §3)"
    earlier = registry.schedule("gpt-5.5", on=dt.date(2026, 5, 1))
    assert earlier.tiers[0].input_mtok == 5.0 and earlier.effective_to == dt.date(2026, 6, 1)
    assert registry.schedule("gpt-5.5", service_tier="batch", on=dt.date(2026, 7, 1)).tiers[0].input_mtok == 2.5
    quote = price_request(registry, "gpt-5.5", 100_000, 10_000, on=dt.date(2026, 7, 1))
    assert quote.cost == pytest.approx(0.3 + 0.2)  # 100,000 × 3 / 1M + 10,000 × 20 / 1M


def test_tables_mark_your_prices(tmp_path):
    registry = load_registry([DATA_DIR, layer(tmp_path, CONTRACT_SCHEDULE)])
    day = dt.date(2026, 12, 1)
    prices = price_table(registry, on=day).set_index("id")
    assert prices.loc["gpt-5.5", "your_prices"].startswith("replacement prices")
    assert pd.isna(prices.loc["gpt-5.4", "your_prices"])  # a list price
    blended = blended_table(registry, on=day).set_index("model")
    assert blended.loc["gpt-5.5", "your_prices"].startswith("replacement prices")
    assert blended.loc["gpt-5.5", "input_per_mtok"] == 3.0


def test_an_upload_is_applied_like_a_file(bundled):
    registry = overrides_from_bytes(bundled, b"overrides: [{provider: xai, discount_pct: 25}]\n", "mine.yaml")
    assert registry.schedule("grok-4.7").tiers[0].input_mtok == 1.5
    assert registry.overlay_label().endswith("(from mine.yaml)")
    with pytest.raises(RegistryError) as exc:
        overrides_from_bytes(registry, b"overrides: [{provider: xai, discount_pct: 10}]\n", "again.yaml")
    assert problems(exc) == ["again.yaml: model xai: overrides[0]: 'xai' already has an override (mine.yaml: "
                             "overrides[0]) — keep one entry per provider and per model"]


def test_drift_reads_the_list_prices(tmp_path):
    folder = layer(tmp_path, "overrides: [{provider: anthropic, discount_pct: 20}]\n")
    listed = cached_registry([DATA_DIR, folder], overrides=False)
    assert listed.overlay is None and listed.schedule("claude-opus-4.5", on=SEED_DAY).tiers[0].input_mtok == 5.0
    assert cached_registry([DATA_DIR, folder]).schedule("claude-opus-4.5", on=SEED_DAY).tiers[0].input_mtok == 4.0


# -- bad overrides: one problem per mistake, naming the file, the entry and the field ----------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("overrides: [{provider: nobody, discount_pct: 20}]\n", "model nobody: overrides[0].provider: unknown provider "
                                                            "'nobody'"),
    ("overrides: [{model: gpt-99, discount_pct: 20}]\n", "model gpt-99: overrides[0].model: unknown model 'gpt-99'"),
    ("overrides: [{provider: anthropic}]\n", "overrides[0]: give exactly one of discount_pct"),
    ("overrides: [{provider: anthropic, model: gpt-5.5, discount_pct: 5}]\n", "give exactly one of provider"),
    ("overrides: [{provider: anthropic, discount_pct: 0}]\n", "overrides[0].discount_pct: Input should be greater "
                                                              "than 0"),
    ("overrides: [{provider: anthropic, discount_pct: 100}]\n", "overrides[0].discount_pct: Input should be less "
                                                                "than 100"),
    ("overrides: [{provider: anthropic, discount_pct: 20%}]\n", "overrides[0].discount_pct"),
    ("overrides: [{provider: anthropic, discount_pct: 20, contract: '<script>x</script>'}]\n",
     "overrides[0].contract: a contract reference is plain text"),
    ("overrides: [{provider: anthropic, discount_pct: 20, colour: red}]\n", "overrides[0].colour: Extra inputs"),
    ("overrides: []\n", "overrides: List should have at least 1 item"),
    ("overrides:\n  - {provider: anthropic, discount_pct: 20}\n  - {provider: anthropic, discount_pct: 30}\n",
     "overrides[1]: 'anthropic' already has an override"),
    ("overrides: [{provider: anthropic, prices: []}]\n", "overrides[0].prices: List should have at least 1 item"),
    ("- provider: anthropic\n", "expected a YAML mapping at the top"),
    ("overrides: [{provider: anthropic, discount_pct: !!python/name:os.system x}]\n", "tag"),
])
def test_bad_overrides_are_refused(tmp_path, text, expected):
    with pytest.raises(RegistryError) as exc:
        load_registry([DATA_DIR, layer(tmp_path, text)])
    found = problems(exc)
    assert any(expected in p for p in found), found
    assert all("overrides.yaml" in p for p in found)


def test_a_replacement_tier_beyond_the_window(tmp_path):
    text = CONTRACT_SCHEDULE.replace("{up_to: null, input_mtok: 3.00", "{up_to: 2000000, input_mtok: 3.00")
    with pytest.raises(RegistryError) as exc:
        load_registry([DATA_DIR, layer(tmp_path, text)])
    assert any("model gpt-5.5: overrides[0].prices[0].tiers: a tier reaches beyond the model's prompt limit" in p
               for p in problems(exc))


def test_a_replacement_in_a_currency_without_a_rate(tmp_path):
    with pytest.raises(RegistryError) as exc:
        load_registry([DATA_DIR, layer(tmp_path, CONTRACT_SCHEDULE.replace("currency: USD", "currency: EUR"))])
    assert any("overrides[0].prices[0].currency: currency EUR has no FX rate" in p for p in problems(exc))


# -- layers with nothing to load -------------------------------------------------------------------------------


def test_an_empty_layer_is_an_error(tmp_path):
    with pytest.raises(LayerError, match=r"holds no registry file: expected providers/\*\.yaml"):
        load_registry([DATA_DIR, tmp_path])
    (tmp_path / "providers").mkdir()
    with pytest.raises(LayerError, match=r"\(providers without YAML files\)"):
        cached_registry([DATA_DIR, tmp_path])


def test_a_missing_layer_and_a_file_instead_of_a_folder(tmp_path):
    with pytest.raises(LayerError, match="not found"):
        load_registry([DATA_DIR, tmp_path / "nope"])
    (tmp_path / "f.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(LayerError, match="is not a folder"):
        load_registry([DATA_DIR, tmp_path / "f.yaml"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_layer(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0)
    try:
        with pytest.raises(LayerError, match="cannot be read"):
            load_registry([DATA_DIR, folder])
    finally:
        folder.chmod(0o755)


def test_a_layer_with_only_overrides_is_a_layer(tmp_path):
    registry = load_registry([DATA_DIR, layer(tmp_path, "overrides: [{provider: xai, discount_pct: 10}]\n")])
    assert len(registry.entries) == len(load_registry(DATA_DIR).entries)


def test_the_environment_variable_names_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("LLM_COSTS_REGISTRY", str(tmp_path))
    with pytest.raises(LayerError) as exc:
        bundled_registry()
    assert str(exc.value).startswith(f"LLM_COSTS_REGISTRY: registry folder {tmp_path} holds no registry file")
    assert "\n" not in str(exc.value)


def test_an_unreadable_layer_even_as_root(tmp_path, monkeypatch):
    """Root reads any folder, so the refusal is simulated: listing the folder fails."""
    from analytics.core import registry as module

    def refuse(folder):
        raise PermissionError(13, "Permission denied", str(folder))

    folder = layer(tmp_path, "overrides: [{provider: xai, discount_pct: 10}]\n")
    (folder / "providers").mkdir()
    monkeypatch.setattr(module, "_yaml_files", refuse)
    with pytest.raises(LayerError, match=r"cannot be read \(permission denied\)"):
        module.check_layer(folder)
