"""(1) Replay of 1,000,000 requests on the five seed models, against genai-prices per request and a numpy floor.

- ours: ``analytics.replay.replay`` on a validated log (the per-model summary included: totals, median / p95 /
  max, tier shares, unpriced rows, saving against the recorded model).
- (a) ``genai_prices.calc_price`` called once per request on a sample of the same requests (the first
  ``SAMPLE`` rows), per model; its time per request is scaled to 1,000,000 requests × 5 models.
- (b) the floor: the tightest bare numpy expression of the same arithmetic (scalar rates for a one-tier schedule,
  else tier lookup and rate gather; four token components) with no checks, limits, dated schedules or summary.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import numpy as np

from bench.common import median, ms, print_table, timed

REQUESTS = 1_000_000
SAMPLE = 1_000
"""Requests per model priced one at a time with genai-prices."""
GENAI_PRICES_IDS = {
    "qwen3-max-thinking": ("qwen/qwen3-max-thinking", "openrouter"),
    "kimi-k2.5": ("kimi-k2.5", "moonshotai"),
    "gpt-5.2": ("gpt-5.2", "openai"),
    "gemini-3-pro": ("gemini-3-pro-preview", "google"),
    "claude-opus-4.5": ("claude-opus-4-5", "anthropic"),
}
"""Our model id → (genai-prices model ref, provider id). genai-prices 0.2.3 has Qwen3-Max-Thinking only through
OpenRouter, at a reseller's price (0.78 / 3.90): its costs differ from ours, its speed is what is compared."""


def _floor(registry, models: list[str], columns: dict[str, np.ndarray], on: dt.date) -> float:
    """The same arithmetic as the tightest bare numpy: per model, scalar rates for a one-tier schedule, else the
    tier index and the rates gathered per request; four token components in one expression. No checks, no
    limits, no dated schedules, no summary: a lower bound, not a replay."""
    prompt, cached = columns["prompt_tokens"], columns["cached_tokens"]
    output, reasoning = columns["output_tokens"], columns["reasoning_tokens"]
    grand = 0.0
    for model_id in models:
        schedule = registry.schedule(model_id, on=on)

        def rates(attr: str, fallback: str, schedule=schedule) -> np.ndarray:
            return np.array([getattr(t, attr) if getattr(t, attr) is not None else getattr(t, fallback)
                             for t in schedule.tiers], dtype=np.float64) / 1e6

        table = [rates("input_mtok", "input_mtok"), rates("cache_read_mtok", "input_mtok"),
                 rates("output_mtok", "output_mtok"), rates("reasoning_mtok", "output_mtok")]
        if len(schedule.tiers) == 1:
            per_request = [t[0] for t in table]
        else:
            bounds = np.array([t.up_to for t in schedule.tiers if t.up_to is not None], dtype=np.float64)
            index = np.minimum(np.searchsorted(bounds, prompt), len(schedule.tiers) - 1)
            per_request = [t[index] for t in table]
        cost = ((prompt - cached) * per_request[0] + cached * per_request[1] + output * per_request[2]
                + reasoning * per_request[3])
        grand += float(cost.sum())
    return grand


def _genai_prices(usage, models: list[str], ours: dict[str, np.ndarray]) -> tuple[list[float], dict[str, Any]]:
    """Seconds per request of ``calc_price`` (one figure per repeat), and how often its cost agrees with ours."""
    from genai_prices import Usage, calc_price

    rows = usage.iloc[:SAMPLE]
    prompt = rows["prompt_tokens"].to_numpy().astype(int)
    cached = rows["cached_tokens"].to_numpy().astype(int)
    output = (rows["output_tokens"] + rows["reasoning_tokens"]).to_numpy().astype(int)
    stamps = rows["timestamp"].dt.to_pydatetime()

    def price_all() -> dict[str, list[float]]:
        costs = {}
        for model_id in models:
            ref, provider = GENAI_PRICES_IDS[model_id]
            costs[model_id] = [
                float(calc_price(Usage(input_tokens=int(p), cache_read_tokens=int(c), output_tokens=int(o)), ref,
                                 provider_id=provider, genai_request_timestamp=t).total_price)
                for p, c, o, t in zip(prompt, cached, output, stamps, strict=True)
            ]
        return costs

    per_request = []
    costs: dict[str, list[float]] = {}
    for _ in range(3):
        start = time.perf_counter()
        costs = price_all()
        per_request.append((time.perf_counter() - start) / (SAMPLE * len(models)))
    agreement = {}
    for model_id in models:
        mine = ours[model_id][:SAMPLE]
        theirs = np.array(costs[model_id])
        fits = np.isfinite(mine)
        same = np.isclose(mine[fits], theirs[fits], rtol=1e-9, atol=1e-12)
        agreement[model_id] = float(same.mean()) if fits.any() else None
    return per_request, agreement


def run() -> dict[str, Any]:
    from analytics.core.presets import SEED_DATE, SEED_MODELS
    from analytics.core.pricing import price_requests, request_totals
    from analytics.core.registry import bundled_registry
    from analytics.replay.engine import replay
    from analytics.replay.samples import sample_log
    from analytics.replay.usage import TOKEN_COLUMNS, validate_usage

    registry = bundled_registry()
    models = [m for m in SEED_MODELS if m in registry.entries]
    end = SEED_DATE  # the seed's five were all callable then (two have been retired since)
    start = time.perf_counter()
    usage = validate_usage(sample_log(REQUESTS, seed=0, end=end), "sample")
    prepare = time.perf_counter() - start
    columns = {c: usage[c].to_numpy(dtype=np.float64) for c in TOKEN_COLUMNS}

    # side by side: each repeat runs ours, then the floor, then the full breakdown engine
    ours_runs, floor_runs, engine_runs, totals_runs = [], [], [], []
    result = None
    schedules = {m: registry.schedule(m, on=end) for m in models}

    def totals_only() -> None:
        for model_id in models:
            request_totals(registry, model_id, columns["prompt_tokens"], columns["output_tokens"],
                           columns["cached_tokens"], columns["reasoning_tokens"], schedule=schedules[model_id],
                           check=False)

    for i in range(6):
        start = time.perf_counter()
        result = replay(registry, usage, models)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        _floor(registry, models, columns, end)
        t_floor = time.perf_counter() - start
        start = time.perf_counter()
        for model_id in models:
            price_requests(registry, model_id, columns["prompt_tokens"], columns["output_tokens"],
                           columns["cached_tokens"], columns["reasoning_tokens"], on=end)
        t_engine = time.perf_counter() - start
        start = time.perf_counter()
        totals_only()
        t_totals = time.perf_counter() - start
        if i:  # the first round warms caches
            ours_runs.append(t_ours)
            floor_runs.append(t_floor)
            engine_runs.append(t_engine)
            totals_runs.append(t_totals)
    per_request, agreement = _genai_prices(usage, models, result.costs)

    ours, floor, engine, totals = median(ours_runs), median(floor_runs), median(engine_runs), median(totals_runs)
    genai_scaled = median(per_request) * REQUESTS * len(models)
    speedup = genai_scaled / ours
    vs_floor = ours / floor
    def row(method: str, seconds: float, shown: str | None = None) -> dict[str, str]:
        return {"method": method, "time": shown or ms(seconds), "÷ floor": f"{seconds / floor:,.2f}x",
                "÷ ours": f"{seconds / ours:,.2f}x"}

    rows = [
        row("ours: replay() — dated schedules, limits, summary", ours),
        row("  of which pricing: request_totals per model", totals),
        row("price_requests, per-component breakdown", engine),
        row("(b) floor: bare numpy, same arithmetic", floor),
        row(f"(a) genai-prices calc_price ×{SAMPLE:,}/model, scaled", genai_scaled, f"{genai_scaled:,.1f} s"),
    ]
    print_table(f"(1) replay of {REQUESTS:,} requests on {len(models)} models (median of {len(ours_runs)})", rows)
    print(f"genai-prices: {median(per_request) * 1e6:,.1f} µs per request and model; ours: "
          f"{ours / (REQUESTS * len(models)) * 1e9:,.1f} ns (log generated + validated once in {prepare:.1f} s)")
    print(f"goal (a) ≥ 100x faster than genai-prices: {speedup:,.0f}x — {'met' if speedup >= 100 else 'MISSED'}")
    print(f"goal (b) within 2x of the numpy floor: {vs_floor:.2f}x — {'met' if vs_floor <= 2 else 'MISSED'} "
          f"(fastest run against fastest run: {min(ours_runs) / min(floor_runs):.2f}x; pricing alone "
          f"{totals / floor:.2f}x — the rest is the summary: exact median and p95 per model, tier shares, saving)")
    print("cost agreement with genai-prices on the sample (share of fitting requests within 1e-9): "
          + ", ".join(f"{m} {a:.0%}" if a is not None else f"{m} n/a" for m, a in agreement.items()))
    return {
        "requests": REQUESTS, "models": models, "replay_s": ours, "replay_runs_s": ours_runs,
        "floor_s": floor, "floor_runs_s": floor_runs, "price_requests_breakdown_s": engine,
        "request_totals_s": totals, "pricing_ratio_vs_floor": totals / floor,
        "genai_prices_per_request_s": median(per_request), "genai_prices_sample_per_model": SAMPLE,
        "genai_prices_scaled_s": genai_scaled, "speedup_vs_genai_prices": speedup, "ratio_vs_floor": vs_floor,
        "goal_vs_genai_prices_100x": speedup >= 100, "goal_within_2x_of_floor": vs_floor <= 2,
        "ratio_vs_floor_fastest_runs": min(ours_runs) / min(floor_runs),
        "agreement_with_genai_prices": agreement, "log_generation_and_validation_s": prepare,
        "unpriced_request_model_pairs": int(len(result.unpriced)),
    }


def run_csv_load() -> dict[str, Any]:
    """Extra: reading and validating the same log from CSV (what the CLI and the page do first)."""
    from analytics.replay.samples import sample_csv
    from analytics.replay.usage import load_usage

    data = sample_csv(REQUESTS, seed=0)
    runs = timed(lambda: load_usage(data, "bench.csv", max_bytes=len(data) + 1, max_rows=REQUESTS), repeats=3,
                 warmup=0)
    print_table("(1b) read + validate the log from CSV", [
        {"file": f"{len(data) / 1024 / 1024:,.1f} MiB, {REQUESTS:,} rows", "time": ms(median(runs))}])
    return {"csv_mib": len(data) / 1024 / 1024, "read_validate_s": median(runs), "runs_s": runs}
