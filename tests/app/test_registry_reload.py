"""The registry's files edited while the server runs: the next rerun shows the edit (loaded whole), and a broken
edit shows the validation error above the page while every page goes on with the last good registry.

The edits go to a layer folder (``LLM_COSTS_REGISTRY``) so that data/ is never touched. Each edit is dated a second
back (``os.utime``), as a file saved a moment before the rerun: a file modified within the last half second is
taken for one being written and left for a later rerun (see ``analytics.core.registry.LiveRegistry``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from bench.page_list import discover_pages
from tests.app.conftest import open_page
from tests.core.test_registry import base_files

PROVIDER = "providers/acme.yaml"


def save(folder: Path, name: str, input_mtok: float = 1.0) -> None:
    """Write the layer's provider file (one model, ``acme-one``, called ``name``), as saved a second ago."""
    provider = base_files()[PROVIDER]
    provider["models"][0]["name"] = name
    provider["models"][0]["prices"][0]["tiers"][0]["input_mtok"] = input_mtok
    path = folder / PROVIDER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(provider, sort_keys=False), encoding="utf-8")
    second_ago = time.time_ns() - 1_000_000_000
    os.utime(path, ns=(second_ago, second_ago))


def model_names(at) -> set[str]:
    return {name for frame in at.dataframe for name in getattr(frame.value, "get", dict().get)("name", [])}


@pytest.fixture
def layer(tmp_path: Path, monkeypatch) -> Path:
    save(tmp_path, "Acme Original")
    monkeypatch.setenv("LLM_COSTS_REGISTRY", str(tmp_path))
    return tmp_path


def test_an_edit_shows_on_the_next_rerun_and_a_broken_one_keeps_every_page_up(layer: Path):
    at = open_page("pages/prices.py")
    assert not at.exception and not at.error
    assert "Acme Original" in model_names(at)

    save(layer, "Acme Renamed")
    at.run()
    assert not at.error
    names = model_names(at)
    assert "Acme Renamed" in names and "Acme Original" not in names

    save(layer, "Acme Broken", input_mtok=-1)  # prices must be > 0
    at.run()
    assert len(at.error) == 1, [e.value for e in at.error]
    message = at.error[0].value
    shown = message.replace("\\", "")  # the problems are markdown-escaped
    assert "no longer validate" in shown and "acme.yaml" in shown and "acme-one" in shown and "input_mtok" in shown
    assert "Acme Renamed" in model_names(at), "the pages go on with the last good registry"

    for page in discover_pages():
        at.switch_page(page.path)
        at.run()
        assert not at.exception, (page.title, at.exception)
        assert [e.value for e in at.error][:1] == [message], page.title
        assert at.title, f"{page.title}: the page did not render below the error"

    save(layer, "Acme Fixed")
    at.switch_page("pages/prices.py")
    at.run()
    assert not at.error
    assert "Acme Fixed" in model_names(at)
