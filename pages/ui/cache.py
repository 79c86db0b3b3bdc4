"""Build once, show many times: figures and frames a page builds from its inputs, cached by those inputs.

Building a chart is most of a rerun (plotly validates every property it is given); showing a built one costs a few
milliseconds. ``cached(builder, *args)`` returns what ``builder(*args)`` returns, built once per distinct input and
shared by every session: the key is the builder's name and its arguments, with the registry stood for by its
version (a digest of its files) and a workload by its content. What comes back is shared, so it is read-only: a
page that changes a frame copies it first (``show_chart`` and the exports never change a figure).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from pydantic import BaseModel

from analytics.core.registry import Registry
from pages.ui.common import registry, registry_key

T = TypeVar("T")
MAX_ENTRIES = 256
"""Built objects kept (least recently used go first): a chart and its frame are about 130 KB."""


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _built(key: str, _build: Callable[..., Any], _args: tuple, _kwargs: dict) -> Any:
    """``key`` is a digest of the builder's name and its inputs: Streamlit hashes one short string, not the
    arguments (hashing a frame or a figure's inputs its own way costs more than a cached rerun)."""
    del key
    return _build(*_args, **_kwargs)


def cached(build: Callable[..., T], *args: Any, made_of: Any = None, **kwargs: Any) -> T:
    """``build(*args, **kwargs)``, built once per distinct input (see the module docstring). Arguments must be
    values that say what they are — numbers, text, dates, tuples, lists, dicts, frozen dataclasses, pydantic models,
    DataFrames — or the registry of this run; anything else is refused rather than guessed at.

    ``made_of`` describes the arguments that are not plain values (numbers, text, dates, the registry, and tuples,
    lists and dicts of them) by what they were computed from — for a figure drawn from workload results, the
    inputs of the run that made them. They are then not keyed themselves (a list of results cannot say what it
    is; a frame can, but hashing it costs more than the cached figure saves), so ``made_of`` must determine them.
    """
    described = made_of is not None
    key = (build.__module__, build.__qualname__, input_key(made_of) if described else None,
           tuple(_argument_key(a, described) for a in args),
           tuple(sorted((name, _argument_key(value, described)) for name, value in kwargs.items())))
    return _built(_digest(repr(key).encode()), build, args, kwargs)


_DESCRIBED = ("made_of",)
"""Stands in the key for an argument that ``made_of`` describes."""
_PLAIN = (str, int, float, bool, dt.date, enum.Enum, type(None), Registry)


def _argument_key(value: Any, described: bool) -> Any:
    if described and not _plain(value):
        return _DESCRIBED
    return input_key(value)


def _plain(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (tuple, list, set, frozenset)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def input_key(value: Any) -> Any:
    """A hashable stand-in for one argument, equal exactly when the argument would build the same thing."""
    if value is None or isinstance(value, (str, int, float, bool, dt.date, enum.Enum)):
        return (type(value).__name__, value)  # typed: True and 1, or a date and a datetime, are different inputs
    if isinstance(value, Registry):
        if value is not registry():
            raise TypeError("cached(): pass the registry of this run (pages.ui.common.registry())")
        return ("registry", registry_key())
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(input_key(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(input_key(v) for v in value)))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((input_key(k), input_key(v)) for k, v in value.items())))
    if isinstance(value, BaseModel):
        return (type(value).__qualname__, _digest(value.model_dump_json().encode()))
    if isinstance(value, pd.DataFrame):  # every cell's repr: exact (floats round-trip), and quick on a small frame
        cells = repr((value.index.tolist(), value.to_numpy(dtype=object).tolist())).encode()
        return ("frame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)), _digest(cells))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not type(value).__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise TypeError(f"cached(): {type(value).__qualname__} is a mutable dataclass; pass a frozen one")
        return (type(value).__qualname__,
                tuple((f.name, input_key(getattr(value, f.name))) for f in dataclasses.fields(value)))
    raise TypeError(f"cached(): no cache key for a {type(value).__qualname__}; pass its parts instead")


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
