"""Calculator: one request — prompt, cached, output, reasoning, cache-write tokens — priced on every model.

Layout only: ``analytics.core.catalog.request_cost_table`` computes (the same function as
``python -m analytics compare``).
"""

from pages.ui.nav import require_router

require_router()  # first: see pages/ui/nav.py

import streamlit as st

from analytics.core import catalog
from analytics.core.catalog import http_only
from analytics.core.errors import AnalyticsError
from analytics.formatting import money
from pages.ui.cache import cached as cached_build
from pages.ui.common import (
    as_of,
    currency,
    md_escape,
    model_picker,
    registry,
    show_table,
    unknown_as_text,
)
from pages.ui.url import MAX_OUTPUT_TOKENS, MAX_PROMPT_TOKENS

SORTS = {"cost": "cost, cheapest first", "name": "model name", "provider": "provider"}
MONEY = ["cost", "input_cost", "cached_input_cost", "cache_write_cost", "cache_write_1h_cost", "output_cost",
         "reasoning_cost"]

reg = registry()
cur, on = currency(), as_of()

st.title("🧮 Calculator")
st.caption("Your request, priced on every model: the tier its prompt falls in is applied (the whole request at that "
           "tier's rates), cached tokens at the cache-read rate, reasoning as output. A model that cannot take the "
           "request says why; unknown is never 0.")


def _tokens(container, label: str, key: str, value: int, top: int, help: str) -> int:
    return int(container.number_input(label, min_value=0, max_value=top, value=value, step=1_000, key=key,
                                      bind="query-params", help=help))


row1 = st.columns(3)
prompt = _tokens(row1[0], "Prompt tokens", "prompt", 50_000, MAX_PROMPT_TOKENS,
                 "The whole prompt: cached and cache-written tokens included (like --input of the command line)")
cached = _tokens(row1[1], "of which cached (cache reads)", "cached", 30_000, MAX_PROMPT_TOKENS,
                 "Prompt tokens read from the provider's cache, billed at the cache-read rate (the input rate where "
                 "a provider lists none)")
output = _tokens(row1[2], "Output tokens", "output", 2_000, MAX_OUTPUT_TOKENS, "Visible output tokens")
row2 = st.columns(3)
reasoning = _tokens(row2[0], "Reasoning tokens", "reasoning", 0, MAX_OUTPUT_TOKENS,
                    "Thinking tokens, billed as output (at a reasoning rate where one is listed)")
write_5m = _tokens(row2[1], "of which written to the cache (5 min)", "cache_write", 0, MAX_PROMPT_TOKENS,
                   "Prompt tokens written to the cache, billed at the cache-write rate where a provider charges one "
                   "(Claude: 1.25× input), else at the input rate")
write_1h = _tokens(row2[2], "of which written to the cache (1 hour)", "cache_write_1h", 0, MAX_PROMPT_TOKENS,
                   "Prompt tokens written to the 1-hour cache (Claude: 2× input), billed at the input rate where a "
                   "provider lists no 1-hour rate")

choices = catalog.price_choices(reg)  # the Prices page's lists: ?region= and ?tier= mean one thing
row3 = st.columns([2, 2, 2, 5])
region = row3[0].selectbox("Region", choices.regions, key="region", bind="query-params")
service_tier = row3[1].selectbox("Service tier", choices.service_tiers, key="tier", bind="query-params",
                                 help="batch: asynchronous, usually half price; priority: faster, dearer")
sort = row3[2].selectbox("Sort by", list(SORTS), key="sort", bind="query-params",
                         help="; ".join(f"{k}: {v}" for k, v in SORTS.items())
                         + ". Models that cannot take the request come last. A column header also sorts.")
models = model_picker(reg, "Models (empty: every model)", [], container=row3[3], placeholder="every model")

try:
    table = cached_build(catalog.request_cost_table, reg, prompt, output, cached, reasoning, write_5m, write_1h,
                         models=models or None, region=region, service_tier=service_tier, on=on, currency=cur)
except AnalyticsError as exc:
    st.error(md_escape(exc), icon="🚫")
    st.stop()

if sort != "cost":  # the analytics function sorts by cost; another order keeps the unknown ones last
    table = (table.assign(_unknown=table["cost"].isna())
             .sort_values(["_unknown", sort], kind="stable").drop(columns="_unknown").reset_index(drop=True))

priced = table[table["cost"].notna()]
if priced.empty:
    st.warning("No model can take this request on this date, region and service tier: see Status.")
else:
    best = priced.loc[priced["cost"].idxmin()]
    st.markdown(f"**{len(priced)} of {len(table)} models** can take this request on {on.isoformat()}; the cheapest "
                f"is **{md_escape(best['name'])}** at **{md_escape(money(best['cost'], cur))}**.")

shown = table.assign(link=http_only(table["source"]))[[
    "name", "cost", "status", "tier_label", "provider", "input_cost", "cached_input_cost", "cache_write_cost",
    "cache_write_1h_cost", "output_cost", "reasoning_cost", "lifecycle", "model", "checked_on", "link", "detail",
]]
show_table(
    unknown_as_text(shown, MONEY, cur), "calculator", height=740,  # about 20 rows, the rest by scrolling
    column_config={
        "name": st.column_config.TextColumn("Model", pinned=True),
        "cost": st.column_config.NumberColumn(f"Cost of the request ({cur})"),
        "status": st.column_config.TextColumn("Status", help="ok, or why the model cannot take the request: "
                                                             "retired, not released, beyond the window, no price"),
        "tier_label": st.column_config.TextColumn("Tier applied (prompt tokens)"),
        "provider": "Provider",
        "input_cost": st.column_config.NumberColumn("Input"),
        "cached_input_cost": st.column_config.NumberColumn("Cache reads"),
        "cache_write_cost": st.column_config.NumberColumn("Cache writes (5 min)"),
        "cache_write_1h_cost": st.column_config.NumberColumn("Cache writes (1 h)"),
        "output_cost": st.column_config.NumberColumn("Output"),
        "reasoning_cost": st.column_config.NumberColumn("Reasoning"),
        "lifecycle": st.column_config.TextColumn("Lifecycle", help="preview, available, deprecated (with its "
                                                                   "retirement date), retired, not released"),
        "model": st.column_config.TextColumn("Id"),
        "checked_on": st.column_config.DateColumn("Prices checked", format="YYYY-MM-DD"),
        "link": st.column_config.LinkColumn("Source", display_text=r"https?://([^/]+)"),
        "detail": st.column_config.TextColumn("Why not", help="the limit broken, or why there is no price"),
    },
)
command = (f"python -m analytics compare --input {prompt} --output {output}"
           + "".join(f" --{flag} {value}" for flag, value in (("cached", cached), ("reasoning", reasoning),
                                                              ("cache-write", write_5m), ("cache-write-1h", write_1h))
                     if value)
           + f" --on {on.isoformat()}" + (f" --currency {cur}" if cur != "USD" else "")
           + (f" --region {region}" if region != "global" else "")
           + (f" --service-tier {service_tier}" if service_tier != "standard" else "")
           + "".join(f" --model {m}" for m in models))
st.caption("The same table on the command line (`--json` for JSON); the link keeps every input.")
st.code(command, language="bash")
