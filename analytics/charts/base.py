"""What every chart shares: colours by country, an explicit template, and the provenance footnote.

Chart builders (pure: DataFrame + options → plotly Figure) call ``finish`` last, so that a chart taken out of
the dashboard — exported as PNG, SVG, PDF or HTML — still says what it shows and where its numbers come from.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
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


FOOTNOTE = "provenance"
"""The ``name`` of the footnote annotation: ``for_screen`` takes it out (the page prints it as wrapping text)."""
EXPORT_NOTE_CHARS = 165
"""Characters per footnote line in the figure: fits the 1,100-px export (10 px type) beside nothing."""
SCREEN_TITLE_CHARS = 36
"""Characters per title line on screen: a 390-px phone leaves about 350 px for a 16-px title (40 cut
"Break-even: Qwen3-Max-Thinking vs Gemini" at its edge: capitals and digits are wide)."""
SCREEN_AXIS_CHARS = 36
"""Characters per y-axis-title line on screen (13-px type along a plot about 280 px tall)."""
SCREEN_X_AXIS_CHARS = 26
"""Characters per x-axis-title line on screen: beside a column of model names a phone leaves the plot about 180 px."""
LEGEND_ROW_PX = 20
"""Height of one legend row: on a phone each long entry takes a row, and the figure grows by that much so that the
plot keeps its height (on a wide screen the entries share rows and the plot is taller)."""
NOTE_LINE_PX = 13
"""Height of one footnote line (10-px type)."""

SIDE_LEGEND = {"orientation": "v", "xref": "paper", "x": 1.02, "xanchor": "left", "yref": "paper", "y": 1.0,
               "yanchor": "top"}
"""In a figure that leaves the app (PNG, SVG, PDF, HTML): the legend beside the plot, so that the footnote below it
can never meet it."""
BOTTOM_LEGEND = {"orientation": "h", "xref": "container", "x": 0.0, "xanchor": "left", "yref": "container",
                 "y": 0.0, "yanchor": "bottom"}
"""On screen: the legend at the foot of the figure, wrapping over as many rows as it needs; plotly pushes the bottom
margin to fit it, so it can meet neither the plot, its axis titles nor the title, at any width."""


def wrap(text: str, width: int) -> str:
    """Plotly text broken with ``<br>`` at spaces into lines of at most ``width`` visible characters (plotly never
    wraps by itself: a long title is cut at the figure's edge). Existing ``<br>`` are kept; a tag counts as nothing
    and an entity (``&amp;``) as one character; a word longer than ``width`` stays whole."""
    lines = []
    for paragraph in re.split(r"<br\s*/?>", text):
        line, length = "", 0
        for word in re.split(r" (?![^<]*>)", paragraph):
            size = _visible_length(word)
            if line and length + 1 + size > width:
                lines.append(line)
                line, length = word, size
            else:
                line, length = (f"{line} {word}", length + 1 + size) if line else (word, size)
        lines.append(line)
    # the space kept before each break: the SVG's text then reads "tasks a month", not "tasks amonth"
    return " <br>".join(lines)


def _visible_length(text: str) -> int:
    return len(re.sub(r"&[#\w]+;", "_", re.sub(r"<[^>]*>", "", text)))


def finish(fig: go.Figure, title: str, provenance: Provenance, *, height: int = 520) -> go.Figure:
    """Apply the template, the title, the legend beside the plot and the provenance footnote below it: the layout of
    a figure that leaves the app. ``for_screen`` turns it into the page's layout (legend below, text wrapped)."""
    note = wrap(provenance.text(), EXPORT_NOTE_CHARS)
    note_lines = note.count("<br>") + 1
    x_title = fig.layout.xaxis.title.text if fig.layout.xaxis and fig.layout.xaxis.title else None
    below_plot = 50 + (18 * (x_title.count("<br>") + 1) if x_title else 0)
    """Pixels under the plot taken by the tick labels and the x-axis title: the footnote starts below them."""
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}, "yref": "paper", "y": 1.0,
               "yanchor": "bottom", "pad": {"b": 14}, "automargin": True},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 70, "r": 30, "t": 30, "b": below_plot + NOTE_LINE_PX * note_lines + 16},
        legend=SIDE_LEGEND,
        meta={"provenance": provenance.plain()},
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    fig.add_annotation(
        text=note, name=FOOTNOTE, xref="paper", yref="paper", x=0, y=0, yshift=-below_plot, xanchor="left",
        yanchor="top", showarrow=False, align="left", font={"size": 10, "color": "#555"},
    )
    return fig


def provenance_of(fig: go.Figure) -> str:
    """The figure's footnote as plain text (``&amp;`` read back as ``&``): what the page prints under the chart."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return html.unescape(str(meta.get("provenance", "")))


def legend_entries(fig: go.Figure) -> int:
    """How many entries the figure's legend shows (none when plotly would hide it: one trace, or showlegend off)."""
    if fig.layout.showlegend is False:
        return 0
    shown = [t for t in fig.data if t.showlegend is not False and t.name]
    return len(shown) if len(fig.data) > 1 or fig.layout.showlegend else 0


def for_screen(fig: go.Figure) -> go.Figure:
    """A copy laid out for the page at any width, 390 px to a wide monitor: the footnote taken out (the page prints
    it below the chart, where text wraps by itself), the legend below the plot, the title and the axis titles
    wrapped for a phone, the margins left to plotly's automargin. The figure itself is untouched (exports use it)."""
    screen = go.Figure(fig)
    screen.layout.annotations = [a for a in screen.layout.annotations if a.name != FOOTNOTE]
    title = screen.layout.title.text or ""
    entries = legend_entries(screen)
    height = (screen.layout.height or 520) + LEGEND_ROW_PX * max(0, entries - 2)
    screen.update_layout(title={"text": wrap(title, SCREEN_TITLE_CHARS), "font": {"size": 16}},
                         legend=BOTTOM_LEGEND, margin={"l": 10, "r": 16, "t": 20, "b": 10}, height=height)
    for axes, width in ((screen.select_xaxes(), SCREEN_X_AXIS_CHARS), (screen.select_yaxes(), SCREEN_AXIS_CHARS)):
        for axis in axes:
            if axis.title and axis.title.text:
                axis.title.text = wrap(axis.title.text, width)
    screen.update_xaxes(automargin=True)
    screen.update_yaxes(automargin=True)
    return screen


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
    # "retired 2026-05-15 → grok-4.3" and "retired 2026-03-09 → …" count as one reason: "retired"
    counts = missing["status"].map(lambda s: re.split(r" \d{4}-\d{2}-\d{2}", str(s))[0]).value_counts()
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


def money_ticks(ticks: list[float], currency: str) -> list[str]:
    """Tick labels with the currency: "$0.2", "$5", "¥10", "12 CHF" (a log axis's bare "5 4 3 2 1" says nothing)."""
    symbol = money_symbol(currency)
    return [f"{symbol}{v:g}" if symbol else f"{v:g} {currency}" for v in ticks]


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
