"""Every query-parameter key the pages bind, with its one meaning, and the bounds two pages share.

A bound widget's value follows the visitor from page to page (Streamlit keeps bound values across page switches),
so a key must mean the same thing, with the same set of values, on every page that binds it: ``?ratio=custom``
carried from one page to another that has no "custom" would silently fall back to its default. A value only one
page offers gets its own key (Blended's ``blend`` and ``custom_ratio``). ``tests/app/test_url_state.py`` renders
every page and fails on a bound key missing here or bound with two value sets.

Rules: keys are short words (they are the link); options are the URL values themselves (no ``format_func`` on a
bound widget: the URL holds what the widget shows); model selections are registry ids.
"""

from __future__ import annotations

MAX_PROMPT_TOKENS = 2_000_000
"""Largest prompt a page accepts (``prompt``)."""
MAX_OUTPUT_TOKENS = 128_000
"""Largest output per request a page accepts (``output``)."""

URL_KEYS: dict[str, str] = {
    # the shared sidebar
    "currency": "display currency (every page)",
    "on": "prices as of this date, YYYY-MM-DD (every page)",
    # shared by several pages
    "models": "registry ids of the models compared (Context tiers, Replay, Agent workloads)",
    "ratio": "blend ratio input:output, one of the presets (Cost vs HLE, Capability over time)",
    "condition": "HLE condition: best, tools or no-tools (Cost vs HLE, Capability over time)",
    "cache": "cache-hit share of the prompt in %, 0–100 (Blended, Context tiers)",
    "prompt": "prompt tokens of one request, cached ones included (Blended: picks the tier; Calculator)",
    "output": "visible output tokens of one request (Context tiers, Calculator)",
    "region": "price region (Prices, Calculator)",
    "tier": "service tier: standard, batch, flex, priority (Prices, Calculator)",
    # one page each
    "blend": "Blended: a ratio preset or custom",
    "custom_ratio": "Blended: the custom input:output ratio",
    "price_axis": "Blended: linear price axis (outlying bars cut, value written) or log",
    "scale": "Context tiers: log or linear cost axis",
    "reporters": "Cost vs HLE: reporter kinds that count",
    "pick": "Cost vs HLE: best or latest of several scores",
    "subset": "Cost vs HLE: HLE subset",
    "bands": "Capability over time: HLE bands",
    "provider": "Prices: providers shown",
    "country": "Prices: countries shown",
    "weights": "Prices: open or closed weights",
    "context": "Prices: the smallest context window shown (any, 32K … 1M)",
    "priced": "Prices: hide the models without a price",
    "history": "Prices: which price the history chart draws",
    "log": "Replay: upload or generated sample",
    "requests": "Replay: requests in the generated sample",
    "seed": "Replay: random seed of the generated sample",
    "workload": "Agent workloads: the preset, or upload a file",
    "volume": "Agent workloads: tasks per month",
    "success": "Agent workloads: success rate as entered or HLE as a proxy",
    "tool_fee": "Agent workloads: assumed fee per 1,000 tool calls where the provider has none (display currency)",
    "cached": "Calculator: prompt tokens read from the cache",
    "reasoning": "Calculator: reasoning tokens",
    "cache_write": "Calculator: prompt tokens written to the (5-minute) cache",
    "cache_write_1h": "Calculator: prompt tokens written to the 1-hour cache",
    "sort": "Calculator: the column the table is sorted by",
}
