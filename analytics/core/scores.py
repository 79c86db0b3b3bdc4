"""Benchmark scores (HLE) as tables, and the policy that picks one score per model from many reports.

Several results per model and condition are normal (vendor blog, a competitor's comparison table, press, the
seed report). Which one is plotted is the user's choice, made explicit here: a condition (``tools``,
``no-tools`` or ``best`` available), which reporter kinds count, and how to pick among the rest (``best`` score
or ``latest`` report). A model with no eligible score is kept with a NaN score and a status that says why —
never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import AnalyticsError
from .lifecycle import is_live
from .registry import Registry

CONDITIONS = ("best", "tools", "no-tools")
"""``best``: the best available score whatever the condition; else only results of that condition."""
CONDITION_LABELS = {"best": "best available", "tools": "with tools", "no-tools": "no tools"}
REPORTER_KINDS = ("vendor", "maintainer", "third-party", "press", "seed-report")
REPORTER_LABELS = {"vendor": "vendor (the lab itself)", "maintainer": "the benchmark's maintainers (CAIS / Scale AI)",
                   "third-party": "third-party (a rival's table, an evaluator)", "press": "press",
                   "seed-report": "the seed report"}
ANY_REPORTER = "any"
PICKS = ("best", "latest")
"""``best``: the highest eligible score; ``latest``: the most recently published (ties: the higher score)."""
FULL_OR_UNSTATED = "full-or-unstated"
SUBSETS = (FULL_OR_UNSTATED, "any", "full", "text-only")
"""``full-or-unstated``: the full set, or a report that does not say (labs usually report the full set without
saying so; such scores are flagged "subset not stated"); ``any`` adds text-only scores."""
SUBSET_LABELS = {FULL_OR_UNSTATED: "full set, or not stated", "any": "any subset (mixes text-only in)",
                 "full": "full set only (stated)", "text-only": "text-only subset only"}


@dataclass(frozen=True)
class ScorePolicy:
    """Which reported scores count and how one is picked per model: the choices behind every plotted score."""

    condition: str = "tools"
    reporters: tuple[str, ...] = ("vendor", "maintainer")
    pick: str = "best"
    subset: str = FULL_OR_UNSTATED
    include_disputed: bool = False
    """Disputed figures (no primary source confirms them) are never plotted unless asked for, and then marked."""


DEFAULT_POLICY = ScorePolicy()
"""Like with like by default: one condition (with tools, as the seed report's chart), the labs' own and the
benchmark maintainers' figures, the full set (or unstated), no disputed figure."""
SEED_POLICY = ScorePolicy(condition="tools", reporters=("seed-report",), pick="best", subset="any",
                          include_disputed=True)
"""The seed report's own figures, as it plotted them (its disputed ones included, and marked)."""

RESULT_COLUMNS = [
    "model", "name", "provider", "country", "score", "condition", "subset", "reporter_kind", "reporter", "source",
    "date", "note", "disputed",
]
SELECTION_COLUMNS = [*RESULT_COLUMNS, "candidates", "status"]


def results_frame(registry: Registry, benchmark: str = "hle") -> pd.DataFrame:
    """Every reported result of ``benchmark``, one row each, with the model's name, provider and country."""
    rows = []
    for result in registry.results(benchmark):
        entry = registry.entry(result.model)
        rows.append({
            "model": entry.model.id, "name": entry.model.name, "provider": entry.provider.name,
            "country": entry.provider.country, "score": float(result.score), "condition": result.condition,
            "subset": result.subset, "reporter_kind": result.reporter_kind, "reporter": result.reporter,
            "source": result.source, "date": result.date, "note": result.note, "disputed": result.disputed,
        })
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def normalise_reporters(reporters: str | Iterable[str] | None) -> tuple[str, ...]:
    """``None``, ``"any"`` or a list holding ``"any"`` → every kind; otherwise the kinds given, validated."""
    if reporters is None:
        return REPORTER_KINDS
    if isinstance(reporters, str):
        reporters = [part.strip() for part in reporters.split(",") if part.strip()]
    kinds = tuple(dict.fromkeys(reporters))
    if not kinds or ANY_REPORTER in kinds:
        return REPORTER_KINDS
    unknown = [k for k in kinds if k not in REPORTER_KINDS]
    if unknown:
        raise AnalyticsError(
            f"unknown reporter kind {', '.join(map(repr, unknown))}: use {', '.join(REPORTER_KINDS)} or any"
        )
    return kinds


def eligible_results(
    results: pd.DataFrame,
    condition: str = "best",
    reporters: str | Iterable[str] | None = None,
    subset: str = "any",
    *,
    include_disputed: bool = False,
    on: dt.date | None = None,
) -> pd.DataFrame:
    """The results that may be plotted under a policy (before picking one per model): of the condition, subset
    and reporter kinds asked, not disputed unless ``include_disputed``, and published on or before ``on``."""
    if condition not in CONDITIONS:
        raise AnalyticsError(f"condition {condition!r}: use one of {', '.join(CONDITIONS)}")
    if subset not in SUBSETS:
        raise AnalyticsError(f"subset {subset!r}: use one of {', '.join(SUBSETS)}")
    kinds = normalise_reporters(reporters)
    keep = results["reporter_kind"].isin(kinds)
    if condition != "best":
        keep &= results["condition"] == condition
    if subset == FULL_OR_UNSTATED:
        keep &= results["subset"].isna() | (results["subset"] == "full")
    elif subset != "any":
        # a result whose reporter does not say which subset (null) is not counted for a specific subset
        keep &= results["subset"] == subset
    if not include_disputed and "disputed" in results:
        keep &= ~results["disputed"].fillna(False).astype(bool)
    if on is not None:
        keep &= results["date"] <= on
    return results[keep]


def _pick_one(candidates: pd.DataFrame, pick: str) -> pd.Series:
    if pick == "best":
        ordered = candidates.sort_values(["score", "date"], ascending=[False, False], kind="stable")
    else:
        ordered = candidates.sort_values(["date", "score"], ascending=[False, False], kind="stable")
    return ordered.iloc[0]


def select_scores(
    results: pd.DataFrame | Registry,
    condition: str = "best",
    reporters: str | Iterable[str] | None = None,
    pick: str = "best",
    subset: str = "any",
    *,
    models: pd.DataFrame | None = None,
    include_disputed: bool = False,
    on: dt.date | None = None,
) -> pd.DataFrame:
    """One row per model: the score chosen under the policy, with its reporter, source and date.

    Disputed figures count only with ``include_disputed``; with ``on``, only scores published on or before it
    (a past view knows only what was published then).

    ``results`` is ``results_frame(registry)`` (or a registry, whose HLE results are used). ``models`` lists the
    models to report on (columns ``model, name, provider, country``); by default every model of the registry, or
    every model that has any result when a bare frame is given. Models with no eligible score get NaN and a
    ``status`` saying why: "no score reported" or "no score under this policy". ``candidates`` counts the
    eligible results the pick chose from.
    """
    if pick not in PICKS:
        raise AnalyticsError(f"pick {pick!r}: use one of {', '.join(PICKS)}")
    if isinstance(results, Registry):
        if models is None:
            models = model_frame(results)
        results = results_frame(results)
    if models is None:
        models = results[["model", "name", "provider", "country"]].drop_duplicates("model")
    eligible = eligible_results(results, condition, reporters, subset, include_disputed=include_disputed, on=on)
    reported = set(results["model"] if on is None else results.loc[results["date"] <= on, "model"])
    rows = []
    for model in models.itertuples(index=False):
        candidates = eligible[eligible["model"] == model.model]
        base = {"model": model.model, "name": model.name, "provider": model.provider, "country": model.country}
        if candidates.empty:
            status = "no score under this policy" if model.model in reported else "no score reported"
            rows.append({**{c: None for c in RESULT_COLUMNS}, **base, "score": np.nan, "candidates": 0,
                         "status": status})
            continue
        chosen = _pick_one(candidates, pick)
        rows.append({**{c: chosen.get(c) for c in RESULT_COLUMNS}, **base, "candidates": len(candidates),
                     "status": "ok"})
    frame = pd.DataFrame(rows, columns=SELECTION_COLUMNS)
    frame["score"] = frame["score"].astype(float)
    return frame


def model_frame(registry: Registry) -> pd.DataFrame:
    """Every model of the registry: id, name, provider, country (the rows a score table reports on)."""
    return pd.DataFrame(
        [{"model": e.model.id, "name": e.model.name, "provider": e.provider.name, "country": e.provider.country}
         for e in registry.models()],
        columns=["model", "name", "provider", "country"],
    )


def without_score(selection: pd.DataFrame) -> pd.DataFrame:
    """The models of a ``select_scores`` table that have no score, with the reason."""
    return selection.loc[selection["score"].isna(), ["model", "name", "provider", "country", "status"]]


def conditions_table(
    results: pd.DataFrame | Registry,
    reporters: str | Iterable[str] | None = None,
    pick: str = "best",
    subset: str = "any",
    *,
    models: pd.DataFrame | None = None,
    include_disputed: bool = False,
    on: dt.date | None = None,
) -> pd.DataFrame:
    """Per model, the score without tools and with tools side by side (the seed report's HLE bar chart).

    Long format, two rows per model (``condition`` = ``no-tools`` / ``tools``), each picked under the same policy;
    a model with neither score is still listed (NaN), so the chart can say it has none. ``gain`` is the
    tools score minus the no-tools score (NaN unless both exist), repeated on both rows.
    """
    parts = []
    for condition in ("no-tools", "tools"):
        picked = select_scores(results, condition, reporters, pick, subset, models=models,
                               include_disputed=include_disputed, on=on)
        picked["condition"] = condition
        parts.append(picked)
    frame = pd.concat(parts, ignore_index=True)
    wide = frame.pivot(index="model", columns="condition", values="score")
    gain = (wide["tools"] - wide["no-tools"]).rename("gain")
    frame = frame.merge(gain, left_on="model", right_index=True, how="left")
    order = {m: i for i, m in enumerate(frame["model"].drop_duplicates())}
    frame["_order"] = frame["model"].map(order)
    frame = frame.sort_values(["_order", "condition"], ascending=[True, True], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


def subset_mix(selection: pd.DataFrame) -> str:
    """How the plotted scores' subsets mix: "" when they are all one subset, else e.g. "full set: 3, subset not
    stated: 12, text-only: 1" — shown on the chart so that a mixed axis is never silent."""
    scored = selection[selection["score"].notna()]
    if scored.empty:
        return ""
    counts = scored["subset"].astype(object).where(scored["subset"].notna(), "not stated").value_counts()
    if len(counts) <= 1:
        return ""
    names = {"full": "full set", "text-only": "text-only", "not stated": "subset not stated"}
    return ", ".join(f"{names.get(k, k)}: {v}" for k, v in counts.items())


def model_frame_on(registry: Registry, on: dt.date, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """``model_frame`` restricted to ``ids`` (in that order) or, by default, to the models live on ``on``:
    retired and not-yet-released models are left out of default selections."""
    frame = model_frame(registry)
    if ids is not None:
        wanted = [registry.resolve_id(i) for i in ids]
        return frame.set_index("model").loc[wanted].reset_index()
    live = [is_live(registry.model(m), on) for m in frame["model"]]
    return frame[live].reset_index(drop=True)


def readable_scores(selection: pd.DataFrame) -> pd.DataFrame:
    """The chosen scores as a table says them: a missing subset reads "not stated", a disputed figure "disputed"."""
    return selection.assign(
        subset=selection["subset"].astype(object).where(selection["subset"].notna(), "not stated"),
        disputed=selection["disputed"].map(lambda d: "disputed" if isinstance(d, (bool, np.bool_)) and d else ""),
    )
