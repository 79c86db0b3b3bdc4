"""Cost vs HLE: blended price against HLE score under a score policy you choose, the Pareto frontier, and the
seed report's other chart (HLE without tools against with tools)."""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.charts.cost_vs_hle import cost_vs_hle, cost_vs_hle_tables, hle_conditions
from analytics.core.presets import RATIO_PRESETS, SEED_DATE
from analytics.core.scores import (
    CONDITION_LABELS,
    CONDITIONS,
    DEFAULT_POLICY,
    PICKS,
    REPORTER_KINDS,
    REPORTER_LABELS,
    SEED_POLICY,
    SUBSET_LABELS,
    SUBSETS,
)
from pages.ui.cache import cached
from pages.ui.common import (
    as_of,
    currency,
    money_column,
    registry,
    seed_view,
    show_chart,
    show_table,
    view_models,
)

PICK_LABELS = {"best": "best score", "latest": "latest report"}

reg = registry()
cur, on = currency(), as_of()

st.title("🎯 Cost vs HLE")
st.caption("Humanity's Last Exam against the blended price. The same model has several published scores "
           "(with or without tools, by its lab, by a rival, in the press): choose which count.")

seed = seed_view()
if seed:
    # the seed report's comparison as it stood: its five models, the prices and scores of that day, its own figures
    st.info(f"**The seed report's view** ({SEED_DATE:%Y-%m-%d}): its five models at the prices in force that day, "
            "plotted with the report's own HLE figures (with tools), as the report did. Figures no primary source "
            "confirms are drawn with an open marker and marked *disputed*. Use the sidebar link to come back to "
            "today's market.")
    policy = SEED_POLICY
    condition, reporters, pick, subset, include_disputed = (policy.condition, list(policy.reporters), policy.pick,
                                                            policy.subset, policy.include_disputed)
    ratio = "3:1"
else:
    st.subheader("Score policy")
    # in the page body (columns stack on a phone, where the sidebar starts collapsed)
    c1, c2, c3 = st.columns([2, 3, 3])
    with c1:
        # options are the URL values themselves (?condition=no-tools): a bound widget stores its option, not a label
        condition = st.radio("Condition", CONDITIONS, index=CONDITIONS.index(DEFAULT_POLICY.condition),
                             key="condition", bind="query-params",
                             captions=[CONDITION_LABELS[c] if c != "best" else "best available, any condition"
                                       for c in CONDITIONS])
    with c2:
        reporters = st.multiselect("Reporters that count", REPORTER_KINDS, default=list(DEFAULT_POLICY.reporters),
                                   key="reporters", bind="query-params",
                                   help="; ".join(f"{k}: {v}" for k, v in REPORTER_LABELS.items())
                                   + ". By default the labs' own figures and the benchmark maintainers'. "
                                     "None selected counts as any.")
        pick = st.radio("Of several eligible scores, take the", PICKS, key="pick", bind="query-params",
                        captions=[PICK_LABELS[p] for p in PICKS], horizontal=True)
    with c3:
        subset = st.selectbox("HLE subset", SUBSETS, key="subset", bind="query-params",
                              help="; ".join(f"{k}: {v}" for k, v in SUBSET_LABELS.items())
                              + ". Labs often do not say which subset; such scores count with the full set by "
                                "default and the chart says how the subsets mix.")
        ratio = st.selectbox("Blend ratio (input:output)", list(RATIO_PRESETS), key="ratio", bind="query-params",
                             help="; ".join(f"{v}" for v in RATIO_PRESETS.values()))
        include_disputed = st.toggle("Include disputed figures", value=DEFAULT_POLICY.include_disputed,
                                     key="disputed", bind="query-params",
                                     help="Figures no primary source confirms (e.g. the seed report's Qwen 58.3): "
                                          "left out by default; drawn with an open marker when included")

models = view_models()
policy = (reg, ratio, condition, reporters or "any", pick, subset)
options = {"currency": cur, "on": on, "include_disputed": include_disputed, "models": models}
fig, data = cached(cost_vs_hle, *policy, **options)
# the tables beside the chart come from its frame: cached by what made the frame
missing, frontier, scores = cached(cost_vs_hle_tables, data, made_of=(policy, options))
left, right = st.columns([2, 1], gap="medium")
with left:
    show_chart(fig, data, "cost-vs-hle")
with right:
    st.subheader("Not plotted")
    if missing.empty:
        st.caption("Every model has a price and a score under this policy.")
    else:
        show_table(missing, "cost-vs-hle-missing", height=260, column_config={"name": "Model", "status": "Why"})
    st.subheader("Pareto frontier")
    st.caption("No other model is both cheaper and higher-scoring than these.")
    show_table(
        frontier,
        "cost-vs-hle-frontier",
        column_config={"name": "Model", "blended_per_mtok": money_column(f"{cur}/1M", cur),
                       "score": st.column_config.NumberColumn("HLE", format="%.1f%%")},
    )

st.subheader("The scores plotted, and where they come from")
show_table(
    scores,
    "cost-vs-hle-scores",
    column_config={
        "name": "Model", "score": st.column_config.NumberColumn("HLE", format="%.1f%%"), "condition": "Condition",
        "subset": "Subset", "reporter_kind": "Reporter kind", "reporter": "Reporter",
        "date": st.column_config.DateColumn("Published", format="YYYY-MM-DD"),
        "candidates": st.column_config.NumberColumn("Eligible reports", help="how many reports the pick chose from"),
        "disputed": st.column_config.TextColumn("Disputed", help="no primary source confirms this figure"),
        "note": st.column_config.TextColumn("Note", help="the registry's note on this score", width="large"),
        "blended_per_mtok": money_column(f"Blended {cur}/1M", cur),
        "link": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)"),
    },
)

st.subheader("HLE without tools vs with tools")
bars, bar_data = cached(hle_conditions, reg, reporters or "any", pick, subset, on=on,
                        include_disputed=include_disputed, models=models)
show_chart(bars, bar_data, "hle-conditions")
st.caption("Each bar is picked under the same reporter and pick policy as above. Labs, rivals, the press and "
           "the seed report do not always agree: keep only 'vendor' to see each lab's own figures.")
