"""Shared page helpers: the cached registry and the sidebar controls. Layout only; numbers come from analytics/."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.registry import Registry, bundled_registry


@st.cache_resource(max_entries=4, show_spinner="Loading the registry…")
def _registry(signature: str) -> Registry:
    del signature
    return bundled_registry()


def registry() -> Registry:
    """The bundled registry, loaded and validated once per server process (it is read-only)."""
    return _registry("bundled")


def sidebar_currency_and_date(reg: Registry) -> tuple[str, dt.date]:
    """The shared sidebar: display currency and the as-of date prices are taken at."""
    with st.sidebar:
        currency = st.selectbox("Currency", reg.currencies(), key="sidebar_currency",
                                help="Prices in other currencies are converted with the dated rates in data/fx.yaml")
        on = st.date_input("Prices as of", value=dt.date.today(), key="sidebar_on",
                           help="Every price is taken from the schedule in force on this day")
    return currency, on
