"""Replay usage: what a log of real requests — or a usage export of OpenAI, Anthropic, OpenRouter, LiteLLM, Langfuse
or Helicone — would have cost on each model (analytics/replay/ does the work)."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py


import datetime as dt

import pandas as pd
import streamlit as st

from analytics.charts.replay import cost_distribution_figure, cost_per_model_figure
from analytics.core.errors import AnalyticsError
from analytics.core.presets import replay_models
from analytics.export import to_csv
from analytics.formatting import as_recorded_text, count, log_lines, rows
from analytics.replay.engine import replay
from analytics.replay.formats import FORMATS, format_named
from analytics.replay.reading import MAX_BYTES, MAX_ROWS, UsageLogError, read_usage
from analytics.replay.samples import SAMPLE_DAYS, format_sample, sample_log
from analytics.replay.sources import ConfiguredSource, configured_sources, replay_source
from analytics.replay.usage import (
    CANONICAL_COLUMNS,
    DEFAULT_AVERAGE_PROMPT,
    NO_FORMAT,
    REQUIRED_COLUMNS,
    read_log,
    resolve_mapping,
    validate_usage,
)
from pages.ui.common import (
    as_of,
    ask_for_upload,
    currency,
    md_escape,
    model_picker,
    registry,
    show_chart,
    show_table,
    unknown_as_text,
    view_models,
)
from pages.ui.session import forget_upload, keep_upload, kept_upload

SAMPLE_SIZES = [1_000, 10_000, 100_000, 1_000_000]
UNPRICED_SHOWN = 5_000
AUTO = "auto"
FORMAT_NAMES = {AUTO: "Detect from the header", **{f.name: f.title for f in FORMATS},
                NO_FORMAT: "None: columns named like the canonical ones"}

reg = registry()
cur, on = currency(), as_of()


@st.cache_resource(max_entries=2, show_spinner="Reading the log…")
def _raw_log(_data: bytes, file_key: str, name: str) -> pd.DataFrame:
    """The uploaded file as read (bounded); shared read-only, keyed by the upload's id."""
    del file_key
    return read_usage(_data, name)


@st.cache_resource(max_entries=8, show_spinner="Writing the sample export…")
def _export_sample(name: str, as_of_day: dt.date) -> bytes:
    """A generated sample of one export format (bytes, as the export writes them)."""
    return format_sample(reg, name, end=as_of_day)


@st.cache_resource(max_entries=8, ttl=3600, show_spinner="Pricing every request on every model…")
def _replayed(_data: bytes | None, file_key: str, name: str, mapping: tuple, models: tuple, cur: str,
              on: dt.date, sample: tuple | None, format_name: str | None = None,
              average_prompt: float = DEFAULT_AVERAGE_PROMPT) -> dict:
    """Everything the page shows for one log and one set of choices (small: no per-request arrays).

    A resource, not data: shared read-only (the page copies before it changes anything), so a rerun does not
    unpickle two plotly figures — that alone cost more than the rest of the page."""
    log = None
    if sample is not None:
        requests, seed = sample
        usage = validate_usage(sample_log(requests, seed=seed, end=on, registry=reg), "sample")
    else:
        log = read_log(None, name, dict(mapping), format_name=format_name, average_prompt=average_prompt,
                       raw=_raw_log(_data, file_key, name))
        usage = log.frame
    result = replay(reg, usage, list(models), currency=cur, on=on)
    return {
        "summary": result.summary, "tiers": result.tiers, "unpriced": result.unpriced,
        "unknown": result.unknown_recorded, "requests": result.requests, "period": result.period,
        "rows": result.rows, "approximation": result.approximation,
        "as_recorded": result.as_recorded, "recorded_names": result.recorded_names,
        "log": log.as_dict() if log else None,
        "cost_chart": cost_per_model_figure(result, reg), "distribution_chart": cost_distribution_figure(result, reg),
        "distribution": result.distribution(),
    }


def _server_sources() -> tuple[list[ConfiguredSource], list[str]]:
    """The logs the server's owner configured in .streamlit/secrets.toml (none without that file)."""
    try:
        connections = st.secrets.get("connections", {})
    except (FileNotFoundError, KeyError, st.errors.StreamlitAPIException):
        return [], []
    return configured_sources(connections)


@st.cache_resource(max_entries=8, ttl=600, show_spinner="Pricing the log where it lives…")
def _replayed_at_source(_source: ConfiguredSource, source_key: str, models: tuple, cur: str, on: dt.date) -> dict:
    """The replay of a configured source, priced in its engine (only the summary comes back), for ten minutes."""
    del source_key  # the section's name: the cache key (the source itself, holding secrets, is not hashed)
    with _source.open() as opened:
        result = replay_source(reg, opened, list(models), currency=cur, on=on)
    return {
        "summary": result.summary, "tiers": result.tiers, "unpriced": result.unpriced,
        "unknown": result.unknown_recorded, "requests": result.requests, "period": result.period,
        "rows": result.rows, "approximation": result.approximation,
        "as_recorded": result.as_recorded, "recorded_names": result.recorded_names, "log": None,
        "cost_chart": cost_per_model_figure(result, reg), "distribution_chart": cost_distribution_figure(result, reg),
        "distribution": result.distribution(), "engine": result.engine,
    }


def _use_sample() -> None:
    st.session_state["log"] = "sample"


def _use_export(name: str) -> None:
    st.session_state["log"] = "export"
    st.session_state["export"] = name


def _show_problems(exc: UsageLogError) -> None:
    st.error("This log cannot be replayed:\n\n" + "\n".join(f"- {p}" for p in exc.problems), icon="🚫")


st.title("🧾 Replay usage")
st.caption("What would your real traffic have cost on each model? Every request is billed at its own context tier "
           "and at the price in force on its day; requests a model cannot take are counted and listed, never "
           "priced at 0.")

# in the page body: a phone shows the sidebar collapsed
month = replay_models(reg, on - dt.timedelta(days=SAMPLE_DAYS), on)
models = model_picker(reg, "Models to price the log on", view_models() or month,
                      help="Every request of the log is priced on each of these models")

# the options are the link's values (?log=sample): a bound widget with format_func would put its labels there
servers, server_problems = _server_sources()
kinds = {"upload": "your CSV or Parquet log", "export": "a generated usage export", "sample": "a generated log",
         **({"server": "configured on this server, priced where it lives"} if servers else {})}
source = st.radio("Usage log", list(kinds), key="log", horizontal=True, bind="query-params",
                  captions=list(kinds.values()))
for problem in server_problems:
    st.warning(f"A usage log configured in .streamlit/secrets.toml is left out: {problem}", icon="⚠️")

sample, server = None, None
data, file_key, name, mapping, format_name, average_prompt = None, "", "", (), None, DEFAULT_AVERAGE_PROMPT
if source == "server":
    by_name = {s.name: s for s in servers}
    chosen_name = st.selectbox("Log", list(by_name), key="server_log", format_func=lambda n: by_name[n].label,
                               help="Logs the server's owner configured: priced where they live (a database, a "
                                    "Parquet folder), of any size; only the summary comes to this page")
    server = by_name[chosen_name]
    st.caption("Priced " + ("in the database (a read-only connection)" if server.kind == "postgres"
                            else "by an embedded DuckDB, streaming the files with bounded memory")
               + ". Requests that get no cost are counted by reason; the requests themselves stay at the source.")
elif source == "sample":
    left, right = st.columns(2)
    requests = left.select_slider("Requests in the sample", SAMPLE_SIZES, value=10_000, key="requests",
                                  format_func=lambda n: f"{n:,}", bind="query-params")
    seed = right.number_input("Random seed", min_value=0, max_value=10_000, value=0, step=1, key="seed",
                              bind="query-params")
    sample = (int(requests), int(seed))
    st.caption(f"A generated log (seed {seed}) over the {SAMPLE_DAYS} days to {on}: mostly chat-sized prompts with "
               "a long-context tail, caching on most requests, reasoning on some, recorded in turn on each "
               "provider's newest flagship that could be called all those days.")
else:
    if source == "export":
        export = st.selectbox("Export format", [f.name for f in FORMATS], key="export", bind="query-params",
                              format_func=lambda n: format_named(n).title)
        data, name = _export_sample(export, on), f"{export}-sample.csv"
        file_key = f"sample:{export}:{on}"
        st.caption(f"A generated {format_named(export).title}: its real header and value forms, written from the "
                   f"generated log (source of the layout: {format_named(export).source}).")
        st.download_button("Download this sample", data=data, file_name=name, mime="text/csv", key="export_csv",
                           on_click="ignore", icon="⬇")
    else:
        uploaded = st.file_uploader(
            f"CSV or Parquet: a request log or a usage export, at most {MAX_BYTES // 1024 // 1024} MB and "
            f"{MAX_ROWS:,} rows", type=["csv", "parquet"], key="upload", max_upload_size=MAX_BYTES // 1024 // 1024,
            help="Recognised from the header: " + ", ".join(f.title for f in FORMATS) + ". Any other log: "
                 "prompt_tokens (the whole prompt, cached included), output_tokens (visible output), and optionally "
                 "cached_tokens, reasoning_tokens, cache writes, requests, timestamp (ISO 8601, UTC if no zone), "
                 "model — or map your columns below.",
        )
        st.button("Use a generated sample", key="use_sample", on_click=_use_sample, icon="🎲",
                  help="No log at hand? Try a generated one")
        st.caption("Or try a sample export:")
        buttons = st.columns(len(FORMATS))
        for column, fmt in zip(buttons, FORMATS, strict=True):
            column.button(fmt.label, key=f"try_{fmt.name}", on_click=_use_export, args=(fmt.name,),
                          help=f"A generated {fmt.title}", width="stretch")
        kept = kept_upload("replay") if uploaded is None else None  # a log uploaded before visiting another page
        if uploaded is None and kept is None:
            ask_for_upload("Upload a usage log, or use a generated sample to see what the replay shows.")
            st.stop()
        if uploaded is not None and uploaded.size > MAX_BYTES:
            st.error(f"{uploaded.name} is {uploaded.size / 1024 / 1024:,.1f} MB: the limit is "
                     f"{MAX_BYTES // 1024 // 1024} MB. Split the log, or replay it with the CLI "
                     "(`python -m analytics replay FILE --max-mb N`).", icon="🚫")
            st.stop()
        if uploaded is not None:
            kept = keep_upload("replay", uploaded.name, uploaded.getvalue(), uploaded.file_id)
        else:
            st.caption(f"Using {md_escape(kept.name)} ({kept.size_text}), uploaded earlier in this session: it is "
                       "kept while this tab is open.")
            st.button("Forget this log", key="forget_replay_upload", icon="🗑️", on_click=forget_upload,
                      args=("replay",))
        data, file_key, name = kept.data, kept.file_id, kept.name
    try:
        raw = _raw_log(data, file_key, name)
    except UsageLogError as exc:
        _show_problems(exc)
        st.stop()
    columns = [str(c) for c in raw.columns]
    choice = st.selectbox("Format", list(FORMAT_NAMES), key=f"format:{file_key}", format_func=FORMAT_NAMES.get,
                          help="Detected from the file's header; force one if the detection is wrong")
    format_name = None if choice == AUTO else choice
    try:
        resolved = resolve_mapping(columns, format_name=format_name, label=name)
        problem = None
    except UsageLogError as exc:  # the mapping below can still fix it
        resolved, problem = None, exc
    detected = resolved.format if resolved else None
    st.caption(f"Read as: **{detected.title}**" + (" (detected from its header)" if choice == AUTO else "")
               if detected else "Read as: columns named like the canonical ones (no known export matched)")
    defaults = dict(resolved.entries) if resolved else {}
    with st.expander("Column mapping", expanded=problem is not None):
        st.caption("An expression per figure: a column, a JSON cell's field (`metadata.usage.cached_tokens`), a sum "
                   "(`no_cache + cache_read`) or a difference (`completion - reasoning`); empty = not in the log. "
                   "prompt_tokens include cached and written tokens; output_tokens exclude reasoning when "
                   "reasoning_tokens is mapped.")
        overrides = {}
        grid = st.columns(2)
        for i, target in enumerate(CANONICAL_COLUMNS):
            text = grid[i % 2].text_input(target + (" *" if target in REQUIRED_COLUMNS else ""),
                                          value=defaults.get(target, ""), key=f"map:{target}:{file_key}:{choice}")
            if text.strip() != defaults.get(target, ""):
                overrides[target] = text.strip()
    mapping = tuple(sorted(overrides.items()))
    if detected and detected.aggregated and "requests" not in defaults and "requests" not in overrides:
        average_prompt = st.number_input(
            "Assumed average prompt (tokens)", min_value=100, max_value=2_000_000, value=DEFAULT_AVERAGE_PROMPT,
            step=1_000, key=f"average_prompt:{file_key}",
            help="The export has daily totals and no request count: each row is priced as ⌈prompt tokens / this⌉ "
                 "requests of the average size")

if not models:
    st.warning("Choose at least one model to price the log on.")
    st.stop()

try:
    if server is not None:
        view = _replayed_at_source(server, server.name, tuple(models), cur, on)
    else:
        view = _replayed(data, file_key, name, mapping, tuple(models), cur, on, sample, format_name,
                         average_prompt)
except UsageLogError as exc:
    _show_problems(exc)
    st.stop()
except AnalyticsError as exc:  # a configured source that cannot be read: its label, never its URL or path
    st.error(f"This log cannot be replayed: {server.scrub(str(exc)) if server else exc}", icon="🚫")
    st.stop()

period = view["period"]
when = (f"from {period[0]} to {period[1]}, each request at the price of its day" if period
        else f"all at the prices of {on} (the log has no timestamps)")
in_rows = f" in {rows(view['rows'])}" if view["approximation"] else ""
st.subheader(f"{count(view['requests'], 'request')}{in_rows}, {when}")
if view["log"]:
    headline, *details = log_lines(view["log"], view["recorded_names"], mapping=False)  # the mapping is above
    st.info(headline + "\n\n" + "\n".join(f"- {line}" for line in details), icon="📄")
elif view["approximation"]:
    st.caption(f"Approximation: {view['approximation']}.")
recorded_text = as_recorded_text(view["as_recorded"], cur)
if recorded_text:
    st.caption(recorded_text + ".")

summary = view["summary"].copy()
summary["saving_pct"] = summary["saving_share"] * 100
table = summary[["name", "total_cost_common", "total_cost", "cost_median", "cost_p95", "cost_max", "saving",
                 "saving_pct", "compared_rows", "priced", "not_fitting", "no_price", "tier_shares"]]
common = summary["common_requests"].iloc[0] if len(summary) else 0
show_table(
    unknown_as_text(table, ["total_cost_common", "total_cost", "cost_median", "cost_p95", "cost_max"], cur,
                    signed_money=["saving"], percent_columns=["saving_pct"]),
    "replay-summary",
    column_config={
        "name": st.column_config.TextColumn("Model", pinned=True),
        "total_cost_common": st.column_config.NumberColumn(
            f"Like for like ({count(common, 'request')})",
            help="the cost of the requests every model in this table can take: the figure to compare (the chart's)"),
        "total_cost": st.column_config.NumberColumn("Total over what it can take",
                                                    help="over the requests this model can price (see Priced)"),
        "cost_median": st.column_config.NumberColumn("Median / request"),
        "cost_p95": st.column_config.NumberColumn("p95 / request"),
        "cost_max": st.column_config.NumberColumn("Max / request"),
        "saving": st.column_config.NumberColumn(
            "Saving vs recorded", help="cost on the model each request was recorded on − cost on this model, over "
                                       "the requests both can price: positive = this model is cheaper"),
        "saving_pct": st.column_config.NumberColumn("Saving (%)"),
        "compared_rows": st.column_config.NumberColumn(
            "Rows compared", help="rows of the log the saving covers: those whose recorded model is known and "
                                  "that both models can price"),
        "priced": st.column_config.NumberColumn("Priced"),
        "not_fitting": st.column_config.NumberColumn("Do not fit", help="beyond the model's window or caps"),
        "no_price": st.column_config.NumberColumn("No price", help="no price in force on the request's day"),
        "tier_shares": st.column_config.TextColumn("Share of requests per tier"),
    },
)
if view["unknown"]:
    names = ", ".join(f"{k} ({rows(v)})" for k, v in view["unknown"].items())
    st.caption(f"Recorded on models the registry does not know, so left out of the saving and of as recorded: "
               f"{names}.")

show_chart(view["cost_chart"], view["summary"], "replay-cost-per-model")
show_chart(view["distribution_chart"], view["distribution"], "replay-cost-distribution")

unpriced = view["unpriced"]
if view.get("engine", "numpy") != "numpy":
    with st.expander(f"Requests that got no cost: {int(unpriced['requests'].sum()):,} (request × model)",
                     expanded=False):
        st.caption("Counted by model and reason; the requests themselves stay at the source.")
        show_table(unpriced, "replay-unpriced")
    st.stop()
with st.expander(f"Requests that got no cost: {len(unpriced):,} (request × model)", expanded=False):
    if unpriced.empty:
        st.write("Every request fits every model and has a price.")
    else:
        st.caption("Rows are the rows of the file, from 1 at the first row below the header. "
                   + (f"The first {UNPRICED_SHOWN:,} are shown; the download has all of them."
                      if len(unpriced) > UNPRICED_SHOWN else ""))
        show_table(unpriced.head(UNPRICED_SHOWN), "replay-unpriced")
        st.download_button("Download the full list (CSV)", data=lambda: to_csv(unpriced), on_click="ignore",
                           file_name="replay-unpriced.csv", mime="text/csv", key="unpriced_csv")
