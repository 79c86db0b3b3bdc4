"""``today()``: the system date unless ``LLM_COSTS_TODAY`` pins it; a bad pin is a clear error."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.core.clock import TODAY_VARIABLE, today
from analytics.core.errors import AnalyticsError


def test_the_suite_runs_on_the_registrys_date():
    assert today() == dt.date(2026, 12, 1)


def test_unset_means_the_system_date(monkeypatch):
    monkeypatch.delenv(TODAY_VARIABLE)
    assert today() == dt.date.today()


def test_a_pin_that_is_not_a_date_names_the_variable(monkeypatch):
    monkeypatch.setenv(TODAY_VARIABLE, "next tuesday")
    with pytest.raises(AnalyticsError, match="LLM_COSTS_TODAY='next tuesday' is not a date"):
        today()
