"""Lifecycle status on a date, its labels, and that a retired model is never priced as live.

The model below: released 2025-11-18, deprecated 2026-02-19, shut down 2026-03-09 (``retired_on`` is the first
day it can no longer be called), successor ``new-model``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.core.errors import NoPriceError, NotLiveError
from analytics.core.lifecycle import is_live, not_live_reason, status, status_label
from analytics.core.registry import ModelEntry, Registry
from analytics.core.schema import FxTable, Lifecycle, Model, Provider

D = dt.date


def _model(**life) -> Model:
    lifecycle = (Lifecycle(source="https://example.com/deprecations", checked_on=D(2026, 12, 1), **life)
                 if life else None)
    return Model.model_validate({
        "id": "old-model", "name": "Old Model", "released": D(2025, 11, 18), "context_window": 100_000,
        "lifecycle": lifecycle,
        "prices": [{"source": "https://example.com/pricing", "checked_on": D(2026, 1, 1),
                    "effective_from": D(2025, 11, 18),
                    "tiers": [{"input_mtok": 2.0, "output_mtok": 12.0}]}],
    })


RETIRING = {"preview": True, "deprecated_on": D(2026, 2, 19), "retired_on": D(2026, 3, 9), "successor": "new-model"}


@pytest.mark.parametrize(("on", "expected"), [
    (D(2025, 11, 17), "unreleased"),   # the day before release
    (D(2025, 11, 18), "preview"),      # release day, preview flag
    (D(2026, 2, 18), "preview"),       # the day before the deprecation notice
    (D(2026, 2, 19), "deprecated"),    # deprecated_on is inclusive
    (D(2026, 3, 8), "deprecated"),     # last callable day
    (D(2026, 3, 9), "retired"),        # retired_on = shutdown date, inclusive
    (D(2026, 12, 1), "retired"),
])
def test_status_at_each_boundary(on: dt.date, expected: str):
    assert status(_model(**RETIRING), on) == expected
    assert is_live(_model(**RETIRING), on) is (expected in {"preview", "available", "deprecated"})


def test_no_lifecycle_means_available_after_release():
    assert status(_model(), D(2026, 12, 1)) == "available"
    assert status(_model(), D(2025, 1, 1)) == "unreleased"


def test_labels_name_the_date_and_the_successor():
    model = _model(**RETIRING)
    assert status_label(model, D(2026, 3, 9), "New Model") == "retired 2026-03-09 → New Model"
    assert status_label(model, D(2026, 3, 1)) == "deprecated; retires 2026-03-09 → new-model"
    assert status_label(model, D(2025, 1, 1)) == "not released until 2025-11-18"
    assert status_label(_model(), D(2026, 1, 1)) == "available"


def test_not_live_reason_says_how_to_price_the_past():
    reason = not_live_reason(_model(**RETIRING), D(2026, 12, 1))
    assert reason is not None
    assert "retired on 2026-03-09" in reason and "new-model" in reason and "--on 2026-03-08" in reason
    assert not_live_reason(_model(**RETIRING), D(2026, 3, 8)) is None


def _registry(model: Model) -> Registry:
    successor = Model.model_validate({"id": "new-model", "name": "New Model", "context_window": 100_000})
    provider = Provider(id="pp", name="P", country="US", models=[model, successor])
    reg = Registry(providers=[provider], benchmarks={}, fx=FxTable())
    for m in provider.models:
        reg.entries[m.id] = ModelEntry(m, provider, "p.yaml")
    return reg


def test_a_retired_model_has_no_live_price_but_the_past_is_exact():
    reg = _registry(_model(**RETIRING))
    with pytest.raises(NotLiveError, match="retired on 2026-03-09"):
        reg.schedule("old-model", on=D(2026, 3, 9))
    assert issubclass(NotLiveError, NoPriceError)  # every caller that reports "no price" keeps working
    assert reg.schedule("old-model", on=D(2026, 3, 8)).tiers[0].input_mtok == 2.0


def test_schema_refuses_out_of_order_dates_and_self_successor():
    with pytest.raises(ValueError, match="before deprecated_on"):
        Lifecycle(source="https://e.com", checked_on=D(2026, 1, 1), deprecated_on=D(2026, 3, 1),
                  retired_on=D(2026, 2, 1))
    with pytest.raises(ValueError, match="names the model itself"):
        _model(successor="old-model")


def test_schema_refuses_a_schedule_starting_after_retirement():
    with pytest.raises(ValueError, match="on or after the model's retirement"):
        Model.model_validate({
            "id": "mm", "name": "M", "context_window": 1000,
            "lifecycle": {"retired_on": D(2026, 3, 9), "source": "https://e.com", "checked_on": D(2026, 1, 1)},
            "prices": [{"source": "https://e.com", "checked_on": D(2026, 1, 1), "effective_from": D(2026, 3, 9),
                        "tiers": [{"input_mtok": 1, "output_mtok": 2}]}],
        })
