"""``describe_edits``: what an edited workload changed, one line each, in the workload's order."""

from __future__ import annotations

import pytest

from analytics.workloads.editing import describe_edits
from analytics.workloads.model import AssumedToolFee, load_workload
from analytics.workloads.whatifs import with_role_changes


@pytest.fixture(scope="module")
def swarm():
    return load_workload("agent-swarm")


def test_unchanged_is_no_edit(swarm):
    assert describe_edits(swarm, swarm.model_copy(deep=True)) == []


@pytest.mark.parametrize(("change", "line"), [
    ({"researcher": {"steps": 12}}, "researcher.steps 8 → 12"),
    ({"orchestrator": {"cache_hit_rate": 0.5}}, "orchestrator.cache_hit_rate 0.8 → 0.5"),
    ({"researcher": {"tool": None}}, "researcher.tool web_search → none"),
    ({"researcher": {"keep_reasoning_in_context": True}}, "researcher.keep_reasoning_in_context no → yes"),
    ({"researcher": {"count": 1000}}, "researcher.count 100 → 1,000"),
])
def test_a_role_field(swarm, change, line):
    assert describe_edits(swarm, with_role_changes(swarm, change)) == [line]


def test_top_level_fields_roles_added_and_removed(swarm):
    roles = [r.model_dump() for r in swarm.roles if r.name != "researcher"]
    roles.append({**roles[0], "name": "critic", "parent": "orchestrator"})
    edited = swarm.model_validate({**swarm.model_dump(), "roles": roles, "success_rate": None,
                                   "assumed_tool_fee": AssumedToolFee(per_thousand_calls=10).model_dump()})
    assert describe_edits(swarm, edited) == [
        "success_rate 0.6 → none", "assumed_tool_fee none → 10 USD per 1,000 calls", "role researcher removed",
        "role critic added"]


def test_reordered_roles(swarm):
    edited = swarm.model_validate({**swarm.model_dump(), "roles": [r.model_dump() for r in reversed(swarm.roles)]})
    assert describe_edits(swarm, edited) == ["roles reordered"]
