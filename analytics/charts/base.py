"""What every chart shares: colours by country, an explicit template, and the provenance footnote.

Chart builders (pure: DataFrame + options → plotly Figure) call ``finish`` last, so that a chart taken out of
the dashboard — exported as PNG, SVG, PDF or HTML — still says what it shows and where its numbers come from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import plotly.graph_objects as go

TEMPLATE = "plotly_white"
"""Set explicitly: importing streamlit changes plotly's default template for the whole process."""
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

    def text(self) -> str:
        parts = [self.what, f"registry as of {self.as_of.isoformat()}"]
        parts.extend(f"{k}: {v}" for k, v in self.settings.items())
        return " · ".join(parts) + f"<br>Sources: {self.sources}"

    def plain(self) -> str:
        return self.text().replace("<br>", " — ")


def finish(fig: go.Figure, title: str, provenance: Provenance, *, height: int = 520) -> go.Figure:
    """Apply the template, title and the provenance footnote (below the plot, inside the figure)."""
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 120},
        meta={"provenance": provenance.plain()},
    )
    fig.add_annotation(
        text=provenance.text(), xref="paper", yref="paper", x=0, y=-0.16, xanchor="left", yanchor="top",
        showarrow=False, align="left", font={"size": 10, "color": "#555"},
    )
    return fig


@dataclass(frozen=True)
class ChartOption:
    """One option of a chart, shared by the CLI (``--name``) and the export catalog."""

    name: str
    """Python keyword of ``build`` (``ratio``); the CLI flag is ``--ratio``."""
    help: str
    default: object = None
    choices: tuple[str, ...] | None = None
    multiple: bool = False
    """Repeatable on the CLI (``--model a --model b``), a list in Python."""


@dataclass(frozen=True)
class ChartSpec:
    """A named chart: ``build(registry, **options)`` returns the figure and the DataFrame it plots."""

    name: str
    """kebab-case, used in file names and on the CLI: ``cost-vs-hle``."""
    title: str
    description: str
    build: object
    """Callable[[Registry, ...], tuple[plotly Figure, pandas DataFrame]]; pure."""
    options: tuple[ChartOption, ...] = ()


def chart_catalog() -> dict[str, ChartSpec]:
    """Every chart of every feature module, by name (each module exposes a ``CHART_SPECS`` tuple); imported here,
    not at the top, because those modules import this one."""
    from . import charts, history, replay, workload_charts

    return {spec.name: spec for module in (charts, workload_charts, replay, history) for spec in module.CHART_SPECS}
