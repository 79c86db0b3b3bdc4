"""Every chart's options fit beside the export command's own flags (regression, issue 17: a Blended option named
``scale`` collided with ``--scale``, the PNG density, and ``export blended-prices`` stopped with an argparse
error)."""

from __future__ import annotations

import pytest

from analytics.charts.catalog import chart_catalog
from analytics.cli.export import chart_parser, parse_chart_options


@pytest.mark.parametrize("name", sorted(chart_catalog()))
def test_each_chart_parser_builds_and_keeps_the_output_flags(name):
    spec = chart_catalog()[name]
    chart_parser(spec)  # argparse refuses two options with one flag
    options, output = parse_chart_options(spec, ["--scale", "3", "--format", "svg"])
    assert output == {"scale": 3.0, "format": "svg"} and options == {}


def test_blended_price_axis_option():
    options, _ = parse_chart_options(chart_catalog()["blended-prices"], ["--x-scale", "log"])
    assert options == {"x_scale": "log"}
