"""Generated samples of each usage export: the generated log written in one format's own layout.

One writer for every format: a format's ``SampleSpec`` says what each column holds (a template over one request,
or over one day's bucket), so a sample has the export's real header and value forms. Prompts are kept within the
recorded model's limits (a provider refuses the rest), Claude's requests write to both caches where the export
can say so, and cost columns hold what the request cost on its recorded model at the registry's price of its day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import string
import zlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analytics.core.errors import AnalyticsError
from analytics.core.presets import SEED_MODELS, live_throughout, replay_models
from analytics.core.pricing import prompt_cap
from analytics.core.registry import Registry

from .engine import replay
from .formats import UsageFormat, format_named

AUTHORS = {"openai": "openai", "anthropic": "anthropic", "google": "google", "moonshot": "moonshotai",
           "alibaba": "qwen", "deepseek": "deepseek", "xai": "x-ai"}
"""Registry provider id → the author part of an OpenRouter permaslug."""
_DATED = re.compile(r"(?:\d{8}|\d{4}-\d{2}-\d{2})$")


def _dated_name(registry: Registry, model_id: str) -> str:
    """The dated snapshot name providers log (``gpt-5.2-2025-12-11``), else the id."""
    model = registry.model(model_id)
    return next((a for a in model.aliases if "/" not in a and _DATED.search(a)), model_id)


def _permaslug(registry: Registry, model_id: str) -> str:
    """OpenRouter's versioned slug: author/name-YYYYMMDD, Claude's version before its family."""
    entry = registry.entry(model_id)
    slug = re.sub(r"^claude-(opus|sonnet|haiku)-(.+)$", r"claude-\2-\1", model_id)
    released = entry.model.released
    suffix = f"-{released:%Y%m%d}" if released else ""
    return f"{AUTHORS.get(entry.provider.id, entry.provider.id)}/{slug}{suffix}"


def _requests(registry: Registry, fmt: UsageFormat, requests: int, seed: int, end: dt.date) -> pd.DataFrame:
    """The generated log for this format: its models, prompts within their limits, writes where it has columns."""
    first = end - dt.timedelta(days=SAMPLE_DAYS)
    preferred = live_throughout(registry, fmt.sample.models, first, end)[:2]
    models = preferred or sample_models(registry, end)
    frame = sample_log(requests, seed=seed, end=end, models=models)
    if fmt.sample.empty_day:  # an export with empty-day rows: leave two days without requests
        days = frame["timestamp"].dt.normalize()
        quiet = sorted(days.unique())[2:4]
        frame = frame[~days.isin(quiet)].reset_index(drop=True)
    for model_id in models:
        model = registry.model(model_id)
        rows = frame["model"] == model_id
        limit_out = model.max_output_tokens or 10**9
        frame.loc[rows, "reasoning_tokens"] = np.minimum(frame.loc[rows, "reasoning_tokens"], limit_out // 2)
        frame.loc[rows, "output_tokens"] = np.minimum(frame.loc[rows, "output_tokens"], limit_out // 2)
        room = prompt_cap(model)
        if not model.max_input_tokens:
            room = room - frame.loc[rows, "output_tokens"] - frame.loc[rows, "reasoning_tokens"]
        frame.loc[rows, "prompt_tokens"] = np.minimum(frame.loc[rows, "prompt_tokens"], room)
        frame.loc[rows, "cached_tokens"] = np.minimum(frame.loc[rows, "cached_tokens"],
                                                      frame.loc[rows, "prompt_tokens"])
    rest = frame["prompt_tokens"] - frame["cached_tokens"]
    claude = frame["model"].map(lambda m: registry.entry(m).provider.id == "anthropic").to_numpy()
    writes = "cache_write_tokens" in fmt.mapping
    writes_1h = "cache_write_1h_tokens" in fmt.mapping
    frame["cache_write_tokens"] = np.where(claude & writes, (rest * 0.2).astype(np.int64), 0)
    frame["cache_write_1h_tokens"] = np.where(claude & writes_1h, (rest * 0.1).astype(np.int64), 0)
    if "reasoning_tokens" not in fmt.mapping and "requests" not in fmt.mapping and not fmt.aggregated:
        frame["reasoning_tokens"] = 0  # an export with no reasoning figure: the output is all there is
    usage = frame.copy()
    usage["model"] = usage["model"].astype("category")
    frame["cost"] = replay(registry, usage, models).recorded_cost
    return frame


def _values(registry: Registry, row: dict, count_as_float: bool) -> dict[str, str]:
    number = (lambda v: f"{float(v):.1f}") if count_as_float else (lambda v: str(int(v)))
    model_id = row["model"]
    provider = registry.entry(model_id).provider
    start: pd.Timestamp = row["timestamp"]
    stop = start + pd.Timedelta(days=1) if row.get("per_day") else start
    prompt, cached = int(row["prompt_tokens"]), int(row["cached_tokens"])
    w5, w1 = int(row["cache_write_tokens"]), int(row["cache_write_1h_tokens"])
    output, reasoning = int(row["output_tokens"]), int(row["reasoning_tokens"])
    key = f"{start.isoformat()}{model_id}{row['n']}"
    return {
        "id": f"{zlib.crc32(key.encode()):08x}-{row['n']:04d}", "n": str(row["n"]),
        "timestamp_iso": start.strftime("%Y-%m-%dT%H:%M:%S.") + f"{start.microsecond // 1000:03d}Z",
        "timestamp_sql": start.strftime("%Y-%m-%d %H:%M:%S.") + f"{start.microsecond // 1000:03d}",
        "iso_offset": start.isoformat(), "iso_offset_end": stop.isoformat(), "date": f"{start:%Y-%m-%d}",
        "unix": str(int(start.timestamp())), "unix_end": str(int(stop.timestamp())),
        "model": model_id, "model_dated": _dated_name(registry, model_id),
        "permaslug": _permaslug(registry, model_id), "provider": provider.name,
        "provider_lower": provider.id,
        "prompt": number(prompt), "cached": number(cached), "write_5m": number(w5), "write_1h": number(w1),
        "writes": number(w5 + w1), "uncached": number(prompt - cached - w5 - w1),
        "prompt_no_reads": number(prompt - cached), "output": number(output), "reasoning": number(reasoning),
        "completion": number(output + reasoning), "total": number(prompt + output + reasoning),
        "requests": number(row.get("requests", 1)), "cost": f"{row['cost']:.10g}",
    }


def format_sample(registry: Registry, name: str, *, requests: int = 200, seed: int = 0,
                  end: dt.date | None = None) -> bytes:
    """A sample export of format ``name`` (CSV bytes, as the export writes it), from a generated log."""
    fmt = format_named(name)
    if fmt is None or fmt.sample is None:
        raise KeyError(name)
    spec = fmt.sample
    frame = _requests(registry, fmt, requests, seed, end or registry.as_of())
    if spec.per_day:
        frame["day"] = frame["timestamp"].dt.normalize()
        sums = ["prompt_tokens", "cached_tokens", "cache_write_tokens", "cache_write_1h_tokens", "output_tokens",
                "reasoning_tokens", "cost"]
        grouped = frame.groupby(["day", "model"], observed=True)
        buckets = grouped[sums].sum().join(grouped.size().rename("requests")).reset_index()
        all_days = pd.date_range(frame["day"].min(), frame["day"].max(), freq="D")
        records: list[dict | None] = []
        for day in all_days:
            part = buckets[buckets["day"] == day]
            records += [dict(r, timestamp=day, per_day=True) for r in part.to_dict("records")] or [
                {"timestamp": day} if spec.empty_day else None]
        records = [r for r in records if r is not None]
    else:
        records = frame.to_dict("records")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=spec.line_end,
                        quoting=csv.QUOTE_ALL if spec.quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(list(spec.columns))
    for n, record in enumerate(records, start=1):
        if "model" not in record:  # an empty day: only the bucket's times
            values = {"unix": str(int(record["timestamp"].timestamp())),
                      "unix_end": str(int((record["timestamp"] + pd.Timedelta(days=1)).timestamp())),
                      "iso_offset": record["timestamp"].isoformat(),
                      "iso_offset_end": (record["timestamp"] + pd.Timedelta(days=1)).isoformat()}
            writer.writerow([string.Template(t).substitute(values) if c in spec.empty_day else ""
                             for c, t in spec.columns.items()])
            continue
        values = _values(registry, dict(record, n=n), spec.count_as_float)
        writer.writerow([string.Template(template).substitute(values) for template in spec.columns.values()])
    text = out.getvalue()
    if not spec.final_newline:
        text = text.removesuffix(spec.line_end)
    return text.encode("utf-8")


# -- the generated log ------------------------------------------------------------------------------------------

SAMPLE_DAYS = 30
"""A generated log covers the 30 days up to its last day."""


def sample_models(registry: Registry, end: dt.date, days: int = SAMPLE_DAYS) -> list[str]:
    """The models a generated log ending on ``end`` is recorded on: each provider's newest flagship callable on
    every day of the log (on the seed report's day, the seed's five with DeepSeek V3.2 and Grok 4)."""
    return replay_models(registry, end - dt.timedelta(days=days), end)


def sample_tokens(rng: np.random.Generator, requests: int) -> tuple[np.ndarray, ...]:
    """A generated log's token counts (prompt, cached, output, reasoning; float arrays of whole numbers), drawn
    from ``rng`` in this order: a chat-like bulk with a 3% long-context tail, caching on 60% of requests,
    reasoning on 40%."""
    long_context = rng.random(requests) < 0.03
    prompt = np.where(long_context, rng.lognormal(np.log(150_000), 0.45, requests),
                      rng.lognormal(np.log(6_000), 1.2, requests))
    prompt = np.clip(np.round(prompt), 50, 900_000)
    cached = np.where(rng.random(requests) < 0.6, np.floor(prompt * rng.beta(4, 3, requests)), 0)
    output = np.clip(np.round(rng.lognormal(np.log(600), 1.0, requests)), 1, 30_000)
    reasoning = np.where(rng.random(requests) < 0.4, np.clip(np.round(rng.lognormal(np.log(1_500), 1.0, requests)),
                                                             1, 60_000), 0)
    return prompt, cached, output, reasoning


def sample_log(requests: int = 5_000, *, seed: int = 0, end: dt.date = dt.date(2026, 1, 31),
               days: int = SAMPLE_DAYS, models: Iterable[str] | None = None,
               registry: Registry | None = None) -> pd.DataFrame:
    """A generated log to try the replay (deterministic for a ``seed``): a chat-like bulk of requests with a
    long-context tail (some prompts beyond 200K and 262K, so tiers and limits show), caching on most requests,
    reasoning on some, timestamps over the ``days`` days up to ``end`` (UTC), recorded on ``models`` in turn
    (default: ``sample_models`` of the ``registry``, or the seed report's five without one)."""
    if requests <= 0:
        raise AnalyticsError("a sample needs at least one request")
    rng = np.random.default_rng(seed)
    prompt, cached, output, reasoning = sample_tokens(rng, requests)
    start = pd.Timestamp(end, tz="UTC") - pd.Timedelta(days=days)
    seconds = np.sort(rng.integers(0, days * 86_400, requests))
    if models is None:
        models = sample_models(registry, end, days) if registry is not None else SEED_MODELS
    recorded = list(models)
    return pd.DataFrame({
        "timestamp": start + pd.to_timedelta(seconds, unit="s"),
        "model": np.array(recorded, dtype=object)[rng.integers(0, len(recorded), requests)],
        "prompt_tokens": prompt.astype(np.int64),
        "cached_tokens": cached.astype(np.int64),
        "output_tokens": output.astype(np.int64),
        "reasoning_tokens": reasoning.astype(np.int64),
    })


def sample_csv(requests: int = 5_000, *, seed: int = 0, end: dt.date = dt.date(2026, 1, 31),
               registry: Registry | None = None) -> bytes:
    """The sample log as CSV bytes (ISO 8601 timestamps), the format an upload has."""
    frame = sample_log(requests, seed=seed, end=end, registry=registry)
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame.to_csv(index=False).encode()
