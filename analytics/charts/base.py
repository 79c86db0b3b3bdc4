"""What every chart shares: colours by country, an explicit template, and the provenance footnote.

Chart builders (pure: DataFrame + options → plotly Figure) call ``finish`` last, so that a chart taken out of
the dashboard — exported as PNG, SVG, PDF or HTML — still says what it shows and where its numbers come from.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analytics.formatting import SYMBOLS

_WHITE_LAYOUT = ("annotationdefaults", "autotypenumbers", "colorway", "font", "hoverlabel", "hovermode",
                 "paper_bgcolor", "plot_bgcolor", "shapedefaults", "title", "xaxis", "yaxis")
"""What of plotly_white's layout a 2-D chart uses (not its 3-D scene, map, polar, ternary or colour-scale parts)."""
_DRAWN_TRACES = ("bar", "scatter", "scattergl")


def _template() -> go.layout.Template:
    """plotly_white, cut to what these charts draw: its 2-D layout and its defaults for bar and scatter traces.

    The same look for every chart here, at a quarter of the cost: the whole plotly_white holds defaults for 24
    trace types and every kind of axis, and plotly validates and copies all of it into each figure (about 19 ms of
    a figure's build) and sends it to the browser with each chart (about 6 KB)."""
    white = pio.templates["plotly_white"]
    layout = {k: v for k, v in white.layout.to_plotly_json().items() if k in _WHITE_LAYOUT}
    return go.layout.Template(layout=layout, data={t: white.data[t] for t in _DRAWN_TRACES})


TEMPLATE = "llm-costs"
"""Set explicitly on every figure: importing streamlit changes plotly's default template for the whole process."""
pio.templates[TEMPLATE] = _template()  # plotly's own registry of named templates, filled once at import
COUNTRY_COLORS = {"CN": "#d62728", "US": "#1f77b4"}
"""The seed report's colours: Chinese models red, US models blue."""
OTHER_COLOR = "#7f7f7f"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"


def country_color(country: str | None) -> str:
    return COUNTRY_COLORS.get(country or "", OTHER_COLOR)


@dataclass(frozen=True)
class Provenance:
    """What a chart shows and where its numbers come from; rendered as the footnote."""

    what: str
    as_of: dt.date
    settings: dict[str, str] = field(default_factory=dict)
    """The options that produced it: blend ratio, condition, workload…"""
    sources: str = "registry data/ (providers/*.yaml, benchmarks/*.yaml); each record carries its source URL"
    overlay: str | None = None
    """``Registry.overlay_label()``: set when an overlay (``overrides.yaml``) priced something — the footnote then
    says "Your prices" in bold on a line of its own, so a chart taken out of the dashboard still says so."""
    notes: tuple[str, ...] = ()
    """Caveats a reader of the exported chart must see, one line each: "Edited: …", "≥ lower bound: …"."""

    def text(self) -> str:
        parts = [self.what, f"registry as of {self.as_of.isoformat()}"]
        parts.extend(f"{k}: {v}" for k, v in self.settings.items())
        text = "<br>".join([" · ".join(parts), *self.notes, f"Sources: {self.sources}"])
        if self.overlay:
            label = self.overlay if len(self.overlay) <= OVERLAY_CHARS else self.overlay[:OVERLAY_CHARS - 1] + "…"
            text += f"<br><b>Your prices</b>{esc(label.removeprefix('your prices'))}, not the list prices"
        return text

    @property
    def extra_lines(self) -> int:
        """Footnote lines beyond the two every chart has (settings, sources)."""
        return len(self.notes) + (1 if self.overlay else 0)

    def plain(self) -> str:
        return self.text().replace("<br>", " — ").replace("<b>", "").replace("</b>", "")


OVERLAY_CHARS = 170
"""A footnote line longer than this runs off an exported figure: the overlay's label is cut there."""


def finish(fig: go.Figure, title: str, provenance: Provenance, *, height: int = 520) -> go.Figure:
    """Apply the template, title and the provenance footnote (below the plot, inside the figure)."""
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 120 + 15 * provenance.extra_lines},  # a line per note
        meta={"provenance": provenance.plain()},
    )
    fig.add_annotation(
        text=provenance.text(), xref="paper", yref="paper", x=0, y=-0.16, xanchor="left", yanchor="top",
        showarrow=False, align="left", font={"size": 10, "color": "#555"},
    )
    return fig


TOP_LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0.0}
"""Legends sit between the title and the plot, left-aligned: at the right they collide with a long title."""
CONDITION_SYMBOLS = {"tools": "circle", "no-tools": "diamond"}
COUNTRY_NAMES = {"CN": "China", "US": "United States"}
CONDITION_BAR_COLORS = {"no-tools": "#9db4c8", "tools": "#1b4f72"}
"""Grouped HLE bars: light for the bare model, dark for the model with tools (the seed report's two series)."""

# Shades per country for charts with one line per model: the seed's red (CN) and blue (US) stay recognisable,
# and each model gets its own shade and dash so that two lines of one country can be told apart.
_SHADES = {
    "CN": ["#d62728", "#8c1d18", "#f0837f", "#b3541e"],
    "US": ["#1f77b4", "#0b3d66", "#6baed6", "#17becf"],
}
_DASHES = ["solid", "dash", "dot", "dashdot"]


def esc(value: object) -> str:
    """Registry text for a plotly label or hover: escaped, so it can never be read as markup."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    return html.escape(str(value), quote=False)


def where_note(region: str, service_tier: str) -> dict[str, str]:
    """Region and service tier for a footnote, only when they are not the defaults (global, standard)."""
    where = {}
    if region != "global":
        where["region"] = region
    if service_tier != "standard":
        where["service tier"] = service_tier
    return where


def money_symbol(currency: str) -> str:
    return SYMBOLS.get(currency, "")


def not_plotted(missing: pd.DataFrame, limit: int = 4) -> str:
    """The footnote's list of models left out, with why; beyond ``limit`` a count by reason (a footnote that
    runs off the figure helps nobody — the page lists them all beside the chart)."""
    if len(missing) <= limit:
        return ", ".join(f"{esc(n)} ({s})" for n, s in zip(missing["name"], missing["status"], strict=True))
    counts = missing["status"].value_counts()
    return f"{len(missing)} models (" + ", ".join(f"{esc(s)}: {n}" for s, n in counts.items()) + ")"


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 tick values covering [low, high] for a log axis (plotly's own minor labels read as clutter)."""
    if not (low > 0 and high > 0):
        return []
    for mantissas in ((1, 2, 5), (1, 1.5, 2, 3, 5, 7)):  # a narrow range gets the finer series
        ticks = []
        for exponent in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
            for mantissa in mantissas:
                value = mantissa * 10.0 ** exponent
                if low / 1.05 <= value <= high * 1.05:
                    ticks.append(float(f"{value:.6g}"))
        if len(ticks) >= 3:
            break
    return ticks


def model_shades(frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """A (colour, dash) per model: the country's shade (CN reds, US blues, others greys), in row order."""
    counts: dict[str, int] = {}
    styles = {}
    for model, country in frame[["model", "country"]].drop_duplicates("model").itertuples(index=False):
        i = counts.get(country, 0)
        counts[country] = i + 1
        shades = _SHADES.get(country, ["#7f7f7f", "#4d4d4d", "#b0b0b0", "#2ca02c"])
        styles[model] = (shades[i % len(shades)], _DASHES[(i // len(shades)) % len(_DASHES)])
    return styles
