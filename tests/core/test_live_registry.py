"""``LiveRegistry``: the registry of a running server whose files are edited under it. A refresh takes an edit whole
or not at all (never a file read half-written, never files read on both sides of an edit), and a broken edit keeps
the last good registry with the problems beside it."""

from __future__ import annotations

import copy
import threading
import time
from pathlib import Path

import pytest
import yaml

import analytics.core.registry as registry_module
from analytics.core.errors import RegistryError
from analytics.core.registry import LiveRegistry, registry_signature
from tests.core.test_registry import base_files, write_registry


def price_of(snapshot) -> float:
    return snapshot.registry.model("acme-one").prices[0].tiers[0].input_mtok


def edit_price(folder: Path, input_mtok: float) -> None:
    provider = base_files()["providers/acme.yaml"]
    provider["models"][0]["prices"][0]["tiers"][0]["input_mtok"] = input_mtok
    write_registry(folder, {"providers/acme.yaml": provider})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_registry(tmp_path, base_files())
    return tmp_path


def test_an_edit_is_loaded_whole_and_a_broken_edit_keeps_the_last_good_registry(folder: Path):
    live = LiveRegistry(folder, settle_s=0)
    first = live.refresh()
    assert price_of(first) == 1.0 and first.error is None
    assert live.refresh() is first  # nothing changed: nothing read

    edit_price(folder, 1.5)
    second = live.refresh()
    assert price_of(second) == 1.5 and second.version != first.version

    edit_price(folder, -3)  # invalid: prices are > 0
    broken = live.refresh()
    assert broken.registry is second.registry, "a broken edit must keep the last good registry"
    assert broken.version == second.version
    text = str(broken.error)
    assert "acme.yaml" in text and "acme-one" in text and "input_mtok" in text
    assert live.refresh().error is not None  # still broken: still said, and not read again

    assert live.get(first.version) is first.registry  # a run that started on an older version finishes on it
    edit_price(folder, 2.0)
    fixed = live.refresh()
    assert price_of(fixed) == 2.0 and fixed.error is None


def test_a_registry_that_never_loaded_raises_the_problems(tmp_path: Path):
    files = base_files()
    files["providers/acme.yaml"]["models"][0]["context_window"] = -1
    write_registry(tmp_path, files)
    with pytest.raises(RegistryError, match="context_window"):
        LiveRegistry(tmp_path, settle_s=0).refresh()


def test_a_file_edited_during_the_load_is_read_again(folder: Path, monkeypatch):
    """The load reads the files one after the other; an edit that lands meanwhile would leave a registry made of
    both states. The signature is compared before and after: the refresh loads again and returns the new state."""
    real_load = registry_module.load_registry
    calls = []

    def load_then_edit(folders):
        loaded = real_load(folders)
        if not calls:
            edit_price(folder, 9.0)  # lands after the files were read
        calls.append(loaded)
        return loaded

    monkeypatch.setattr(registry_module, "load_registry", load_then_edit)
    snapshot = LiveRegistry(folder, settle_s=0).refresh()
    assert len(calls) == 2
    assert price_of(snapshot) == 9.0
    assert snapshot.version == registry_signature([folder])


def test_a_file_being_written_is_never_taken_half_written(folder: Path):
    """A writer rewrites a 30-model provider file in two halves (the first half alone is valid YAML: a registry
    with 15 models), pausing between them for less than the settle time, and between versions for more. A reader
    refreshing every few milliseconds must only ever see all 30 models at one price."""
    settle_s, mid_write_pause_s, between_versions_s, versions = 0.25, 0.1, 0.4, 5
    provider = base_files()["providers/acme.yaml"]
    template = provider["models"][0]
    path = folder / "providers" / "acme.yaml"

    def text(version: int) -> tuple[str, str]:
        document = copy.deepcopy(provider)
        document["models"] = []
        for i in range(30):
            model = copy.deepcopy(template)
            model.update(id="acme-one" if i == 0 else f"acme-{i}", name=f"Acme {i}", aliases=[])
            model["prices"][0]["tiers"][0]["input_mtok"] = float(version)
            document["models"].append(model)
        whole = yaml.safe_dump(document, sort_keys=False)
        cut = whole.index("- id: acme-15")
        return whole[:cut], whole[cut:]

    def writer() -> None:
        for version in range(2, 2 + versions):
            head, tail = text(version)
            with path.open("w", encoding="utf-8") as handle:
                handle.write(head)
                handle.flush()
                time.sleep(mid_write_pause_s)
                handle.write(tail)
            time.sleep(between_versions_s)

    head, tail = text(1)
    path.write_text(head + tail, encoding="utf-8")
    live = LiveRegistry(folder, settle_s=settle_s)
    live.refresh()
    seen: dict[str, tuple[int, set[float]]] = {}
    thread = threading.Thread(target=writer)
    thread.start()
    while thread.is_alive():
        snapshot = live.refresh()
        assert snapshot.error is None, snapshot.error
        prices = {m.prices[0].tiers[0].input_mtok for m in (e.model for e in snapshot.registry.models())
                  if m.id.startswith("acme")}
        seen[snapshot.version] = (len(snapshot.registry.model_ids()), prices)
        time.sleep(0.005)
    thread.join()
    assert all(count == 30 and len(prices) == 1 for count, prices in seen.values()), seen
    assert len(seen) >= 3, f"the reader should have followed the writer through several versions: {seen}"
