"""A workload's roles as an editable table (the page's data editor) and back, validated like a file; and what an
edited workload changed from the one it started as (``describe_edits``), in words a chart footnote can carry."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .model import AssumedToolFee, Role, Workload, workload_from_data

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


# -- what an edit changed -----------------------------------------------------------------------------------------

TOP_LEVEL_FIELDS = ("name", "description", "tasks_per_month", "success_rate", "max_attempts", "assumed_tool_fee")
"""The workload's own fields compared (roles are compared one by one)."""


def _shown(value: Any) -> str:
    """A field value in a short line: numbers without trailing zeros, null as "none", long text cut."""
    if value is None:
        return "none"
    if isinstance(value, AssumedToolFee):
        return f"{value.per_thousand_calls:g} {value.currency} per 1,000 calls"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,.6g}"
    text = str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def describe_edits(base: Workload, edited: Workload) -> list[str]:
    """One line per change from ``base`` to ``edited``; empty when they are the same workload.

    | change                                  | line                              |
    |-----------------------------------------|-----------------------------------|
    | researcher.steps 8 → 12                  | ``researcher.steps 8 → 12``       |
    | success_rate 0.6 → null                  | ``success_rate 0.6 → none``       |
    | role "critic" added                      | ``role critic added``             |
    | role "orchestrator" deleted              | ``role orchestrator removed``     |
    """
    lines = []
    for name in TOP_LEVEL_FIELDS:
        before, after = getattr(base, name), getattr(edited, name)
        if before != after:
            if name == "description":
                lines.append("description changed")
            else:
                lines.append(f"{name} {_shown(before)} → {_shown(after)}")
    before_roles = {r.name: r for r in base.roles}
    after_roles = {r.name: r for r in edited.roles}
    lines.extend(f"role {name} removed" for name in before_roles if name not in after_roles)
    for role in edited.roles:
        old = before_roles.get(role.name)
        if old is None:
            lines.append(f"role {role.name} added")
            continue
        for field_name in ROLE_FIELDS:
            before, after = getattr(old, field_name), getattr(role, field_name)
            if before != after:
                lines.append(f"{role.name}.{field_name} {_shown(before)} → {_shown(after)}")
    if not lines and [r.name for r in base.roles] != [r.name for r in edited.roles]:
        lines.append("roles reordered")
    return lines
