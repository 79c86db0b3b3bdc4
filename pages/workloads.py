"""Agent workloads: what one agent task costs, how long it takes, and what a month of them costs, on each model.

Layout only: analytics/workloads/ computes, analytics/charts/workloads.py draws.
"""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py


import hashlib
import math

import pandas as pd
import streamlit as st

from analytics.charts.workloads import (
    BREAK_EVEN_MODELS,
    break_even_figure,
    breakdown_figure,
    cumulative_figure,
    latency_figure,
    monthly_figure,
    tornado_figure,
)
from analytics.core.errors import AnalyticsError, RegistryError
from analytics.core.presets import headline_models, seed_models
from analytics.core.safeyaml import MAX_YAML_BYTES
from analytics.formatting import money
from analytics.workloads.editing import ROLE_FIELDS, describe_edits, roles_frame, workload_from_frame
from analytics.workloads.engine import Settings, compare, results_table
from analytics.workloads.model import (
    MIXED,
    AssumedToolFee,
    Workload,
    check_models,
    load_workload,
    main_role,
    preset_names,
    workload_from_bytes,
    workload_yaml,
)
from analytics.workloads.speeds import DEFAULT_SPEED, SpeedAssumption, speed_table
from analytics.workloads.whatifs import benchmark_proxies, break_even, crossing_pair, sensitivity
from pages.ui.cache import cached
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
)
from pages.ui.session import (
    edited_workload,
    editor_key,
    editor_origin,
    forget_upload,
    keep_edit,
    keep_upload,
    kept_upload,
    reset_edits,
)

UPLOAD = "upload a file"
ENTERED, HLE = "as entered", "HLE score as a proxy"
# Tasks per month on the volume slider (every preset's own volume is one of them). No bare string literals in a
# page: Streamlit's "magic" would print them.
VOLUMES = [10, 20, 50, 100, 200, 300, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
           1_000_000]

reg = registry()
cur, on = currency(), as_of()
names = {e.model.id: e.model.name for e in reg.models()}
presets = preset_names()


@st.cache_data(max_entries=16, show_spinner=False)
def _preset(name: str) -> Workload:
    return load_workload(name)


def _nearest_volume(value: float) -> int:
    return min(VOLUMES, key=lambda v: abs(math.log10(max(v, 1)) - math.log10(max(value, 1))))


def _preset_changed() -> None:
    """A new preset brings its own monthly volume (a volume chosen for the previous one would mislead)."""
    name = st.session_state.get("workload")
    if name in presets:
        st.session_state["volume"] = _nearest_volume(_preset(name).tasks_per_month)


def _show_problems(title: str, exc: RegistryError) -> None:
    st.error(title + "\n\n" + "\n".join(f"- {p}" for p in exc.problems), icon="🚫")


st.title("🤖 Agent workloads")
st.caption("Agents make dozens to hundreds of calls per task, each re-sending a growing context: the price per token "
           "matters less than the cost per task. Pick a workload, edit its roles, and compare models. Token counts "
           "are expected values you set; prices come from the registry.")

# -- the workload ---------------------------------------------------------------------------------------------------
top = st.columns([3, 5, 2])
source = top[0].selectbox(
    "Workload", [*presets, UPLOAD], key="workload", bind="query-params", on_change=_preset_changed,
    help="A preset from data/workloads/ (the same names as `python -m analytics workload PRESET`), or your own "
         "workload YAML (same format: download a preset below to start)")
base = _preset("agent-swarm" if "agent-swarm" in presets else presets[0])
label = shown_name = source  # label: whose edits the session keeps; shown_name: how errors name the file
if source == UPLOAD:
    upload = top[1].file_uploader("Workload YAML", type=["yaml", "yml"], key="workload_upload",
                                  max_upload_size=max(1, MAX_YAML_BYTES // (1024 * 1024)),
                                  help=f"At most {MAX_YAML_BYTES // (1024 * 1024)} MiB; plain YAML only")
    kept = kept_upload("workload") if upload is None else None
    data, file_name = (upload.getvalue(), upload.name) if upload is not None else (
        (kept.data, kept.name) if kept is not None else (None, ""))
    if data is None:
        ask_for_upload(f"Upload a workload YAML. Meanwhile the page shows the preset “{base.name}”.")
    else:
        try:
            uploaded = workload_from_bytes(data, file_name)
            check_models(uploaded, reg, file_name)
            base, shown_name = uploaded, file_name
            label = f"upload:{file_name}:{hashlib.sha256(data).hexdigest()[:12]}"
            if upload is not None:
                keep_upload("workload", upload.name, data, upload.file_id)
            else:
                top[1].caption(f"Using {md_escape(file_name)}, uploaded earlier in this session: it is kept while "
                               "this tab is open.")
                top[1].button("Forget this file", key="forget_workload_upload", icon="🗑️",
                              on_click=forget_upload, args=("workload",))
        except RegistryError as exc:
            _show_problems(f"This workload cannot be used; the page shows the preset “{base.name}” instead.", exc)
        except AnalyticsError as exc:
            st.error(f"{exc}; the page shows the preset “{base.name}” instead.", icon="🚫")
else:
    base = _preset(source)
top[1].markdown(f"**{md_escape(base.name)}**  \n{md_escape(base.description)}")

models = model_picker(
    reg, "Models to compare (every role runs on each; empty: each role on its own model)",
    [m for m in cached(headline_models, reg, on) if m in names])

origin = editor_origin(label, base)  # the last valid edit kept for this session, or the workload itself
with st.expander("✏️ Edit the roles" + (" (edited)" if edited_workload(label) else ""), expanded=False):
    st.caption("One row per role. Token counts are per step of one instance; `count` instances run in waves of "
               "`parallelism`; a child's `returns_tokens` join its parent's context after the parent's step 1. "
               "Add or delete rows; errors name the role and the field. Your edits are kept while this tab is "
               "open, on every page; the link does not carry them (download the YAML below to share them).")
    edited = st.data_editor(
        cached(roles_frame, origin), key=editor_key(label), num_rows="dynamic", hide_index=True, width="stretch",
        column_order=list(ROLE_FIELDS),
        column_config={
            "name": st.column_config.TextColumn("name", required=True),
            "model": st.column_config.SelectboxColumn("model", options=list(names), required=True),
            "parent": st.column_config.TextColumn("parent", help="the role this one reports to; empty: top level"),
            "count": st.column_config.NumberColumn("count", min_value=1, step=1),
            "parallelism": st.column_config.NumberColumn("parallelism", min_value=1, step=1),
            "steps": st.column_config.NumberColumn("steps", min_value=1, step=1),
            "cache_hit_rate": st.column_config.NumberColumn("cache_hit_rate", min_value=0.0, max_value=1.0,
                                                            step=0.05),
            "tool": st.column_config.TextColumn("tool", help="provider tool whose fee applies (web_search); empty: "
                                                             "a tool you run yourself"),
            "keep_reasoning_in_context": st.column_config.CheckboxColumn("keep_reasoning_in_context"),
        },
    )
    c1, c2 = st.columns(2)
    success_default = origin.success_rate if origin.success_rate is not None else 0.0
    entered_success = c1.number_input(
        "Success rate per attempt (0 = unknown)", 0.0, 1.0, float(success_default), 0.05,
        key=f"success-{editor_key(label)}",
        help="Chance one attempt solves the task; cost per successful task = cost per task / this rate")
    attempts = c2.number_input("Attempts allowed per task", 1, 100, origin.max_attempts, 1,
                               key=f"attempts-{editor_key(label)}")

try:
    candidate = cached(workload_from_frame, origin, edited, name=shown_name, success_rate=entered_success or None,
                       max_attempts=int(attempts))
    check_models(candidate, reg, shown_name)
    keep_edit(label, base, candidate)
except RegistryError as exc:
    last = "your last valid edit" if edited_workload(label) else "the unedited workload"
    _show_problems(f"Your edits make the workload invalid; the results below are for {last}.", exc)
workload = edited_workload(label) or base
edits = describe_edits(base, workload)
if edits:
    with top[2]:
        st.badge("edited", icon="✏️", color="orange")
        st.button("Reset to the original", key="reset_workload", icon="↩️", on_click=reset_edits, args=(label,),
                  help="Forget your edits of this workload (kept while this tab is open)")
    st.caption("✏️ Edited (kept while this tab is open, on every page; exports say so): "
               + md_escape("; ".join(edits[:6]) + (f"; +{len(edits) - 6} more" if len(edits) > 6 else "")))

fee = st.number_input(
    f"Assumed fee per 1,000 tool calls where the provider has none ({cur})", min_value=0.0, max_value=10_000.0,
    value=None, step=1.0, key="tool_fee", bind="query-params",
    placeholder="none assumed: such totals are lower bounds (≥)",
    help="Some providers publish no fee for a tool (Kimi's web search): those calls are then left out and the cost "
         "is a lower bound, marked ≥. Enter a fee to price them; the workload YAML field assumed_tool_fee and "
         "`python -m analytics workload --assume-tool-fee FEE` do the same.")
if fee is not None:
    workload = workload.model_copy(update={"assumed_tool_fee": AssumedToolFee(per_thousand_calls=fee, currency=cur)})
elif workload.assumed_tool_fee is not None:
    st.caption(f"The workload file assumes {workload.assumed_tool_fee.per_thousand_calls:g} "
               f"{workload.assumed_tool_fee.currency} per 1,000 tool calls where the provider has no fee.")

# -- assumptions ----------------------------------------------------------------------------------------------------
chosen = models or []
compared = chosen or [MIXED]
with st.expander("⚙️ Volume, success rate and latency assumptions", expanded=True):  # in the body: phones too
    st.subheader("Workload")
    volume = st.select_slider("Tasks per month", VOLUMES, value=_nearest_volume(workload.tasks_per_month),
                              key="volume", bind="query-params",
                              help="For the monthly projection; the workload file says "
                                   f"{workload.tasks_per_month:,.0f}")
    success_mode = st.radio(
        "Success rate", [ENTERED, HLE], key="success", bind="query-params",
        help="Entered: the rate under “Edit the roles”. A benchmark score is not your task's success rate: "
             "it is shown labelled as a proxy")
    st.subheader("Latency assumptions")
    tps = st.number_input("Output tokens/s where unknown", 1.0, 5_000.0, DEFAULT_SPEED.output_tokens_per_s, 5.0,
                          key="tps", help="Used for models with no measured speed in the registry")
    ttft = st.number_input("Time to first token (s) where unknown", 0.0, 120.0,
                           DEFAULT_SPEED.time_to_first_token_s, 0.25, key="ttft")

settings = Settings(on=on, currency=cur, default_speed=SpeedAssumption(tps, ttft, "default you set"))

proxies = cached(benchmark_proxies, reg, chosen) if success_mode == HLE and chosen else None
results = cached(compare, workload, reg, chosen, settings, tasks_per_month=volume, success_rates=proxies)
made_of = (workload, chosen, settings, volume, proxies)  # what ``results`` was computed from: its cache key
if success_mode == HLE and not chosen:
    st.info("The HLE proxy needs models to compare; with each role on its own model the entered rate is used.")

# -- results --------------------------------------------------------------------------------------------------------
st.subheader("Results per model")
table = results_table(results)
table.insert(1, "name", [names.get(m, "Roles' own models") for m in table["model"]])
bounded = table[table["lower_bound"]]
if not bounded.empty:
    calls = ", ".join(f"{n} {c:,.0f}" for n, c in zip(bounded["name"], bounded["unpriced_tool_calls"], strict=True))
    st.warning(f"≥ lower bounds: tool calls with no known provider fee are left out of these totals, the ranking and "
               f"the monthly projection ({md_escape(calls)} calls per task). Enter an assumed fee above to "
               "price them.", icon="⚠️")
columns = ["name", "cost_per_task", "monthly_cost", "cost_per_successful_task", "success_rate", "success_proxy",
           "expected_attempts", "prompt_tokens", "cached_tokens", "output_tokens", "unpriced_tool_calls",
           "assumed_fee_tool_calls", "exceeds_context_at_step", "tier_switches", "wall_time_s", "serial_time_s",
           "speedup", "limit", "lower_bound"]
money_columns = ["cost_per_task", "monthly_cost", "cost_per_successful_task"]
styled = unknown_as_text(table[columns], money_columns, cur).format(
    lambda v: f"≥ {money(v, cur)}", subset=pd.IndexSlice[table.index[table["lower_bound"]], money_columns])
show_table(
    styled,
    "workload-results",
    column_config={
        "name": "Model",
        "cost_per_task": st.column_config.NumberColumn(f"Cost per task ({cur})"),
        "monthly_cost": st.column_config.NumberColumn(f"Monthly at {volume:,} tasks ({cur})"),
        "cost_per_successful_task": st.column_config.NumberColumn(f"Per successful task ({cur})",
                                                                  help="cost per task / success rate"),
        "success_rate": st.column_config.NumberColumn("Success rate", format="%.3f"),
        "success_proxy": st.column_config.TextColumn("Success rate from", help="empty: entered by you"),
        "expected_attempts": st.column_config.NumberColumn("Expected attempts", format="%.2f"),
        "prompt_tokens": st.column_config.NumberColumn("Prompt tokens", format="compact"),
        "cached_tokens": st.column_config.NumberColumn("Cached", format="compact"),
        "output_tokens": st.column_config.NumberColumn("Output + reasoning", format="compact"),
        "unpriced_tool_calls": st.column_config.NumberColumn("Unpriced tool calls", format="%.0f",
                                                             help="tool calls with no known fee and none assumed: "
                                                                  "not in the cost, which is then a lower bound (≥)"),
        "assumed_fee_tool_calls": st.column_config.NumberColumn("Calls at your assumed fee", format="%.0f"),
        "lower_bound": st.column_config.CheckboxColumn("Lower bound (≥)"),
        "exceeds_context_at_step": st.column_config.NumberColumn("Exceeds window at step", format="%.0f"),
        "tier_switches": st.column_config.NumberColumn("Tier switches"),
        "wall_time_s": st.column_config.NumberColumn("Wall time (s)", format="%.0f"),
        "serial_time_s": st.column_config.NumberColumn("Serial time (s)", format="%.0f"),
        "speedup": st.column_config.NumberColumn("Speed-up", format="%.1f×"),
        "limit": "Cannot run because",
    },
)
st.caption("Unknown means the task cannot run on that model as described (a step exceeds its window) or a price "
           "is missing: never 0. ≥ marks a lower bound: tool calls without a known fee are counted, not priced, "
           "unless you assume a fee.")

show_chart(cached(breakdown_figure, reg, results, settings, edits, made_of=made_of), table,
           "workload-cost-breakdown")

roles = [r.name for r in workload.roles]
role = st.selectbox("Follow the loop of role", roles, index=roles.index(main_role(workload).name),
                    key=f"role-{label}", help="Also the role whose loop length the break-even below varies")
fig, steps = cached(cumulative_figure, reg, results, settings, role, edits, made_of=made_of)
show_chart(fig, steps, "workload-cumulative-cost")

show_chart(cached(latency_figure, reg, results, settings, edits, made_of=made_of),
           table[["model", "wall_time_s", "serial_time_s", "speedup"]], "workload-latency")
with st.expander("Speeds used for latency"):
    speeds = cached(speed_table, reg, sorted(chosen or {r.model for r in workload.roles}), settings.default_speed)
    st.dataframe(speeds, hide_index=True, width="stretch", column_config={
        "model": "Model", "output_tokens_per_s": st.column_config.NumberColumn("Output tokens/s"),
        "time_to_first_token_s": st.column_config.NumberColumn("Time to first token (s)"),
        "source": st.column_config.TextColumn("From", help="the registry's measured speed, or the default you set "
                                                           "above")})
fig, monthly = cached(monthly_figure, reg, results, settings, volume, edits, made_of=made_of)
show_chart(fig, monthly, "workload-monthly")

# -- what-ifs -------------------------------------------------------------------------------------------------------
# The two what-ifs are fragments: choosing their models or the loop length reruns that section only, not the page.
@st.fragment
def _what_moves_the_cost(workload: Workload, compared: list[str], settings: Settings, edits: list[str]) -> None:
    st.subheader("What moves the cost")
    tornado_model = st.selectbox("Model", compared, format_func=lambda m: names.get(m, "Roles' own models"),
                                 key="tornado_model")
    what_if = (workload, None if tornado_model == MIXED else tornado_model, settings)
    frame = cached(sensitivity, workload, reg, *what_if[1:])
    show_chart(cached(tornado_figure, reg, frame, workload, tornado_model, settings, edits=edits, made_of=what_if),
               frame, "workload-sensitivity")


@st.fragment
def _break_even(workload: Workload, role: str, settings: Settings, edits: list[str]) -> None:
    st.subheader("Break-even between two models")
    pair = [m for m in BREAK_EVEN_MODELS if m in names] or list(names)[:2]
    if "model_a" not in st.session_state and "model_b" not in st.session_state:
        # by default a pair whose lines actually cross on this workload (the compared models first)
        candidates = [*(chosen if len(chosen) >= 2 else cached(headline_models, reg, on)), *cached(seed_models, reg)]
        crossing = cached(crossing_pair, workload, reg, candidates, role, None, settings, preferred=tuple(pair),
                          made_of=(workload, tuple(candidates), role, settings, tuple(pair)))
        pair = list(crossing or pair)
    b1, b2, b3 = st.columns(3)
    model_a = b1.selectbox("Model A", list(names), index=list(names).index(pair[0]), format_func=names.get,
                           key="model_a")
    model_b = b2.selectbox("Model B", list(names), index=list(names).index(pair[1]), format_func=names.get,
                           key="model_b")
    longest = b3.slider("Longest loop (steps)", 2, 300, max(10, 2 * workload.role(role).steps),
                        key=f"longest-{label}")
    if model_a == model_b:
        st.info("Pick two different models.")
        return
    pair_inputs = (workload, model_a, model_b, role, longest, settings)
    result = cached(break_even, workload, reg, *pair_inputs[1:])
    show_chart(cached(break_even_figure, reg, result, workload, settings, edits, made_of=pair_inputs), result.table,
               "workload-break-even")
    if result.crossings:
        st.caption(f"The cheaper model changes at {', '.join(str(s) for s in result.crossings)} steps of "
                   f"“{role}”.")


_what_moves_the_cost(workload, compared, settings, edits)
_break_even(workload, role, settings, edits)

# -- download and share ----------------------------------------------------------------------------------------------
st.download_button("⬇ Download this workload as YAML", lambda: workload_yaml(workload),  # made on click
                   file_name=f"{(workload.name or 'workload').lower().replace(' ', '-')[:40]}.yaml",
                   mime="application/x-yaml", key="download_workload", on_click="ignore")
st.caption("Share this view: the address bar keeps the preset, the models, the volume, the assumed tool fee and the "
           "success-rate source. Edited roles are kept while this tab is open but are not in the link: download the "
           "YAML to share them, and upload it (Workload → upload a file) to use it again.")
