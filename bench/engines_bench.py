"""(1c) Replay where the logs live: a 100,000,000-request Parquet log (generated in parts, on disk) replayed on the
five seed models by DuckDB in its own process (time and peak RSS), side by side with the numpy engine and
PostgreSQL on 1,000,000 requests (requests per second each).

The big log is cached in bench/.cache/ (about 1 GB; generating it takes a few minutes) and reused while its
recipe is unchanged. PostgreSQL runs as a throwaway cluster (tests/replay/servers.py); where it cannot start, its
row says why.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import ROOT, median, print_table

BIG_ROWS = 100_000_000
QUICK_ROWS = 10_000_000
PART_ROWS = 5_000_000
SMALL_ROWS = 1_000_000
CACHE = ROOT / "bench" / ".cache"
RECIPE = 1
"""Bump when the generator changes: a cached log of another recipe is generated again."""
GOAL_S, GOAL_RSS_MIB = 60.0, 1024.0


def _part(rows: int, seed: int, end: dt.date, models: list[str]) -> Any:
    """One part of the log, drawn as ``analytics.replay.samples.sample_log`` draws it (``sample_tokens``), written
    straight to Arrow: microsecond UTC times, dictionary-encoded model names."""
    import pyarrow as pa

    from analytics.replay.samples import sample_tokens

    rng = np.random.default_rng(seed)
    prompt, cached, output, reasoning = sample_tokens(rng, rows)
    day_us = 86_400_000_000
    start = (end - dt.date(1970, 1, 1)).days * day_us - 30 * day_us
    stamps = start + np.sort(rng.integers(0, 30 * day_us, rows))
    names = rng.integers(0, len(models), rows).astype(np.int32)
    return pa.table({
        "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
        "model": pa.DictionaryArray.from_arrays(pa.array(names), pa.array(models)),
        "prompt_tokens": prompt.astype(np.int64), "cached_tokens": cached.astype(np.int64),
        "output_tokens": output.astype(np.int64), "reasoning_tokens": reasoning.astype(np.int64),
    })


def big_log(rows: int, end: dt.date, models: list[str]) -> tuple[Path, float]:
    """The folder of Parquet parts holding ``rows`` requests (generated once, one part in memory at a time), and
    the seconds its generation took (0 when reused)."""
    import pyarrow.parquet as pq

    folder = CACHE / f"replay-{rows // 1_000_000}m"
    manifest = folder / "manifest.json"
    recipe = {"rows": rows, "part_rows": PART_ROWS, "end": str(end), "models": models, "recipe": RECIPE}
    if manifest.is_file() and json.loads(manifest.read_text()) == recipe:
        return folder, 0.0
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    start = time.perf_counter()
    for number, first in enumerate(range(0, rows, PART_ROWS)):
        pq.write_table(_part(min(PART_ROWS, rows - first), number, end, models),
                       folder / f"part-{number:04d}.parquet", row_group_size=1_000_000)
    manifest.write_text(json.dumps(recipe))
    return folder, time.perf_counter() - start


def _duckdb_process(folder: Path, models: list[str]) -> dict[str, Any]:
    """``python -m analytics replay FOLDER --engine duckdb`` in its own process: wall time and peak RSS."""
    command = [sys.executable, "-m", "analytics", "replay", str(folder), "--engine", "duckdb", "--json",
               "--memory-limit", "1GB", "--temp-dir", str(CACHE / "spill"), "--timeout", "3600"]
    for model in models:
        command += ["--model", model]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise RuntimeError(f"the DuckDB replay failed: {done.stderr.strip()[-500:]}")
    data = json.loads(done.stdout)
    # ru_maxrss of children is the largest of any child so far: only trust it when it grew
    return {"seconds": seconds, "peak_rss_mib": peak_kib / 1024 if peak_kib > before else None,
            "requests": data["requests"], "summary": data["summary"]}


def _small_runs(registry, models: list[str], end: dt.date) -> list[dict[str, Any]]:
    """numpy, DuckDB and PostgreSQL on the same 1M requests, in this process (median of 3 each)."""
    import pandas as pd

    from analytics.replay.engine import replay
    from analytics.replay.sources import open_files, open_postgres, replay_source
    from analytics.replay.usage import validate_usage

    table = _part(SMALL_ROWS, 99, end, models)
    frame = table.to_pandas()
    frame["model"] = frame["model"].astype(str)
    path = CACHE / "replay-1m.parquet"
    frame.to_parquet(path)
    usage = validate_usage(frame, "bench", csv_lines=False)
    rows = []

    def measure(name: str, run) -> None:
        run()  # warm
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        rows.append({"engine": name, "requests": SMALL_ROWS, "seconds": median(times),
                     "requests_per_s": SMALL_ROWS / median(times)})

    measure("numpy (in memory, validated log)", lambda: replay(registry, usage, models))

    def duck() -> None:
        with open_files(str(path)) as source:
            replay_source(registry, source, models)

    measure("DuckDB (Parquet file)", duck)
    try:
        from tests.replay.servers import postgres_cluster

        with postgres_cluster() as cluster:
            _load_postgres(cluster.url, frame)
            measure("PostgreSQL (a table, in the server)",
                    lambda: _replay_postgres(registry, cluster.reader_url, models, open_postgres, replay_source))
    except (RuntimeError, ImportError) as exc:
        rows.append({"engine": "PostgreSQL", "requests": SMALL_ROWS, "seconds": None, "requests_per_s": None,
                     "note": f"not measured: {exc}"})
    del pd
    return rows


def _replay_postgres(registry, url, models, open_postgres, replay_source) -> None:
    with open_postgres(url, "usage_log") as source:
        replay_source(registry, source, models)


def _load_postgres(url: str, frame) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE usage_log (timestamp timestamptz, model text, prompt_tokens bigint, "
                    "cached_tokens bigint, output_tokens bigint, reasoning_tokens bigint)")
        with con.cursor().copy("COPY usage_log FROM STDIN") as copy:
            for row in frame[["timestamp", "model", "prompt_tokens", "cached_tokens", "output_tokens",
                              "reasoning_tokens"]].itertuples(index=False):
                copy.write_row((row[0].to_pydatetime(), row[1], int(row[2]), int(row[3]), int(row[4]),
                                int(row[5])))
        con.execute("ANALYZE usage_log")


def run(quick: bool = False) -> dict[str, Any]:
    from analytics.core.presets import SEED_DATE, SEED_MODELS
    from analytics.core.registry import bundled_registry

    registry = bundled_registry()
    models = [m for m in SEED_MODELS if m in registry.entries]
    end = SEED_DATE  # the seed's five were all callable then (two have been retired since: no price today)
    rows = QUICK_ROWS if quick else BIG_ROWS
    folder, generated_s = big_log(rows, end, models)
    size_gib = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 2**30
    big = _duckdb_process(folder, models)
    small = _small_runs(registry, models, end)

    table = [{"engine": f"DuckDB, own process ({size_gib:.1f} GiB of Parquet, 1 GB memory limit)",
              "requests": f"{big['requests']:,}", "time": f"{big['seconds']:,.1f} s",
              "requests/s": f"{big['requests'] / big['seconds']:,.0f}",
              "peak RSS": f"{big['peak_rss_mib']:,.0f} MiB" if big["peak_rss_mib"] else "n/a"}]
    for row in small:
        table.append({"engine": row["engine"], "requests": f"{row['requests']:,}",
                      "time": f"{row['seconds']:,.2f} s" if row["seconds"] else row.get("note", "n/a"),
                      "requests/s": f"{row['requests_per_s']:,.0f}" if row["requests_per_s"] else "n/a",
                      "peak RSS": ""})
    print_table(f"(1c) replay on the {len(models)} seed models where the log lives", table)
    if generated_s:
        print(f"the {rows:,}-request log was generated in {generated_s:,.0f} s ({folder.relative_to(ROOT)})")
    met_time = big["seconds"] <= GOAL_S
    rss = big["peak_rss_mib"]
    met_rss = rss is not None and rss <= GOAL_RSS_MIB
    print(f"goal {rows:,} requests in ≤ {GOAL_S:.0f} s: {big['seconds']:,.1f} s — "
          + ("met" if met_time else f"MISSED by {big['seconds'] - GOAL_S:,.1f} s ({big['seconds'] / GOAL_S:.1f}x)")
          + f"; peak RSS ≤ {GOAL_RSS_MIB:,.0f} MiB: " + (f"{rss:,.0f} MiB — {'met' if met_rss else 'MISSED'}"
                                                        if rss else "not measured")
          + f" (on {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end)")
    return {"rows": rows, "parquet_gib": size_gib, "generated_s": generated_s, "duckdb_s": big["seconds"],
            "duckdb_peak_rss_mib": rss, "goal_time_met": met_time, "goal_rss_met": met_rss,
            "duckdb_summary": big["summary"], "one_million": small, "load_average": os.getloadavg()}
