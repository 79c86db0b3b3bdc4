"""The charts' template (analytics/charts/base.py) is plotly_white cut to what the charts draw: every chart of the
catalog must come out of the export pixel for pixel as it would with the whole plotly_white."""

from __future__ import annotations

import pytest

from analytics import export
from analytics.charts.base import TEMPLATE
from analytics.charts.catalog import chart_catalog
from analytics.core.registry import bundled_registry

pytestmark = pytest.mark.skipif(not export.static_export_available(), reason="no Chromium: nothing to render")


def test_every_chart_draws_the_same_with_the_cut_template_as_with_plotly_white():
    registry = bundled_registry()
    different = []
    for name, spec in chart_catalog().items():
        fig, _ = spec.build(registry)
        assert fig.layout.template.layout.plot_bgcolor == "white", name
        out = export.export_figure(fig)
        opts = {"format": "png", "scale": 1, "width": out.layout.width, "height": out.layout.height}
        ours = export._get_renderer().render(out.to_dict(), opts)
        out.update_layout(template="plotly_white")
        if export._get_renderer().render(out.to_dict(), opts) != ours:
            different.append(name)
    assert not different, f"{TEMPLATE} draws these charts differently from plotly_white: {different}"
