"""The registry loader on the bundled data (figures as in FACTS.md) and on a corpus of malformed registries.

Each malformed registry is the small valid one below with one thing broken; every one must be refused with the
project's own ``RegistryError`` naming the file, the model and the field, and saying what is wrong.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from analytics.core.errors import ContextLimitError, NoPriceError, RegistryError, UnknownModelError
from analytics.core.pricing import price_request
from analytics.core.registry import DATA_DIR, Registry, cached_registry, load_registry
from analytics.core.schema import SEED_REPORT, Tier

ON = dt.date(2026, 1, 28)
"""The seed report's day: the seed models' prices as it gave them (Gemini 3 Pro and Kimi K2.5 have been
retired since, so "today" would price them as unknown)."""

FIXED_IDS = ["qwen3-max-thinking", "kimi-k2.5", "gpt-5.2", "gemini-3-pro", "claude-opus-4.5", "deepseek-v3.2"]


@pytest.fixture(scope="module")
def bundled() -> Registry:
    """The bundled data/ alone (no LLM_COSTS_REGISTRY layers), through the real loader."""
    return load_registry(DATA_DIR)


# -- the bundled registry ------------------------------------------------------------------------------------


def test_every_bundled_file_goes_through_the_loader(bundled: Registry):
    on_disk = {
        *(DATA_DIR / "providers").glob("*.yaml"),
        *(DATA_DIR / "benchmarks").glob("*.yaml"),
        DATA_DIR / "fx.yaml",
    }
    loaded = {Path(f).resolve() for f in bundled.files}
    assert {p.resolve() for p in on_disk} == loaded
    assert len(bundled.providers) == len(list((DATA_DIR / "providers").glob("*.yaml")))


def test_the_fixed_model_ids_exist(bundled: Registry):
    assert set(FIXED_IDS) <= set(bundled.model_ids())


# model, input, output, cache read (None: unknown) — FACTS.md, "Checked prices"
BASE_TIER_PRICES = [
    ("qwen3-max-thinking", 1.20, 6.00, None),
    ("kimi-k2.5", 0.60, 3.00, 0.10),
    ("gpt-5.2", 1.75, 14.00, 0.175),
    ("gemini-3-pro", 2.00, 12.00, 0.20),
    ("claude-opus-4.5", 5.00, 25.00, 0.50),
    ("deepseek-v3.2", 0.28, 0.42, 0.028),
]


@pytest.mark.parametrize(("model", "input_mtok", "output_mtok", "cache_read_mtok"), BASE_TIER_PRICES)
def test_base_tier_prices_match_facts(bundled: Registry, model, input_mtok, output_mtok, cache_read_mtok):
    schedule = bundled.schedule(model, "global", "standard", on=ON)
    assert schedule.currency == "USD"
    first = schedule.tiers[0]
    assert (first.input_mtok, first.output_mtok, first.cache_read_mtok) == (input_mtok, output_mtok, cache_read_mtok)


def test_claude_cache_writes(bundled: Registry):
    tier = bundled.schedule("claude-opus-4.5", on=ON).tiers[0]
    assert (tier.cache_write_mtok, tier.cache_write_1h_mtok) == (6.25, 10.00)


def test_gemini_long_context_tier(bundled: Registry):
    tiers = bundled.schedule("gemini-3-pro", on=ON).tiers
    assert [(t.up_to, t.input_mtok, t.output_mtok, t.cache_read_mtok) for t in tiers] == [
        (200_000, 2.00, 12.00, 0.20),
        (None, 4.00, 18.00, 0.40),
    ]


def test_qwen_has_three_tiers_with_k_1024_bounds(bundled: Registry):
    usd = bundled.schedule("qwen3-max-thinking", "global", on=ON)
    assert [(t.up_to, t.input_mtok, t.output_mtok) for t in usd.tiers] == [
        (32_768, 1.20, 6.00),
        (131_072, 2.40, 12.00),
        (258_048, 3.00, 15.00),
    ]
    assert usd.tiers[-1].up_to == bundled.model("qwen3-max-thinking").max_input_tokens == 252 * 1024
    assert all(t.cache_read_mtok is None for t in usd.tiers), "Qwen's cache-read rate is unknown"

    cny = bundled.schedule("qwen3-max-thinking", "cn-mainland", on=ON)
    assert cny.currency == "CNY"
    assert [(t.up_to, t.input_mtok, t.output_mtok) for t in cny.tiers] == [
        (32_768, 2.5, 10),
        (131_072, 4, 16),
        (258_048, 7, 28),
    ]


def test_litellm_reading_of_qwen_bounds_is_kept_as_a_disagreement(bundled: Registry):
    model = bundled.model("qwen3-max-thinking")
    # (OpenRouter's flat listing, one tier, is kept as its own tier_bounds entry for the drift check.)
    bounds = [d for d in model.disagreements if d.field == "tier_bounds" and "openrouter" not in d.source]
    assert [d.value for d in bounds] == [32_000]
    outliers = {(d.field, d.value) for d in model.disagreements
                if "openrouter" in d.source and d.field.endswith("_mtok")}
    assert outliers == {("input_mtok", 0.78), ("output_mtok", 3.90)}


# prompt tokens, expected cost of that prompt + 1,000 output tokens
QWEN_BOUNDARIES = [
    (32_768, 0.0453216),  # 32,768 × 1.20 / 1M + 1,000 × 6.00 / 1M = 0.0393216 + 0.006
    (32_769, 0.0906456),  # 32,769 × 2.40 / 1M + 1,000 × 12.00 / 1M = 0.0786456 + 0.012 (cliff: output re-priced too)
    (32_001, 0.0444012),  # 32,001 × 1.20 / 1M + 0.006: still tier 1 here; LiteLLM's 32,000 bound would bill tier 2
    (131_072, 0.3265728),  # 131,072 × 2.40 / 1M + 0.012 = 0.3145728 + 0.012
    (131_073, 0.408219),  # 131,073 × 3.00 / 1M + 1,000 × 15.00 / 1M = 0.393219 + 0.015
    (258_048, 0.789144),  # 258,048 × 3.00 / 1M + 0.015 = 0.774144 + 0.015
]


@pytest.mark.parametrize(("prompt", "cost"), QWEN_BOUNDARIES)
def test_qwen_tier_boundaries(bundled: Registry, prompt, cost):
    quote = price_request(bundled, "qwen3-max-thinking", prompt, 1_000, on=ON)
    assert quote.cost == pytest.approx(cost, rel=1e-12)


def test_qwen_prompt_beyond_the_input_cap_is_refused(bundled: Registry):
    with pytest.raises(ContextLimitError, match="258,048"):
        price_request(bundled, "qwen3-max-thinking", 258_049, 1_000, on=ON)


@pytest.mark.parametrize(
    ("prompt", "cost"),
    [
        (200_000, 0.412),  # 200,000 × 2.00 / 1M + 1,000 × 12.00 / 1M = 0.400 + 0.012
        (200_001, 0.818004),  # 200,001 × 4.00 / 1M + 1,000 × 18.00 / 1M = 0.800004 + 0.018
        (1_048_576, 4.212304),  # 1,048,576 × 4.00 / 1M + 0.018: the whole input window fits
    ],
)
def test_gemini_tier_boundary(bundled: Registry, prompt, cost):
    assert price_request(bundled, "gemini-3-pro", prompt, 1_000, on=ON).cost == pytest.approx(cost, rel=1e-12)


def test_gemini_output_is_checked_against_its_own_cap(bundled: Registry):
    with pytest.raises(ContextLimitError, match="65,536"):
        price_request(bundled, "gemini-3-pro", 1_000, 65_537, on=ON)


def test_limits(bundled: Registry):
    gpt = bundled.model("gpt-5.2")
    assert (gpt.context_window, gpt.max_input_tokens, gpt.max_output_tokens) == (400_000, 272_000, 128_000)
    gemini = bundled.model("gemini-3-pro")
    assert (gemini.context_window, gemini.max_input_tokens, gemini.max_output_tokens) == (1_048_576, 1_048_576,
                                                                                          65_536)
    qwen = bundled.model("qwen3-max-thinking")
    assert (qwen.context_window, qwen.max_input_tokens) == (262_144, 258_048)
    assert bundled.model("kimi-k2.5").context_window == 262_144
    assert bundled.model("claude-opus-4.5").context_window == 200_000


def test_kimi_parameters_come_from_the_model_card(bundled: Registry):
    kimi = bundled.model("kimi-k2.5")
    assert kimi.open_weights is True
    assert (kimi.parameters.total_b, kimi.parameters.active_b) == (1000, 32)
    assert kimi.parameters.source == "https://github.com/MoonshotAI/Kimi-K2.5"
    assert [(d.field, d.value, d.source) for d in kimi.disagreements if d.field.startswith("parameters")] == [
        ("parameters.total_b", 1040, SEED_REPORT)]


@pytest.mark.parametrize(
    ("service_tier", "input_mtok", "output_mtok", "cache_read_mtok"),
    [("batch", 0.875, 7.00, 0.0875), ("flex", 0.875, 7.00, 0.0875), ("priority", 3.50, 28.00, 0.35)],
)
def test_gpt_5_2_service_tiers(bundled: Registry, service_tier, input_mtok, output_mtok, cache_read_mtok):
    """Cached input on batch / flex / priority: 0.0875 / 0.0875 / 0.35 (OpenAI's priority page shows $0.350;
    LiteLLM and genai-prices agree) — FACTS.md, "Checked 2026-12-01"."""
    tier = bundled.schedule("gpt-5.2", "global", service_tier, on=ON).tiers[0]
    assert (tier.input_mtok, tier.output_mtok, tier.cache_read_mtok) == (input_mtok, output_mtok, cache_read_mtok)


def test_claude_batch(bundled: Registry):
    tier = bundled.schedule("claude-opus-4.5", "global", "batch", on=ON).tiers[0]
    assert (tier.input_mtok, tier.output_mtok) == (2.50, 12.50)


def test_deepseek_disagreements(bundled: Registry):
    values = {(d.field, d.value) for d in bundled.model("deepseek-v3.2").disagreements}
    assert ("output_mtok", 0.40) in values


@pytest.mark.parametrize(
    ("model", "fee", "effective_from"),
    [("gpt-5.2", 10, dt.date(2025, 12, 11)), ("gemini-3-pro", 14, dt.date(2026, 1, 5)),
     ("claude-opus-4.5", 10, dt.date(2025, 11, 24))],
)
def test_web_search_fees(bundled: Registry, model, fee, effective_from):
    assert bundled.tool_fee(model, "web_search", on=effective_from).per_thousand_calls == fee
    assert bundled.tool_fee(model, "web_search", on=effective_from - dt.timedelta(days=1)) is None


def test_every_price_result_and_rate_is_sourced_and_dated(bundled: Registry):
    today = dt.date.today()
    sourced: list[tuple[str, Any]] = []
    for entry in bundled.models():
        model = entry.model
        assert model.limits_source, f"{model.id}: limits_source"
        sourced += [(f"{model.id} prices[{i}]", s) for i, s in enumerate(model.prices)]
        sourced += [(f"{model.id} tool_fees[{i}]", f) for i, f in enumerate(model.tool_fees)]
        sourced += [(f"{model.id} disagreements[{i}]", d) for i, d in enumerate(model.disagreements)]
    sourced += [(f"fx {r.currency}", r) for r in bundled.fx.rates]
    assert sourced
    for where, item in sourced:
        assert item.source, where
        assert item.checked_on <= today, f"{where}: checked_on {item.checked_on} is in the future"
    results = bundled.results("hle")
    assert results
    for result in results:
        assert result.source and result.reporter and result.date <= today, result


def test_no_price_is_zero(bundled: Registry):
    prices = [rate.units_per_usd for rate in bundled.fx.rates]
    for entry in bundled.models():
        for schedule in entry.model.prices:
            assert schedule.tiers[0].input_mtok is not None and schedule.tiers[0].output_mtok is not None
            for tier in schedule.tiers:
                prices += [getattr(tier, name) for name in Tier.model_fields if name.endswith("_mtok")]
        prices += [fee.per_thousand_calls for fee in entry.model.tool_fees]
    known = [p for p in prices if p is not None]
    assert known and all(p > 0 for p in known)


def test_fx_reproduces_the_seed_reports_usd_figures(bundled: Registry):
    assert bundled.units_per_usd("CNY") == 6.97
    assert bundled.convert(2.5, "CNY", "USD") == pytest.approx(0.359, abs=1e-3)
    assert bundled.convert(10, "CNY", "USD") == pytest.approx(1.434, abs=1e-3)


def test_the_seed_reports_hle_figures_are_kept(bundled: Registry):
    seed = {(r.model, r.score, r.condition, r.subset) for r in bundled.results() if r.reporter_kind == "seed-report"}
    assert seed == {
        ("qwen3-max-thinking", 58.3, "tools", None),
        ("kimi-k2.5", 50.2, "tools", None),
        ("gemini-3-pro", 45.8, "tools", None),
        ("gemini-3-pro", 37.5, "no-tools", "full"),  # Moonshot's footnote: the full set, not text-only
        ("gpt-5.2", 45.5, "tools", None),
        ("gpt-5.2", 27.8, "no-tools", "text-only"),
    }
    disputed = {(r.model, r.score) for r in bundled.results() if r.disputed}
    assert {("qwen3-max-thinking", 58.3), ("gpt-5.2", 27.8), ("gemini-3-pro", 37.5)} <= disputed
    assert all(r.note for r in bundled.results() if r.disputed), "a disputed figure says why in its note"
    assert not any(r.disputed for r in bundled.results() if r.reporter_kind in ("vendor", "maintainer"))


def test_published_hle_figures(bundled: Registry):
    found = {(r.model, r.score, r.condition, r.subset, r.reporter_kind, r.date) for r in bundled.results()}
    qwen_blog, kimi_card = dt.date(2026, 1, 25), dt.date(2026, 1, 27)
    assert {
        ("qwen3-max-thinking", 49.8, "tools", None, "vendor", qwen_blog),
        ("qwen3-max-thinking", 30.2, "no-tools", "text-only", "vendor", qwen_blog),
        ("kimi-k2.5", 50.2, "tools", "full", "vendor", kimi_card),
        ("kimi-k2.5", 30.1, "no-tools", "full", "vendor", kimi_card),
        ("kimi-k2.5", 51.8, "tools", "text-only", "vendor", kimi_card),
        ("kimi-k2.5", 31.5, "no-tools", "text-only", "vendor", kimi_card),
        ("gpt-5.2", 34.5, "no-tools", "full", "third-party", kimi_card),
        ("gpt-5.2", 35.5, "no-tools", None, "third-party", qwen_blog),
        ("claude-opus-4.5", 43.2, "tools", "full", "third-party", kimi_card),
        ("deepseek-v3.2", 40.8, "tools", "text-only", "third-party", kimi_card),
        ("deepseek-v3.2", 25.1, "no-tools", "text-only", "third-party", kimi_card),
    } <= found
    press = {(r.model, r.score) for r in bundled.results() if r.reporter_kind == "press"}
    assert {("gemini-3-pro", 38.3), ("gpt-5.2", 29.9), ("claude-opus-4.5", 25.8)} <= press


@pytest.mark.parametrize(
    ("alias", "model_id"),
    [
        ("qwen3-max-2026-01-23", "qwen3-max-thinking"),
        ("gemini-3-pro-preview", "gemini-3-pro"),
        ("claude-opus-4-5", "claude-opus-4.5"),
        ("claude-opus-4-5-20251101", "claude-opus-4.5"),
        ("gpt-5.2-2025-12-11", "gpt-5.2"),
        ("moonshotai/kimi-k2.5", "kimi-k2.5"),
        ("kimi-k2.5", "kimi-k2.5"),
        ("Gemini-3-Pro-Preview", "gemini-3-pro"),
        ("deepseek/deepseek-v3.2", "deepseek-v3.2"),
    ],
)
def test_aliases_resolve(bundled: Registry, alias, model_id):
    assert bundled.resolve_id(alias) == model_id
    assert bundled.model(alias).id == model_id


def test_unknown_model_suggests_close_ids(bundled: Registry):
    with pytest.raises(UnknownModelError, match=r"unknown model 'gemini-3-pr'.*did you mean.*gemini-3-pro"):
        bundled.model("gemini-3-pr")
    with pytest.raises(UnknownModelError, match="kimi-k2.5"):
        bundled.resolve_id("kimi-k2")


def test_schedule_for_a_missing_region_names_what_exists(bundled: Registry):
    with pytest.raises(NoPriceError) as exc:
        bundled.schedule("gpt-5.2", region="eu", on=ON)
    message = str(exc.value)
    for offered in ("'eu'", "global/standard", "global/batch", "global/flex", "global/priority"):
        assert offered in message


def test_schedule_before_release_says_when_prices_apply(bundled: Registry):
    with pytest.raises(NoPriceError, match=r"not released until 2026-01-27.*--on 2026-01-27"):
        bundled.schedule("kimi-k2.5", on=dt.date(2025, 6, 1))


# -- caching -------------------------------------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR / "providers", folder / "providers")
    shutil.copytree(DATA_DIR / "benchmarks", folder / "benchmarks")
    shutil.copy(DATA_DIR / "fx.yaml", folder / "fx.yaml")
    return folder


def test_cached_registry_returns_the_same_object_until_a_file_changes(data_copy: Path):
    first = cached_registry(data_copy)
    assert cached_registry(data_copy) is first
    assert cached_registry(str(data_copy)) is first

    touched = data_copy / "providers" / "moonshot.yaml"
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    reloaded = cached_registry(data_copy)
    assert reloaded is not first
    assert cached_registry(data_copy) is reloaded


def test_an_edited_file_is_reloaded_with_its_new_content(data_copy: Path):
    assert cached_registry(data_copy).schedule("kimi-k2.5", on=ON).tiers[0].input_mtok == 0.60
    path = data_copy / "providers" / "moonshot.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("input_mtok: 0.60", "input_mtok: 0.65"),
                    encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert cached_registry(data_copy).schedule("kimi-k2.5", on=ON).tiers[0].input_mtok == 0.65


# -- the malformed corpus ------------------------------------------------------------------------------------
# A minimal valid registry; each case below breaks one thing in it.


def base_provider() -> dict[str, Any]:
    return {
        "id": "acme",
        "name": "Acme AI",
        "country": "US",
        "models": [
            {
                "id": "acme-one",
                "name": "Acme One",
                "context_window": 200_000,
                "aliases": ["acme-one-2026"],
                "prices": [
                    {
                        "region": "global",
                        "service_tier": "standard",
                        "currency": "USD",
                        "source": "https://acme.example/pricing",
                        "checked_on": dt.date(2026, 11, 29),
                        "tiers": [
                            {"up_to": 100_000, "input_mtok": 1.0, "output_mtok": 4.0},
                            {"up_to": None, "input_mtok": 2.0, "output_mtok": 8.0},
                        ],
                    }
                ],
            }
        ],
    }


def base_benchmark() -> dict[str, Any]:
    return {
        "id": "hle",
        "name": "Humanity's Last Exam",
        "results": [
            {"model": "acme-one", "score": 40.0, "condition": "tools", "subset": None, "reporter_kind": "vendor",
             "reporter": "Acme blog", "source": "https://acme.example/blog", "date": dt.date(2026, 1, 1)}
        ],
    }


def base_fx() -> dict[str, Any]:
    return {"base": "USD", "rates": [{"currency": "CNY", "units_per_usd": 7.0, "source": "https://fx.example/cny",
                                      "checked_on": dt.date(2026, 11, 29)}]}


def base_files() -> dict[str, Any]:
    return {"providers/acme.yaml": base_provider(), "benchmarks/hle.yaml": base_benchmark(), "fx.yaml": base_fx()}


DELETE = object()
_STEP = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")


def set_path(document: Any, path: str, value: Any) -> None:
    """Set (or, with ``DELETE``, remove) the value at a path like ``models[0].prices[0].tiers[1].up_to``
    (``models.0.prices.0.tiers.1.up_to`` works too)."""
    steps = [int(step) if step.isdigit() else step for step in _STEP.findall(path)]
    target = document
    for step in steps[:-1]:
        target = target[step]
    if value is DELETE:
        del target[steps[-1]]
    else:
        target[steps[-1]] = value


def acme(**changes: Any) -> Callable[[Path], dict[str, Any]]:
    """The base registry with ``changes`` (path with ``__`` for ``.``: see ``set_path``) applied to acme.yaml."""

    def build(_: Path) -> dict[str, Any]:
        files = base_files()
        for path, value in changes.items():
            set_path(files["providers/acme.yaml"], path.replace("__", "."), value)
        return files

    return build


def edit(file: str, mutate: Callable[[Any], Any]) -> Callable[[Path], dict[str, Any]]:
    """The base registry with ``mutate(document)`` applied to ``file`` (its return value, if any, replaces it)."""

    def build(_: Path) -> dict[str, Any]:
        files = base_files()
        result = mutate(files[file])
        if result is not None:
            files[file] = result
        return files

    return build


def raw(text: str | bytes) -> Callable[[Path], dict[str, Any]]:
    """The base registry with acme.yaml replaced by raw text or bytes."""

    def build(_: Path) -> dict[str, Any]:
        return {**base_files(), "providers/acme.yaml": text}

    return build


def with_second_provider(model: dict[str, Any]) -> Callable[[Path], dict[str, Any]]:
    def build(_: Path) -> dict[str, Any]:
        second = {"id": "zeta", "name": "Zeta Labs", "country": "CN", "models": [model]}
        return {**base_files(), "providers/zeta.yaml": second}

    return build


def write_registry(folder: Path, files: dict[str, Any]) -> None:
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")


def dumped_with(replace: str, by: str) -> Callable[[Path], dict[str, Any]]:
    """acme.yaml dumped as text with one literal substring replaced (for what a dict cannot express)."""

    def build(_: Path) -> dict[str, Any]:
        text = yaml.safe_dump(base_provider(), sort_keys=False)
        assert replace in text
        return {**base_files(), "providers/acme.yaml": text.replace(replace, by)}

    return build


def python_tag(folder: Path) -> dict[str, Any]:
    sentinel = folder / "pwned"
    return {**base_files(),
            "providers/acme.yaml": f"id: !!python/object/apply:os.system ['touch {sentinel}']\nname: Acme\n"}


def oversized(_: Path) -> dict[str, Any]:
    padding = "# " + "x" * (2 * 1024 * 1024) + "\n"
    return {**base_files(), "providers/acme.yaml": padding + yaml.safe_dump(base_provider(), sort_keys=False)}


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def second_schedule(provider: dict[str, Any]) -> None:
    schedules = provider["models"][0]["prices"]
    schedules.append({**copy.deepcopy(schedules[0]), "effective_from": dt.date(2026, 6, 1)})


def two_tiers(first: int | None, second: int | None) -> list[dict[str, Any]]:
    return [
        {"up_to": first, "input_mtok": 1.0, "output_mtok": 4.0},
        {"up_to": second, "input_mtok": 2.0, "output_mtok": 8.0},
        {"up_to": None, "input_mtok": 3.0, "output_mtok": 9.0},
    ]


@dataclass(frozen=True)
class Case:
    files: Callable[[Path], dict[str, Any]]
    fragments: tuple[str, ...]
    """Substrings the error message must contain: the file, the model, the field and the gist."""


CASES: dict[str, Case] = {
    "yaml-syntax-error": Case(raw("id: acme\nmodels: [\n  - id: acme-one\n"),
                              ("acme.yaml", "not valid YAML at line", "fix the syntax")),
    "python-tag": Case(python_tag, ("acme.yaml", "refused YAML tag", "python/object/apply:os.system")),
    "alias-bomb": Case(raw(BILLION_LAUGHS), ("acme.yaml", "aliases expand to too many nodes")),
    "file-over-2-mib": Case(oversized, ("acme.yaml", "over the 2 MiB bound")),
    "empty-file": Case(raw(""), ("acme.yaml", "the file is empty")),
    "comments-only": Case(raw("# yaml-language-server: $schema=../schema.json\n# nothing else\n"),
                          ("acme.yaml", "the file is empty")),
    "not-utf-8": Case(raw(b"id: acme\nname: Acme \xff\xfe AI\n"),
                      ("acme.yaml", "not UTF-8 text", "save the file as UTF-8")),
    "binary-nul-bytes": Case(raw(b"id: acme\x00\x01\x02\x03"), ("acme.yaml", "binary file (contains NUL bytes)")),
    "top-level-list": Case(raw(yaml.safe_dump([base_provider()])),
                           ("acme.yaml", "expected a YAML mapping at the top, got list")),
    "duplicate-model-id": Case(
        with_second_provider({"id": "acme-one", "name": "Copy", "context_window": 1000}),
        ("zeta.yaml", "model acme-one", "duplicate model id", "also in", "acme.yaml"),
    ),
    "duplicate-alias": Case(
        with_second_provider({"id": "zeta-one", "name": "Zeta One", "context_window": 1000,
                              "aliases": ["acme-one-2026"]}),
        ("zeta.yaml", "model zeta-one", "aliases", "'acme-one-2026' is already a model id or alias"),
    ),
    "unsorted-tiers": Case(acme(models__0__prices__0__tiers=two_tiers(150_000, 100_000)),
                           ("acme.yaml", "model acme-one", "prices[0]", "unsorted",
                            "up_to 100000 follows up_to 150000")),
    "equal-tiers": Case(acme(models__0__prices__0__tiers=two_tiers(100_000, 100_000)),
                        ("acme.yaml", "model acme-one", "prices[0]", "tiers overlap",
                         "up_to 100000 follows up_to 100000")),
    "open-tier-not-last": Case(acme(models__0__prices__0__tiers__0__up_to=None),
                               ("acme.yaml", "model acme-one", "prices[0]", "tiers[0] has up_to: null",
                                "only the last tier may be open")),
    "tier-beyond-context-window": Case(acme(models__0__prices__0__tiers__0__up_to=300_000),
                                       ("acme.yaml", "model acme-one", "up_to 300000",
                                        "beyond the model's prompt limit 200000")),
    "negative-price": Case(acme(models__0__prices__0__tiers__0__input_mtok=-1.0),
                           ("acme.yaml", "model acme-one", "prices[0].tiers[0].input_mtok", "greater than 0",
                            "(got -1.0)", "never 0")),
    "zero-price": Case(acme(models__0__prices__0__tiers__1__output_mtok=0),
                       ("acme.yaml", "model acme-one", "prices[0].tiers[1].output_mtok", "greater than 0",
                        "if the figure is unknown write null, never 0")),
    "string-price": Case(acme(models__0__prices__0__tiers__0__input_mtok="$2.00"),
                         ("acme.yaml", "model acme-one", "prices[0].tiers[0].input_mtok", "valid number", "'$2.00'")),
    "unknown-field": Case(edit("providers/acme.yaml", lambda p: p["models"][0].update(context_windw=1)),
                          ("acme.yaml", "model acme-one", "context_windw", "Extra inputs are not permitted",
                           "check its spelling")),
    "missing-required-field": Case(acme(models__0__context_window=DELETE),
                                   ("acme.yaml", "model acme-one", "context_window", "Field required",
                                    "this field is required")),
    "bad-date-quoted": Case(acme(models__0__prices__0__checked_on="2026-13-01"),
                            ("acme.yaml", "model acme-one", "prices[0].checked_on", "2026-13-01", "YYYY-MM-DD")),
    "bad-date-unquoted": Case(dumped_with("checked_on: 2026-11-29", "checked_on: 2026-13-01"),
                              ("acme.yaml", "2026-13-01")),
    "deep-nesting": Case(raw("id: " + "[" * 5000), ("acme.yaml",)),
    "effective-to-before-from": Case(
        acme(models__0__prices__0__effective_from=dt.date(2026, 2, 1),
             models__0__prices__0__effective_to=dt.date(2026, 1, 1)),
        ("acme.yaml", "model acme-one", "prices[0]", "effective_to 2026-01-01 is not after effective_from 2026-02-01"),
    ),
    "overlapping-schedules": Case(edit("providers/acme.yaml", second_schedule),
                                  ("acme.yaml", "model acme-one", "prices[1]",
                                   "two global/standard/USD schedules are in force on the same day")),
    "currency-without-fx-rate": Case(acme(models__0__prices__0__currency="EUR"),
                                     ("acme.yaml", "model acme-one", "prices[0].currency", "EUR has no FX rate",
                                      "data/fx.yaml")),
    "lower-case-currency": Case(acme(models__0__prices__0__currency="usd"),
                                ("acme.yaml", "model acme-one", "prices[0].currency", "3-letter ISO 4217")),
    "unknown-service-tier": Case(acme(models__0__prices__0__service_tier="express"),
                                 ("acme.yaml", "model acme-one", "prices[0].service_tier", "'express'",
                                  "use one of the allowed values")),
    "model-id-not-kebab-case": Case(acme(models__0__id="Acme One"),
                                    ("acme.yaml", "model Acme One", "id", "should match pattern")),
    "javascript-source": Case(acme(models__0__prices__0__source="javascript:alert(1)"),
                              ("acme.yaml", "model acme-one", "prices[0].source", "must be an http(s) URL",
                               "javascript:alert(1)")),
    "max-input-over-context-window": Case(acme(models__0__max_input_tokens=300_000),
                                          ("acme.yaml", "model acme-one",
                                           "max_input_tokens 300000 exceeds context_window 200000")),
    "benchmark-result-for-unknown-model": Case(
        edit("benchmarks/hle.yaml", lambda b: b["results"][0].update(model="acme-two")),
        ("hle.yaml", "model acme-two", "results[0].model", "not in the registry"),
    ),
    "hle-score-140": Case(edit("benchmarks/hle.yaml", lambda b: b["results"][0].update(score=140)),
                          ("hle.yaml", "model acme-one", "results[0].score", "less than or equal to 100", "(got 140)")),
    "fx-rate-zero": Case(edit("fx.yaml", lambda f: f["rates"][0].update(units_per_usd=0)),
                         ("fx.yaml", "rates[0].units_per_usd", "greater than 0")),
}



@pytest.mark.parametrize(
    "name", list(CASES),
)
def test_malformed_registry_is_refused_with_a_located_message(tmp_path: Path, name: str):
    case = CASES[name]
    folder = tmp_path / "registry"
    write_registry(folder, case.files(tmp_path))

    with pytest.raises(RegistryError) as exc:
        load_registry(folder)

    assert type(exc.value) is RegistryError
    message = str(exc.value)
    for fragment in case.fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert all(problem.file for problem in exc.value.problems)
    for leak in ("Traceback", 'File "', "pydantic", "<class", "Value error,", "For further information"):
        assert leak not in message, f"internal text {leak!r} leaked into:\n{message}"
    assert not (tmp_path / "pwned").exists(), "a YAML tag ran code"


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 22


def test_the_base_of_the_corpus_is_valid(tmp_path: Path):
    write_registry(tmp_path, base_files())
    registry = load_registry(tmp_path)
    assert registry.model_ids() == ["acme-one"]
    assert registry.resolve_id("acme-one-2026") == "acme-one"


def test_every_problem_is_reported_in_one_pass(tmp_path: Path):
    files = base_files()
    set_path(files["providers/acme.yaml"], "models[0].prices[0].tiers[0].input_mtok", 0)
    set_path(files["benchmarks/hle.yaml"], "results[0].score", 140)
    files["providers/broken.yaml"] = "id: [unclosed\n"
    write_registry(tmp_path, files)
    with pytest.raises(RegistryError) as exc:
        load_registry(tmp_path)
    assert {Path(p.file).name for p in exc.value.problems} >= {"acme.yaml", "hle.yaml", "broken.yaml"}


def test_a_broken_provider_file_is_not_also_reported_as_unknown_models(tmp_path: Path):
    files = base_files()
    set_path(files["providers/acme.yaml"], "models[0].prices[0].tiers[0].input_mtok", 0)
    write_registry(tmp_path, files)
    with pytest.raises(RegistryError) as exc:
        load_registry(tmp_path)
    assert [Path(p.file).name for p in exc.value.problems] == ["acme.yaml"], str(exc.value)


def test_two_web_search_fees_in_force_on_the_same_day_are_refused(tmp_path: Path):
    """Regression: a duplicate tool fee was accepted and tool_fee() silently returned the first one."""
    files = base_files()
    model = files["providers/acme.yaml"]["models"][0]
    fee = {"tool": "web_search", "per_thousand_calls": 10, "source": "https://example.com/p",
           "checked_on": "2026-11-29"}
    model["tool_fees"] = [fee, {**fee, "per_thousand_calls": 14}]
    write_registry(tmp_path, files)
    with pytest.raises(RegistryError, match="two web_search fees"):
        load_registry(tmp_path)
