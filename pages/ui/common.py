"""Shared page helpers: the cached registry, the shared sidebar, and the two functions that place every chart and
every table. Layout only; every number comes from analytics/.

View state lives in the URL: widgets are created with ``bind="query-params"``, so a widget's key is its query
parameter name (``?ratio=1:1&currency=CNY``) and a shared link reloads the view as it was. That is why keys are
short words rather than page-prefixed names. A bound value also follows the visitor from page to page, so a key
has one meaning and one value set on every page (``pages/ui/url.py`` lists them; a test holds every page to it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from analytics import export
from analytics.charts.base import for_screen, provenance_of
from analytics.core.clock import today
from analytics.core.errors import AnalyticsError, LayerError, RegistryError
from analytics.core.presets import SEED_DATE, SEED_MODELS, SEED_VIEW
from analytics.core.registry import (
    REGISTRY_VARIABLE,
    LiveRegistry,
    Registry,
    bundled_folders,
    overrides_from_bytes,
)
from analytics.formatting import PRICE_DIGITS, SYMBOLS, money

VIEW_KEY = "view"
"""``?view=seed``: the seed report's comparison as it stood (its five models, 2026-01-28, its own figures)."""
CURRENCY_KEY = "currency"
ON_KEY = "on"
MODELS_KEY = "models"


YOUR_PRICES_KEY = "your-prices-upload"
"""Session state: (file name, bytes) of the overrides file uploaded on the Prices page — the user's input, kept
for the session so that every page prices with it; never written to disk."""


REGISTRY_VERSION = "registry-version"
"""Session state: the registry version this session's current run uses (set by the router at the start of each
run), so that the sidebar and the page of one run use the same registry even if its files change in between."""


@st.cache_resource(max_entries=4, show_spinner="Loading the registry…")
def _live_registry(folders: tuple[str, ...]) -> LiveRegistry:
    """One watcher per registry folder list, shared by every session (it holds no user data)."""
    return LiveRegistry(folders)


def _live() -> LiveRegistry:
    return _live_registry(bundled_folders())


@st.cache_resource(max_entries=16, ttl=3600, show_spinner="Applying your prices…")
def _with_your_prices(registry_version: str, digest: str, name: str, _base: Registry, _data: bytes) -> Registry:
    """A registry with an uploaded overrides file applied; keyed by the registry's version and the file's hash
    (content, not session: two sessions with the same file share it, read-only)."""
    del registry_version, digest
    return overrides_from_bytes(_base, _data, name)


def _stop_on_load_error(exc: AnalyticsError) -> None:
    """No version of the registry files has ever loaded: an error box, and the page stops."""
    if isinstance(exc, RegistryError):
        st.error(f"The registry cannot be loaded ({len(exc.problems)} problem(s)):\n\n"
                 + "\n".join(f"- {md_escape(p)}" for p in exc.problems[:20]), icon="🚫")
    elif isinstance(exc, LayerError):  # the only layers a page loads come from the environment variable
        st.error(md_escape(f"{REGISTRY_VARIABLE}: {exc}"), icon="🚫")
    else:
        st.error(md_escape(exc), icon="🚫")
    st.stop()


def refresh_registry() -> Registry:
    """The router's first step on every run: reload the registry if its files changed (whole, or not at all), pin
    the version this run uses, and say so above the page when the edited files do not validate — the pages go on
    with the last good registry. Returns the registry of this run (``registry()``)."""
    try:
        snapshot = _live().refresh()
    except AnalyticsError as exc:  # a layer that cannot be read, or files that never validated
        _stop_on_load_error(exc)
        raise AssertionError("unreachable") from exc  # st.stop() raises
    st.session_state[REGISTRY_VERSION] = snapshot.version
    if snapshot.error is not None:
        st.error(f"The registry files changed on disk and no longer validate: the dashboard goes on with the "
                 f"registry loaded at {snapshot.loaded_at:%H:%M:%S} until they are fixed.\n\n"
                 + "\n".join(f"- {md_escape(p)}" for p in snapshot.error.problems[:20]), icon="🚫")
    return registry()


def base_registry() -> Registry:
    """The bundled registry with the ``LLM_COSTS_REGISTRY`` layers: the version the router pinned for this run,
    shared read-only by every session. A layer that cannot be loaded is an error box on every page and the page
    stops (never silently the bundled prices)."""
    live = _live()
    pinned = live.get(st.session_state.get(REGISTRY_VERSION))
    if pinned is not None:
        return pinned
    try:
        return live.refresh().registry
    except AnalyticsError as exc:
        _stop_on_load_error(exc)
        raise AssertionError("unreachable") from exc


def apply_your_prices(reg: Registry, name: str, data: bytes) -> Registry:
    """``reg`` (the base registry of this run) with the uploaded overrides file applied (cached by the registry's
    version and the file's content); ``RegistryError`` naming the file, entry and field when it does not
    validate."""
    version = _live().version_of(reg)
    if version is None:
        raise ValueError("apply_your_prices: pass base_registry(), the registry of this run")
    return _with_your_prices(version, hashlib.sha256(data).hexdigest(), name, reg, data)


def registry() -> Registry:
    """The registry every page prices with: the bundled one (with its ``LLM_COSTS_REGISTRY`` layers), and the
    overrides file uploaded on the Prices page for this session, when there is one."""
    reg = base_registry()
    upload = st.session_state.get(YOUR_PRICES_KEY)
    if not upload:
        return reg
    name, data = upload
    try:
        return apply_your_prices(reg, name, data)
    except AnalyticsError:  # checked when uploaded; the registry changed under it since: drop it, say so
        del st.session_state[YOUR_PRICES_KEY]
        st.warning(f"Your prices from {md_escape(name)} no longer apply to the registry and were removed: "
                   "upload the file again on the Prices page to see why.", icon="⚠️")
        return reg


def registry_key() -> str:
    """What the registry of this run is, in a few characters: the version of its files, and the hash of the
    session's own prices when there are some. Part of every cache key that depends on the registry."""
    version = _live().version_of(base_registry())
    upload = st.session_state.get(YOUR_PRICES_KEY)
    if not upload:
        return str(version)
    return f"{version}+{hashlib.sha256(upload[1]).hexdigest()[:16]}"


def shared_sidebar(reg: Registry) -> None:
    """The sidebar every page shares (called by dashboard.py before the page runs): currency and as-of date."""
    with st.sidebar:
        st.selectbox("Currency", reg.currencies(), key=CURRENCY_KEY, bind="query-params",
                     help="Prices in other currencies are converted with the dated rates in data/fx.yaml")
        if seed_view():  # the seed report's view is fixed to its day (the bound date keeps the user's own)
            st.date_input("Prices as of", value=SEED_DATE, key="seed-on", disabled=True,
                          help="The seed report's view shows its day; use the link below to come back to today")
        else:
            st.date_input("Prices as of", value=today(), key=ON_KEY, bind="query-params",
                          min_value=dt.date(2023, 1, 1), max_value=dt.date(2030, 12, 31),
                          help="Every price is taken from the schedule in force on this day")
        st.caption(f"Registry checked up to {reg.as_of().isoformat()}.")
        label = reg.overlay_label()
        if label:
            st.info(f"**Your prices** are in use: {md_escape(label.removeprefix('your prices: '))}. Every price, "
                    "chart and export says so.", icon="💼")
        if seed_view():
            st.page_link("pages/cost_vs_hle.py", label="Back to today's market", icon="↩️",
                         query_params={ON_KEY: today().isoformat()})
        else:
            st.page_link("pages/cost_vs_hle.py", label=f"The seed report's view ({SEED_DATE:%Y-%m-%d})", icon="📄",
                         query_params={VIEW_KEY: SEED_VIEW, ON_KEY: SEED_DATE.isoformat()},
                         help="The comparison the project grew from: its five models, the prices in force on "
                              "that day and the scores known then")


def seed_view() -> bool:
    """True on the seed report's named view (``?view=seed``)."""
    return st.query_params.get(VIEW_KEY) == SEED_VIEW


def view_models() -> list[str] | None:
    """The models a view is restricted to: the seed's five on the seed view; None (the page's default) otherwise."""
    return list(SEED_MODELS) if seed_view() else None


def currency() -> str:
    """The display currency chosen in the shared sidebar."""
    return st.session_state.get(CURRENCY_KEY) or "USD"


def as_of() -> dt.date:
    """The date prices are taken at, chosen in the shared sidebar (the seed report's day on its view)."""
    if seed_view():
        return SEED_DATE
    value = st.session_state.get(ON_KEY)
    return value if isinstance(value, dt.date) else today()


def model_picker(reg: Registry, label: str, default: Iterable[str], *, container=st, help: str | None = None,
                 placeholder: str = "choose models") -> list[str]:
    """The models to compare, bound to ``?models=``: registry ids on every page (a bound multiselect writes what
    it shows into the URL, so it shows ids: a name would make the link mean something else on another page)."""
    ids = reg.model_ids()
    names = {e.model.id: e.model.name for e in reg.models()}
    shown = ", ".join(f"{m} = {names[m]}" for m in list(default)[:3] if m in names)
    text = "Model ids, as in the link and the command line" + (f" ({shown}, …)" if shown else "")
    return container.multiselect(label, ids, default=[m for m in default if m in names], key=MODELS_KEY,
                                 bind="query-params", placeholder=placeholder,
                                 help=f"{help}. {text}" if help else text)


UPLOADS_ARE_NOT_KEPT = ("Uploaded files live only in this browser session: a shared link, a reload or a restarted "
                       "server does not bring them back, so give the file again.")


def ask_for_upload(request: str) -> None:
    """Where a page waits for a file: what to upload, and that an upload is never part of a link (after a shared
    link is opened or the server restarts, the rest of the view comes back from the URL; the file must be given
    again)."""
    with st.container(key="upload-needed"):
        st.info(f"{request} {UPLOADS_ARE_NOT_KEPT}", icon="📄")


def screen_figure(fig):
    """``for_screen(fig)``, made once per figure: a figure from ``cached()`` is shared by every rerun and session and
    never changed, so its screen copy is kept on it (rebuilding the copy was half of a cached rerun's time)."""
    screen = getattr(fig, "_screen_copy", None)
    if screen is None:
        screen = for_screen(fig)
        fig._screen_copy = screen  # plotly keeps attributes that start with "_" as plain Python attributes
    return screen


def show_chart(fig, data: pd.DataFrame | None, name: str) -> None:
    """Place a chart with its downloads. ``name`` is the chart's stable id (``cost-vs-hle``); ``data`` is the frame
    it plots. Each file is made on click (a callable ``data``, ``on_click="ignore"``), never on a rerun."""
    # theme=None: the figure keeps its own template (charts.base.finish), so it looks the same on screen and exported.
    # On screen the legend goes below the plot and the footnote becomes a caption that wraps at any width (a phone
    # cuts a footnote drawn inside the figure); the downloads carry the footnote inside the figure.
    st.plotly_chart(screen_figure(fig), key=f"chart-{name}", width="stretch", theme=None,
                    config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]})
    note = provenance_of(fig)
    if note:
        st.caption(md_escape(note))
    # The popover's buttons are made only while it is open (on_change="rerun": opening it reruns the page, which
    # then fills it): six buttons per chart on every run were a third of a page view's server time.
    downloads = st.popover("Download ⬇", key=f"download-{name}", on_change="rerun",
                           help="PNG, SVG, PDF, standalone HTML, or the data as CSV")
    if not downloads.open:
        return
    with downloads:
        problem = export.static_export_problem()
        formats = ("html", "csv") if problem else export.CHART_FORMATS
        scale = 2
        if not problem:
            scale = st.segmented_control("PNG scale", export.SCALES, default=2, format_func=lambda s: f"{s}x",
                                         key=f"download-scale-{name}", required=True)
        with st.container(horizontal=True, gap="small"):
            for fmt in formats:
                st.download_button(
                    fmt.upper(), data=lambda fmt=fmt: export.export_chart(fig, data, fmt, scale=scale),
                    file_name=export.export_filename(name, fmt), mime=export.MIME_TYPES[fmt],
                    on_click="ignore", key=f"download-{name}-{fmt}",
                )
        if problem:
            st.info(problem, icon="ℹ️")


def show_table(df: pd.DataFrame | object, name: str, **dataframe_kwargs) -> None:
    """Place a table (a DataFrame or a pandas Styler) with its CSV download (and JSON when cells are nested).
    ``name`` is the table's stable id."""
    dataframe_kwargs.setdefault("hide_index", True)
    dataframe_kwargs.setdefault("width", "stretch")
    dataframe_kwargs.setdefault("placeholder", "unknown")  # a null is unknown: never blank, never 0
    st.dataframe(df, key=f"table-{name}", **dataframe_kwargs)
    frame = df if isinstance(df, pd.DataFrame) else getattr(df, "data", None)  # a Styler keeps its frame in .data
    if not isinstance(frame, pd.DataFrame):
        return
    writers = {"csv": export.to_csv, "json": export.to_json} if export.is_nested(frame) else {"csv": export.to_csv}
    with st.container(horizontal=True, gap="small"):
        for fmt in writers:
            st.download_button(
                f"⬇ {fmt.upper()}", data=lambda write=writers[fmt]: write(frame),
                file_name=export.export_filename(name, fmt), mime=export.MIME_TYPES[fmt],
                on_click="ignore", key=f"download-table-{name}-{fmt}", type="tertiary",
            )


def money_column(label: str, currency_code: str, *, signed: bool = False, help: str | None = None,
                 digits: int = PRICE_DIGITS):
    """A price column: "$1.200" (¥ for CNY…), ``formatting.PRICE_DIGITS`` decimals, as ``formatting.money``."""
    symbol = SYMBOLS.get(currency_code, "")
    sign = "+" if signed else ""
    fmt = f"{symbol}%{sign}.{digits}f" if symbol else f"%{sign}.{digits}f {currency_code}"
    return st.column_config.NumberColumn(label, format=fmt, help=help)


def unknown_as_text(df: pd.DataFrame, money_columns: Iterable[str], currency_code: str, *,
                    percent_columns: Iterable[str] = (), signed_money: Iterable[str] = ()):
    """A Styler that shows money as "$1.20" and a null as "unknown" (never blank, never 0)."""
    formats = {c: (lambda v, cur=currency_code: money(v, cur)) for c in money_columns if c in df.columns}
    for c in signed_money:
        if c in df.columns:
            formats[c] = lambda v, cur=currency_code: "unknown" if pd.isna(v) else (
                ("+" if v > 0 else "−" if v < 0 else "±") + money(abs(v), cur))
    for c in percent_columns:
        if c in df.columns:
            formats[c] = lambda v: "unknown" if pd.isna(v) else f"{v:+.1f}%"
    return df.style.format(formats, na_rep="unknown")


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """User or registry text for a markdown element (caption, info, warning): every markdown character escaped,
    so a region name or a typed ratio cannot become a link, an image or markup."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


