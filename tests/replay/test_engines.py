"""The engines agree: the same log replayed on numpy (the reference), DuckDB, PostgreSQL (a real server) and Spark
(local) gives the same summary — totals, median, p95 and max to 1e-9 relative, and the same counts — including
tier boundaries, a dated price change, unknown prices, days without a price and requests that do not fit.

The toy registry's prices are easy to check by hand (per 1M tokens, so a cost is tokens × rate / 1,000,000); the
hand-worked figures live in test_replay.py, which pins the numpy engine itself."""

from __future__ import annotations

import datetime as dt
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from analytics.core.presets import SEED_DATE, SEED_MODELS
from analytics.core.registry import DATA_DIR, load_registry
from analytics.replay.engine import NO_PRICE, NOT_FITTING, ReplayResult, replay
from analytics.replay.samples import sample_log
from analytics.replay.sources import open_files, open_postgres, open_spark, replay_source
from analytics.replay.usage import validate_usage

ENGINES = ["duckdb", "postgres", "spark"]
RELATIVE = 1e-9

TOY = """\
id: acme
name: Acme
country: US
models:
  - id: tiered
    name: Tiered
    aliases: [acme/tiered-2026]
    context_window: 300000
    max_input_tokens: 200000
    max_output_tokens: 10000
    prices:
      - source: https://example.com/a
        checked_on: 2026-01-01
        effective_to: 2026-01-10
        tiers:
          - {up_to: 100000, input_mtok: 1, output_mtok: 2, cache_read_mtok: 0.5, cache_write_mtok: 1.25,
             cache_write_1h_mtok: 2}
          - {up_to: null, input_mtok: 2, output_mtok: 4, cache_read_mtok: 1, cache_write_mtok: 2.5,
             cache_write_1h_mtok: 4}
      - source: https://example.com/b
        checked_on: 2026-01-10
        effective_from: 2026-01-10
        tiers:
          - {up_to: 100000, input_mtok: 3, output_mtok: 6, cache_read_mtok: 1.5}
          - {up_to: null, input_mtok: 6, output_mtok: 12, cache_read_mtok: 3}
  - id: flat
    name: Flat
    context_window: 50000
    prices:
      - source: https://example.com/f
        checked_on: 2026-01-01
        tiers:
          - {input_mtok: 10, output_mtok: 20, cache_read_mtok: 1, reasoning_mtok: 30, cache_write_1h_mtok: 20}
  - id: closed
    name: Closed tiers
    context_window: 1000000
    prices:
      - source: https://example.com/c
        checked_on: 2026-01-01
        tiers:
          - {up_to: 32768, input_mtok: 1.2, output_mtok: 6}
          - {up_to: 131072, input_mtok: 2.4, output_mtok: 12}
  - id: partly-known
    name: Partly known
    context_window: 1000000
    prices:
      - source: https://example.com/p
        checked_on: 2026-01-01
        tiers:
          - {up_to: 100000, input_mtok: 0.7, output_mtok: 2.1}
          - {up_to: null, input_mtok: null, output_mtok: 4.2}
  - id: late
    name: Late
    context_window: 1000000
    prices:
      - source: https://example.com/l
        checked_on: 2026-01-08
        effective_from: 2026-01-08
        currency: CNY
        tiers:
          - {input_mtok: 2.5, output_mtok: 10}
"""
MODELS = ["tiered", "flat", "closed", "partly-known", "late"]


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("engines-registry")
    (root / "providers").mkdir()
    (root / "providers" / "acme.yaml").write_text(TOY)
    shutil.copy(DATA_DIR / "fx.yaml", root / "fx.yaml")  # the CNY schedule converts at the bundled rate
    return load_registry(root)


def toy_log() -> pd.DataFrame:
    """Requests on every boundary the engines must agree on, each once before and once after the price change
    (2026-01-10, 00:00 UTC), with cache reads, 5-minute and 1-hour cache writes, plus requests recorded on unknown
    and empty model names."""
    prompts = [1, 50, 32_768, 32_769, 49_000, 100_000, 100_001, 131_072, 131_073, 200_000, 200_001, 260_000]
    rows = []
    stamps = ["2026-01-05T12:00:00Z", "2026-01-09T23:59:59Z", "2026-01-10T00:00:00Z", "2026-01-12T08:30:00Z"]
    names = ["tiered", "acme/tiered-2026", "flat", "nobody-knows", None, "late"]
    for i, prompt in enumerate(prompts):
        for j, stamp in enumerate(stamps):
            rows.append({
                "timestamp": stamp, "prompt_tokens": prompt, "cached_tokens": (prompt // 3) if j % 2 else 0,
                "cache_write_tokens": (prompt // 4) if i % 3 == 1 else 0,
                "cache_write_1h_tokens": (prompt // 5) if (i + j) % 3 == 2 else 0,
                "output_tokens": [0, 800, 9_000, 10_001][(i + j) % 4], "reasoning_tokens": [0, 0, 500, 2_000][j],
                "model": names[(i + j) % len(names)],
            })
    frame = pd.DataFrame(rows)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def seed_log(registry, n: int = 3_000) -> pd.DataFrame:
    """A generated log over the 30 days to the seed report's day, when every seed model was priced (some have
    been retired since)."""
    frame = sample_log(n, seed=7, end=SEED_DATE)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us, UTC]")
    return frame


def numpy_result(registry, frame: pd.DataFrame, models, **options) -> ReplayResult:
    return replay(registry, validate_usage(frame, "log", csv_lines=False), models, **options)


def load_postgres(postgres, frame: pd.DataFrame, table: str) -> None:
    import psycopg

    types = {"timestamp": "timestamptz", "model": "text", "export_cost": "double precision"}
    columns = ", ".join(f'"{c}" {types.get(c, "bigint")}' for c in frame.columns)
    with psycopg.connect(postgres.url, autocommit=True) as con:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
        con.execute(f'CREATE TABLE "{table}" ({columns})')
        with con.cursor().copy(f'COPY "{table}" ({", ".join(chr(34) + c + chr(34) for c in frame.columns)}) '
                               "FROM STDIN") as copy:
            for row in frame.itertuples(index=False):
                copy.write_row([None if (not isinstance(v, str) and pd.isna(v)) else
                                (v.to_pydatetime() if isinstance(v, pd.Timestamp) else
                                 float(v) if c == "export_cost" else
                                 int(v) if isinstance(v, (np.integer, float, np.floating)) else v)
                                for c, v in zip(frame.columns, row, strict=True)])


def engine_result(engine: str, registry, frame: pd.DataFrame, models, tmp_path, request, **options) -> ReplayResult:
    """``frame`` replayed on ``engine``: written where that engine reads it (a Parquet file, a PostgreSQL table)."""
    if engine == "postgres":
        postgres = request.getfixturevalue("postgres")
        table = f"log_{abs(hash((tuple(frame.columns), len(frame), request.node.name))) % 10**8}"
        load_postgres(postgres, frame, table)
        source = open_postgres(postgres.reader_url, table)
    else:
        path = tmp_path / "log.parquet"
        frame.to_parquet(path)
        source = open_spark(str(path), session=request.getfixturevalue("spark")) if engine == "spark" \
            else open_files(str(path))
    with source:
        return replay_source(registry, source, models, **options)


def assert_agree(result: ReplayResult, reference: ReplayResult) -> None:
    """Same summary (money to 1e-9 relative, counts exactly), tier shares, unpriced counts, period, unknown names."""
    mine, theirs = result.summary.set_index("model"), reference.summary.set_index("model")
    assert list(mine.index) == list(theirs.index)
    for column in ("requests", "priced", "not_fitting", "no_price", "compared_requests", "compared_rows", "rows",
                   "tier_shares", "common_requests"):
        assert list(mine[column]) == list(theirs[column]), column
    for column in ("total_cost", "total_cost_common", "cost_median", "cost_p95", "cost_max", "recorded_cost", "saving",
                   "saving_share"):
        a, b = mine[column].to_numpy(dtype=float), theirs[column].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), column
        both = ~np.isnan(a)
        # a saving is a difference of two sums: compare it relative to the sums it comes from
        scale = np.maximum(np.abs(b[both]), mine["recorded_cost"].to_numpy(dtype=float)[both]
                           if column in ("saving", "saving_share") else 0)
        scale = np.where(np.isnan(scale), np.abs(b[both]), scale)
        assert np.all(np.abs(a[both] - b[both]) <= RELATIVE * np.maximum(scale, 1e-300)), column
    pd.testing.assert_frame_equal(result.tiers.reset_index(drop=True), reference.tiers.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-12)
    counted = reference.unpriced.groupby(["model", "kind", "reason"], observed=True)["requests"].sum()
    mine_counted = result.unpriced.set_index(["model", "kind", "reason"])["requests"]
    assert dict(mine_counted) == {k: int(v) for k, v in counted.items()}
    assert result.period == reference.period
    assert result.priced_on == reference.priced_on
    assert result.unknown_recorded == reference.unknown_recorded
    assert result.requests == reference.requests
    assert result.rows == reference.rows
    assert result.recorded_names == reference.recorded_names
    recorded = dict(reference.as_recorded)
    assert set(result.as_recorded) == set(recorded)
    for key, value in recorded.items():
        if key in ("rows", "requests", "rows_total", "export_rows"):
            assert result.as_recorded[key] == value, key
        else:  # difference_share is a difference of two sums: to 1e-9 of them
            assert math.isclose(result.as_recorded[key], value, rel_tol=RELATIVE, abs_tol=RELATIVE * (
                key == "difference_share")) or (math.isnan(value) and math.isnan(result.as_recorded[key])), key


@pytest.mark.parametrize("engine", ENGINES)
def test_toy_log_agrees_with_numpy(engine, toy, tmp_path, request):
    frame = toy_log()
    reference = numpy_result(toy, frame, MODELS)
    # the log reaches every case the test claims to cover
    summary = reference.summary.set_index("model")
    assert summary.loc["tiered", "not_fitting"] and summary.loc["flat", "not_fitting"]
    assert summary.loc["closed", "not_fitting"]  # beyond every tier
    assert summary.loc["partly-known", "no_price"] and summary.loc["late", "no_price"]
    assert reference.unknown_recorded == {"nobody-knows": 8, "(empty)": 8}
    assert_agree(engine_result(engine, toy, frame, MODELS, tmp_path, request), reference)


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])  # Spark's JVM costs seconds per query: two tests suffice
def test_undated_log_is_priced_on_one_day(engine, toy, tmp_path, request):
    frame = toy_log().drop(columns=["timestamp"])
    for day in (dt.date(2026, 1, 9), dt.date(2026, 1, 10)):
        reference = numpy_result(toy, frame, MODELS, on=day)
        assert_agree(engine_result(engine, toy, frame, MODELS, tmp_path, request, on=day), reference)


@pytest.mark.parametrize("engine", ENGINES)
def test_seed_models_agree_on_a_generated_log(engine, registry, tmp_path, request):
    frame = seed_log(registry)
    reference = numpy_result(registry, frame, list(SEED_MODELS))
    assert_agree(engine_result(engine, registry, frame, list(SEED_MODELS), tmp_path, request), reference)


def test_currency_region_and_service_tier_reach_the_expression(registry, tmp_path, request):
    frame = seed_log(registry, 500)
    options = {"currency": "CNY", "region": "global", "service_tier": "batch"}
    models = ["gpt-5.2", "claude-opus-4.5"]
    assert_agree(engine_result("duckdb", registry, frame, models, tmp_path, request, **options),
                 numpy_result(registry, frame, models, **options))


def test_a_weighted_row_is_its_requests_at_the_average_size(toy, tmp_path, request):
    """A row with ``requests`` = 3 and token totals prices as 3 requests of a third of each total: what the numpy
    engine gives for the same rows read as averages (as the usage reader hands it an aggregated export), and, in
    money, what it gives for the three requests one by one."""
    single = toy_log().iloc[:16].reset_index(drop=True)
    single = single[single["prompt_tokens"] > 0].reset_index(drop=True)
    totals = single.copy()
    for column in ("prompt_tokens", "cached_tokens", "output_tokens", "reasoning_tokens", "cache_write_tokens",
                   "cache_write_1h_tokens"):
        totals[column] = totals[column] * 3
    totals["requests"] = 3
    result = engine_result("duckdb", toy, totals, MODELS, tmp_path, request)
    assert_agree(result, numpy_result(toy, single.assign(requests=3), MODELS))
    expanded = numpy_result(toy, pd.concat([single] * 3, ignore_index=True), MODELS).summary.set_index("model")
    mine = result.summary.set_index("model")
    for column in ("total_cost", "cost_median", "cost_p95", "cost_max", "priced", "not_fitting", "no_price"):
        assert np.allclose(mine[column].astype(float), expanded[column].astype(float), rtol=RELATIVE,
                           equal_nan=True), column
    assert result.approximation


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_of_different_weights_with_1h_cache_writes_agree(engine, toy, tmp_path, request):
    """Aggregated rows of 1 to 7 requests, with cache reads and both kinds of cache writes and the export's own
    cost: every count, total, weighted percentile and "as recorded" figure as the numpy engine gives them from the
    same rows read as averages."""
    averages = toy_log()
    averages["requests"] = [1 + (i * 5) % 7 for i in range(len(averages))]
    # the export's own cost of some rows (a row total, never divided): beside ours over the rows both have
    averages["export_cost"] = [0.01 * (i % 5) if i % 4 else np.nan for i in range(len(averages))]
    assert averages["cache_write_1h_tokens"].gt(0).sum() and averages["cache_write_tokens"].gt(0).sum()
    totals = averages.copy()
    for column in ("prompt_tokens", "cached_tokens", "output_tokens", "reasoning_tokens", "cache_write_tokens",
                   "cache_write_1h_tokens"):
        totals[column] = totals[column] * totals["requests"]
    reference = numpy_result(toy, averages, MODELS)
    assert reference.weights is not None and reference.as_recorded["export_rows"]
    assert_agree(engine_result(engine, toy, totals, MODELS, tmp_path, request), reference)


def test_1h_cache_writes_are_billed_at_their_own_rate_on_every_engine(toy, tmp_path, request):
    """One request, 1,000 prompt tokens of which 600 written to the 1-hour cache: 400 × $1 + 600 × $2 (the 1-hour
    rate) per 1M on ``tiered``; on ``closed`` (no write rates) all 1,000 at the input rate."""
    frame = pd.DataFrame([{"timestamp": pd.Timestamp("2026-01-05", tz="UTC"), "prompt_tokens": 1000,
                           "output_tokens": 0, "cache_write_1h_tokens": 600, "model": "tiered"}])
    result = engine_result("duckdb", toy, frame, ["tiered", "closed"], tmp_path, request)
    totals = result.summary.set_index("model")["total_cost"]
    assert math.isclose(totals["tiered"], (400 * 1 + 600 * 2) / 1e6, rel_tol=1e-12)
    assert math.isclose(totals["closed"], 1000 * 1.2 / 1e6, rel_tol=1e-12)
    assert_agree(result, numpy_result(toy, frame, ["tiered", "closed"]))


def test_a_retired_model_has_no_price_on_an_undated_log(registry, tmp_path, request):
    """Priced on a day after a model's retirement, a log without timestamps gets no price on it, as in memory."""
    frame = seed_log(registry, 200).drop(columns=["timestamp"])
    day = dt.date(2026, 4, 1)  # gemini-3-pro was retired on 2026-03-09
    reference = numpy_result(registry, frame, ["gemini-3-pro", "gpt-5.2"], on=day)
    assert reference.summary.set_index("model").loc["gemini-3-pro", "no_price"] == 200
    assert_agree(engine_result("duckdb", registry, frame, ["gemini-3-pro", "gpt-5.2"], tmp_path, request, on=day),
                 reference)


def test_exact_percentiles_match_numpy_on_ties_and_tiny_logs(toy, tmp_path, request):
    """One request, two requests, and many identical requests: the ranks and the interpolation are numpy's."""
    base = {"timestamp": pd.Timestamp("2026-01-12", tz="UTC"), "cached_tokens": 0, "reasoning_tokens": 0,
            "model": "tiered"}
    for rows in ([{"prompt_tokens": 1000, "output_tokens": 10}],
                 [{"prompt_tokens": 1000, "output_tokens": 10}, {"prompt_tokens": 5000, "output_tokens": 0}],
                 [{"prompt_tokens": 777, "output_tokens": 7}] * 40 + [{"prompt_tokens": 90_000, "output_tokens": 1}]):
        frame = pd.DataFrame([{**base, **r} for r in rows])
        assert_agree(engine_result("duckdb", toy, frame, ["tiered"], tmp_path, request),
                     numpy_result(toy, frame, ["tiered"]))


def test_percentile_interpolation_is_numpys(toy, tmp_path, request):
    frame = toy_log()
    result = engine_result("duckdb", toy, frame, ["flat"], tmp_path, request)
    costs = numpy_result(toy, frame, ["flat"]).costs["flat"]
    priced = costs[np.isfinite(costs)]
    median, p95 = np.percentile(priced, [50, 95])
    row = result.summary.iloc[0]
    assert math.isclose(row["cost_median"], median, rel_tol=RELATIVE)
    assert math.isclose(row["cost_p95"], p95, rel_tol=RELATIVE)
    assert NOT_FITTING in set(result.unpriced["kind"]) and NO_PRICE not in set(result.unpriced["kind"])


@pytest.mark.parametrize("misled", [False, True])
def test_a_big_log_located_from_a_sample_is_still_exact(registry, tmp_path, request, monkeypatch, misled):
    """A log over 4× ``GUIDE_ROWS`` finds its percentiles' buckets from a sample, then counts the whole log around
    them; where the sample's windows miss a percentile (forced here: one window below every cost), it counts
    every bucket instead. Exact either way."""
    from analytics.replay import engines

    monkeypatch.setattr(engines, "GUIDE_ROWS", 6_000)
    if misled:
        monkeypatch.setattr(engines, "windows_from", lambda guide: {int(k): [(0.0, 1e-12)] for k in guide["k"]})
    located = []
    targets = engines._targets
    monkeypatch.setattr(engines, "_targets", lambda histogram: located.append(targets(histogram)) or located[-1])
    frame = seed_log(registry, 60_000)
    # models that price requests all through the log (Kimi K2.5 and Qwen3 Max Thinking were released within it:
    # a sample of blocks may hold none of their few priced requests, and then every bucket is counted, exact too)
    models = ["gpt-5.2", "gemini-3-pro", "claude-opus-4.5"]
    reference = numpy_result(registry, frame, models)
    assert_agree(engine_result("duckdb", registry, frame, models, tmp_path, request), reference)
    assert len(located) == (2 if misled else 1)
    assert (located[0] is None) == misled
