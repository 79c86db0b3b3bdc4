"""What an edited workload changed from the one it started as, in words a chart footnote can carry.

``describe_edits(base, edited)`` lists, in the workload's own order: top-level fields that changed
(``success_rate 0.6 → 0.75``), roles removed, roles added, and each changed field of a kept role
(``researcher.steps 8 → 12``). A role is matched by name, so a renamed role reads as one removed and one added.
"""

from __future__ import annotations

from typing import Any

from .engine import ROLE_FIELDS, AssumedToolFee, Workload

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
