"""A workload's roles as an editable table (the page's data editor) and back, validated like a file."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .model import Role, Workload, workload_from_data

ROLE_FIELDS = tuple(Role.model_fields)
"""The columns of a role table, in the YAML's order."""
_INTEGER_FIELDS = ("count", "parallelism", "steps")
_OPTIONAL_TEXT = ("parent", "tool")


def roles_frame(workload: Workload) -> pd.DataFrame:
    """One row per role, one column per field: what a table editor shows."""
    return pd.DataFrame([role.model_dump() for role in workload.roles], columns=list(ROLE_FIELDS))


def _cell(field_name: str, value: Any) -> Any:
    """A table cell back to a YAML value: empty text and NaN are null; whole numbers stay whole."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        value = value.strip()
        if field_name in _OPTIONAL_TEXT and value in ("", "none", "null", "None"):
            return None
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if field_name in _INTEGER_FIELDS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def workload_from_frame(base: Workload, frame: pd.DataFrame, name: str = "edited workload",
                        **fields: Any) -> Workload:
    """``base`` with its roles replaced by the rows of ``frame`` (and top-level ``fields`` changed); validated,
    a ``WorkloadError`` naming the role and field otherwise. Rows left wholly empty are dropped."""
    roles = []
    for record in frame.to_dict("records"):
        row = {k: _cell(k, v) for k, v in record.items() if k in ROLE_FIELDS}
        if all(v is None for v in row.values()):
            continue
        roles.append({k: v for k, v in row.items() if v is not None or k in _OPTIONAL_TEXT})
    raw = {**base.model_dump(mode="json"), **fields, "roles": roles}
    return workload_from_data(raw, name)
