"""pages/ui/cache.py: what stands for a builder's inputs in the shared cache. Two inputs share an entry exactly when
they would build the same thing; an input the key cannot describe is refused, never guessed at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import pytest
from pydantic import BaseModel

from analytics.charts.base import FOOTNOTE, Provenance, finish, for_screen
from analytics.core.presets import SEED_DATE
from pages.ui.cache import input_key
from pages.ui.common import screen_figure
from tests.app.conftest import open_page


@dataclass(frozen=True)
class Frozen:
    ratio: str
    on: dt.date


@dataclass
class Mutable:
    ratio: str


class Doc(BaseModel):
    name: str
    steps: int


@pytest.mark.parametrize("a, b", [
    (1, True),  # equal in Python, different inputs
    (1, 1.0),
    (dt.date(2026, 1, 1), dt.datetime(2026, 1, 1)),
    ("3:1", ("3:1",)),
    (["a", "b"], ("a", "b")),
    ([1, 2], [2, 1]),
    (Frozen("3:1", dt.date(2026, 1, 1)), Frozen("3:1", dt.date(2026, 1, 2))),
    (Doc(name="loop", steps=10), Doc(name="loop", steps=11)),
    (pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [1, 3]})),
    (pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"y": [1, 2]})),
    (pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [1.0, 2.0]})),
    ({"a": 1}, {"a": 2}),
    (None, "None"),
])
def test_different_inputs_have_different_keys(a, b):
    assert input_key(a) != input_key(b)


@pytest.mark.parametrize("make", [
    lambda: Frozen("3:1", dt.date(2026, 1, 1)),
    lambda: Doc(name="loop", steps=10),
    lambda: pd.DataFrame({"x": [1, 2], "name": ["a", None]}),
    lambda: {"b": [1, 2], "a": (3, dt.date(2026, 1, 1))},
    lambda: frozenset({"gpt-5.2", "kimi-k2.5"}),
])
def test_equal_inputs_made_separately_have_equal_keys(make):
    first, second = make(), make()
    assert first is not second
    assert input_key(first) == input_key(second)
    hash(input_key(first))


@pytest.mark.parametrize("value, says", [
    (Mutable("3:1"), "mutable dataclass"),
    (object(), "no cache key"),
    ([1, object()], "no cache key"),
])
def test_an_input_the_key_cannot_describe_is_refused(value, says):
    with pytest.raises(TypeError, match=says):
        input_key(value)


def test_a_cached_page_shows_the_figures_its_builders_make():
    """Cost vs HLE draws through ``cached``: a second session with the same view gets the same charts, and a
    different view gets its own."""
    first = open_page("pages/cost_vs_hle.py")
    again = open_page("pages/cost_vs_hle.py")
    other = open_page("pages/cost_vs_hle.py", query={"ratio": "1:1"})
    specs = [[chart.proto.spec for chart in at.get("plotly_chart")] for at in (first, again, other)]
    assert specs[0] and specs[0] == specs[1]
    assert specs[2][0] != specs[0][0] and "1:1" in specs[2][0]


def test_a_figures_screen_copy_is_made_once_and_leaves_the_figure_as_exported():
    """``show_chart`` lays a figure out for the screen once: a cached figure is shown on every rerun, and its screen
    copy is the one made the first time; the figure itself keeps its footnote (the downloads use it)."""
    fig = finish(go.Figure(go.Bar(x=["a"], y=[1])), "A title", Provenance("What it shows", SEED_DATE))
    exported = fig.to_dict()
    screen = screen_figure(fig)
    assert screen_figure(fig) is screen
    assert screen.to_dict() == for_screen(fig).to_dict()
    assert fig.to_dict() == exported and [a for a in fig.layout.annotations if a.name == FOOTNOTE]
    assert screen_figure(go.Figure(fig)) is not screen  # a copy is another figure, laid out afresh
