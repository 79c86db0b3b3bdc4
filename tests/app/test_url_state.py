"""State that means one thing: every query-parameter key a page binds is listed in ``pages/ui/url.py``, and a key
bound on several pages offers the same values on each (a bound value follows the visitor from page to page, so a
value one page lacks would be silently replaced by its default). Model selections are registry ids."""

from __future__ import annotations

import pytest

from analytics.core.registry import bundled_registry
from pages.ui.url import URL_KEYS
from tests.app.conftest import open_page

PAGES = ["pages/overview.py", "pages/prices.py", "pages/calculator.py", "pages/blended.py",
         "pages/context_tiers.py", "pages/cost_vs_hle.py", "pages/history.py", "pages/replay.py",
         "pages/workloads.py"]
WIDGETS = ("selectbox", "multiselect", "radio", "slider", "select_slider", "number_input", "text_input", "date_input",
           "checkbox", "button_group")


def _value_set(kind: str, proto) -> tuple:
    """What values a bound widget can hold (its options, or its bounds): the part two pages must share."""
    if kind in ("selectbox", "multiselect", "radio", "button_group", "select_slider"):
        return ("options", frozenset(proto.options))
    if kind == "number_input":
        return ("number", proto.min if proto.has_min else None, proto.max if proto.has_max else None)
    if kind == "slider":
        return ("number", proto.min, proto.max)
    return (kind,)


def bound_widgets(page: str) -> dict[str, tuple]:
    at = open_page(page, query={"log": "sample"} if page.endswith("replay.py") else None)
    assert not at.exception, (page, at.exception)
    found = {}
    for kind in WIDGETS:
        for element in at.get(kind):
            key = getattr(element.proto, "query_param_key", "")
            if key:
                found[key] = _value_set(kind, element.proto)
    return found


@pytest.fixture(scope="module")
def bindings() -> dict[str, dict[str, tuple]]:
    return {page: bound_widgets(page) for page in PAGES}


def test_every_bound_key_is_declared(bindings):
    undeclared = {f"{page}: ?{key}=" for page, keys in bindings.items() for key in keys if key not in URL_KEYS}
    assert not undeclared, "declare these in pages/ui/url.py (one meaning each): " + ", ".join(sorted(undeclared))


def test_a_key_has_one_value_set_on_every_page(bindings):
    seen: dict[str, dict[tuple, list[str]]] = {}
    for page, keys in bindings.items():
        for key, values in keys.items():
            seen.setdefault(key, {}).setdefault(values, []).append(page)
    clashes = {key: sets for key, sets in seen.items() if len(sets) > 1}
    assert not clashes, clashes


def test_keys_shared_as_the_issue_asked(bindings):
    """Blended's ratio (with "custom") has its own key; Cost vs HLE and Capability over time share ?ratio= and
    ?condition= with the same plain values; the currency and the date are on every page."""
    assert "blend" in bindings["pages/blended.py"] and "ratio" not in bindings["pages/blended.py"]
    assert bindings["pages/cost_vs_hle.py"]["ratio"] == bindings["pages/history.py"]["ratio"]
    assert "custom" not in bindings["pages/cost_vs_hle.py"]["ratio"][1]
    assert bindings["pages/cost_vs_hle.py"]["condition"] == bindings["pages/history.py"]["condition"]
    assert all({"currency", "on"} <= set(keys) for keys in bindings.values())


def test_model_selections_are_ids_everywhere(bindings):
    ids = frozenset(bundled_registry().model_ids())
    pages = [page for page, keys in bindings.items() if "models" in keys]
    assert {"pages/context_tiers.py", "pages/replay.py", "pages/workloads.py", "pages/calculator.py"} <= set(pages)
    for page in pages:
        assert bindings[page]["models"] == ("options", ids), page


def test_replay_choices_are_in_the_link(bindings):
    assert {"models", "log", "requests", "seed"} <= set(bindings["pages/replay.py"])
