"""Replay usage: what a log of real requests would have cost on each model (analytics/replay/ does the work)."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py


import datetime as dt

import pandas as pd
import streamlit as st

from analytics.charts.replay import cost_distribution_figure, cost_per_model_figure
from analytics.core.presets import seed_models
from analytics.export import to_csv
from analytics.replay.engine import replay
from analytics.replay.usage import (
    CANONICAL_COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    UsageLogError,
    apply_mapping,
    read_usage,
    sample_log,
    suggest_mapping,
    validate_usage,
)
from pages.ui.common import as_of, ask_for_upload, currency, registry, show_chart, show_table, unknown_as_text

SAMPLE_SIZES = [1_000, 10_000, 100_000, 1_000_000]
UNPRICED_SHOWN = 5_000
NONE = "(not in the log)"

reg = registry()
cur, on = currency(), as_of()


@st.cache_resource(max_entries=2, show_spinner="Reading the log…")
def _raw_log(_data: bytes, file_key: str, name: str) -> pd.DataFrame:
    """The uploaded file as read (bounded); shared read-only, keyed by the upload's id."""
    del file_key
    return read_usage(_data, name)


@st.cache_resource(max_entries=8, ttl=3600, show_spinner="Pricing every request on every model…")
def _replayed(_data: bytes | None, file_key: str, name: str, mapping: tuple, models: tuple, cur: str,
              on: dt.date, sample: tuple | None) -> dict:
    """Everything the page shows for one log and one set of choices (small: no per-request arrays).

    A resource, not data: shared read-only (the page copies before it changes anything), so a rerun does not
    unpickle two plotly figures — that alone cost more than the rest of the page."""
    if sample is not None:
        requests, seed = sample
        usage = validate_usage(sample_log(requests, seed=seed, end=reg.as_of()), "sample")
    else:
        raw = _raw_log(_data, file_key, name)
        usage = validate_usage(apply_mapping(raw, dict(mapping), name), name,
                               csv_lines=not name.lower().endswith((".parquet", ".pq")))
    result = replay(reg, usage, list(models), currency=cur, on=on)
    return {
        "summary": result.summary, "tiers": result.tiers, "unpriced": result.unpriced,
        "unknown": result.unknown_recorded, "requests": result.requests, "period": result.period,
        "cost_chart": cost_per_model_figure(result, reg), "distribution_chart": cost_distribution_figure(result, reg),
        "distribution": result.distribution(),
    }


def _use_sample() -> None:
    st.session_state["log"] = "sample"


def _show_problems(exc: UsageLogError) -> None:
    st.error("This log cannot be replayed:\n\n" + "\n".join(f"- {p}" for p in exc.problems), icon="🚫")


st.title("🧾 Replay usage")
st.caption("What would your real traffic have cost on each model? Every request is billed at its own context tier "
           "and at the price in force on its day; requests a model cannot take are counted and listed, never "
           "priced at 0.")

with st.sidebar:
    st.subheader("Replay")
    models = st.multiselect("Models", reg.model_ids(), default=seed_models(reg), key="models",
                            help="Every request of the log is priced on each of these models")

source = st.radio("Usage log", ["upload", "sample"], key="log", horizontal=True, bind="query-params",
                  format_func={"upload": "Upload a log", "sample": "Generated sample"}.get)

sample = None
data, file_key, name, mapping = None, "", "", ()
if source == "sample":
    left, right = st.columns(2)
    requests = left.select_slider("Requests in the sample", SAMPLE_SIZES, value=10_000, key="requests",
                                  format_func=lambda n: f"{n:,}", bind="query-params")
    seed = right.number_input("Random seed", min_value=0, max_value=10_000, value=0, step=1, key="seed",
                              bind="query-params")
    sample = (int(requests), int(seed))
    st.caption(f"A generated log (seed {seed}) over the 30 days to {reg.as_of()}: mostly chat-sized prompts with a "
               "long-context tail, caching on most requests, reasoning on some, recorded on the seed models in turn.")
else:
    uploaded = st.file_uploader(
        f"CSV or Parquet, one row per request, at most {MAX_BYTES // 1024 // 1024} MB and {MAX_ROWS:,} rows",
        type=["csv", "parquet"], key="upload", max_upload_size=MAX_BYTES // 1024 // 1024,
        help="Columns: prompt_tokens (the whole prompt, cached included), output_tokens (visible output), and "
             "optionally cached_tokens, reasoning_tokens, timestamp (ISO 8601, UTC if no zone) and model",
    )
    st.button("Use a generated sample", key="use_sample", on_click=_use_sample, icon="🎲",
              help="No log at hand? Try a generated one")
    if uploaded is None:
        ask_for_upload("Upload a usage log, or use a generated sample to see what the replay shows.")
        st.stop()
    if uploaded.size > MAX_BYTES:
        st.error(f"{uploaded.name} is {uploaded.size / 1024 / 1024:,.1f} MB: the limit is "
                 f"{MAX_BYTES // 1024 // 1024} MB. Split the log, or replay it with the CLI "
                 "(`python -m analytics replay FILE --max-mb N`).", icon="🚫")
        st.stop()
    data, file_key, name = uploaded.getvalue(), uploaded.file_id, uploaded.name
    try:
        raw = _raw_log(data, file_key, name)
    except UsageLogError as exc:
        _show_problems(exc)
        st.stop()
    columns = [str(c) for c in raw.columns]
    suggested = suggest_mapping(columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in suggested]
    with st.expander("Column mapping", expanded=bool(missing)):
        st.caption("Which column of your file holds each figure. prompt_tokens must include cached tokens; "
                   "output_tokens must exclude reasoning tokens when the log has a reasoning column.")
        chosen = {}
        grid = st.columns(3)
        for i, target in enumerate(CANONICAL_COLUMNS):
            options = [NONE, *columns]
            default = options.index(suggested[target]) if target in suggested else 0
            pick = grid[i % 3].selectbox(target + (" *" if target in REQUIRED_COLUMNS else ""), options,
                                         index=default, key=f"map_{target}")
            if pick != NONE:
                chosen[target] = pick
    mapping = tuple(sorted(chosen.items()))

if not models:
    st.warning("Choose at least one model in the sidebar.")
    st.stop()

try:
    view = _replayed(data, file_key, name, mapping, tuple(models), cur, on, sample)
except UsageLogError as exc:
    _show_problems(exc)
    st.stop()

period = view["period"]
when = (f"from {period[0]} to {period[1]}, each request at the price of its day" if period
        else f"all at the prices of {on} (the log has no timestamps)")
st.subheader(f"{view['requests']:,} requests, {when}")

summary = view["summary"].copy()
summary["saving_pct"] = summary["saving_share"] * 100
table = summary[["name", "total_cost", "cost_median", "cost_p95", "cost_max", "saving", "saving_pct", "priced",
                 "not_fitting", "no_price", "tier_shares"]]
show_table(
    unknown_as_text(table, ["total_cost", "cost_median", "cost_p95", "cost_max"], cur, signed_money=["saving"],
                    percent_columns=["saving_pct"]),
    "replay-summary",
    column_config={
        "name": st.column_config.TextColumn("Model", pinned=True),
        "total_cost": st.column_config.NumberColumn("Total", help="over the requests this model can price"),
        "cost_median": st.column_config.NumberColumn("Median / request"),
        "cost_p95": st.column_config.NumberColumn("p95 / request"),
        "cost_max": st.column_config.NumberColumn("Max / request"),
        "saving": st.column_config.NumberColumn(
            "Saving vs recorded", help="cost on the model each request was recorded on − cost on this model, over "
                                       "the requests both can price: positive = this model is cheaper"),
        "saving_pct": st.column_config.NumberColumn("Saving (%)"),
        "priced": st.column_config.NumberColumn("Priced"),
        "not_fitting": st.column_config.NumberColumn("Do not fit", help="beyond the model's window or caps"),
        "no_price": st.column_config.NumberColumn("No price", help="no price in force on the request's day"),
        "tier_shares": st.column_config.TextColumn("Share of requests per tier"),
    },
)
if view["unknown"]:
    names = ", ".join(f"{k} ({v:,} requests)" for k, v in view["unknown"].items())
    st.caption(f"Recorded on models the registry does not know, so left out of the saving: {names}.")

show_chart(view["cost_chart"], view["summary"], "replay-cost-per-model")
show_chart(view["distribution_chart"], view["distribution"], "replay-cost-distribution")

unpriced = view["unpriced"]
with st.expander(f"Requests that got no cost: {len(unpriced):,} (request × model)", expanded=False):
    if unpriced.empty:
        st.write("Every request fits every model and has a price.")
    else:
        st.caption("Rows count from 1 at the first request of the log. "
                   + (f"The first {UNPRICED_SHOWN:,} are shown; the download has all of them."
                      if len(unpriced) > UNPRICED_SHOWN else ""))
        show_table(unpriced.head(UNPRICED_SHOWN), "replay-unpriced")
        st.download_button("Download the full list (CSV)", data=lambda: to_csv(unpriced), on_click="ignore",
                           file_name="replay-unpriced.csv", mime="text/csv", key="unpriced_csv")
