"""Agent workloads as data: the YAML types (``Workload``, ``Role``), loading and validating them (files,
uploads, presets), and their JSON Schema. What a workload costs is ``engine``; its semantics are written there."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator

from analytics.core.errors import (
    Location,
    Locator,
    Problem,
    RegistryError,
    UnknownModelError,
    field_path,
    problems_from_validation,
)
from analytics.core.registry import DATA_DIR, Registry
from analytics.core.safeyaml import parse_yaml_text, read_yaml_file, yaml_text_from_bytes
from analytics.core.schema import Strict

WORKLOADS_DIR = DATA_DIR / "workloads"
"""The bundled presets: ``data/workloads/<name>.yaml``."""
SCHEMA_FILE = WORKLOADS_DIR / "workload.schema.json"
SCHEMA_COMMENT = "# yaml-language-server: $schema=./workload.schema.json"
MAX_TOTAL_STEPS = 20_000
"""Σ steps over the roles of a workload file (one instance each; ``count`` is not limited by this): a small file must
not ask for minutes of pricing. The engine itself takes any ``Workload`` (what-ifs stretch loops beyond it)."""
MIXED = "mixed"
"""The ``model`` of a result where every role runs on its own model."""



def _tokens(default: Any = ...) -> Any:
    """A token count: finite, non-negative, an expected value (may be fractional)."""
    return Field(default=default, ge=0, allow_inf_nan=False, le=1e12)



class WorkloadError(RegistryError):
    """A workload file that cannot be used: every problem names the file, the role and the field."""


# -- the YAML types ---------------------------------------------------------------------------------------------


class Role(Strict):
    """One kind of agent in the workload: ``count`` instances of a loop of ``steps`` LLM calls on ``model``."""

    name: str = Field(min_length=1, max_length=80)
    """Unique within the workload; children name it as their ``parent``."""
    model: str = Field(min_length=1, max_length=120)
    """A registry model id or alias (``kimi-k2.5``); a comparison may run every role on one model instead."""
    parent: str | None = None
    """The role this one reports to (its returns are appended to the parent's context after the parent's
    step 1); null for a top-level role."""
    count: int = Field(default=1, ge=1, le=1_000_000)
    """Instances of this role per task (in total, not per parent instance)."""
    parallelism: int = Field(default=1, ge=1, le=1_000_000)
    """Instances running at once; they run in waves of ``ceil(count / parallelism)``."""
    steps: int = Field(ge=1, le=100_000)
    """LLM calls in one instance's loop."""
    system_prompt_tokens: float = _tokens()
    """System prompt (instructions, tool definitions): the stable prefix the cache can serve at step 1."""
    task_tokens: float = _tokens()
    """The task handed to one instance (the user's question, a document, a sub-task)."""
    reasoning_tokens_per_step: float = _tokens(0)
    """Thinking tokens per call, billed as output (at the reasoning rate where one is known)."""
    output_tokens_per_step: float = _tokens()
    """Visible output per call (answer, tool-call arguments)."""
    tool_result_tokens_per_step: float = _tokens(0)
    """Tokens a tool returns after each step but the last, appended to the context."""
    tool_calls_per_step: float = Field(default=0, ge=0, allow_inf_nan=False, le=1e6)
    """Tool calls after each step but the last (expected value; may be fractional)."""
    tool: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """Which provider tool fee applies (``web_search``); null for tools you run yourself (no provider fee)."""
    tool_latency_s: float = Field(default=0, ge=0, allow_inf_nan=False, le=1e6)
    """Seconds the tool takes after each step but the last."""
    keep_reasoning_in_context: bool = False
    """Whether the reasoning of a step stays in the context of the next steps."""
    cache_hit_rate: float = Field(default=0, ge=0, le=1)
    """Share of the re-sent prefix read from the provider's prompt cache (0–1)."""
    returns_tokens: float = _tokens(0)
    """Tokens one instance hands back to its parent."""


class AssumedToolFee(Strict):
    """A fee you assume for provider tool calls whose fee the registry does not know (Kimi's web search, say):
    with it the cost includes those calls; without it the cost is a lower bound."""

    per_thousand_calls: float = Field(ge=0, le=1_000_000, allow_inf_nan=False)
    """Assumed fee per 1,000 calls (0 is allowed: "I assume they are free" is an assumption you state)."""
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    """Currency of the fee (converted with data/fx.yaml)."""


class Workload(Strict):
    """An agent workload: what one task runs, and how many tasks a month."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    tasks_per_month: float = Field(default=1000, ge=0, allow_inf_nan=False, le=1e12)
    """Tasks run per month, for the monthly projection."""
    success_rate: float | None = Field(default=None, gt=0, le=1)
    """Chance one attempt solves the task (0–1]; null when unknown (a benchmark score may stand in as a proxy)."""
    max_attempts: int = Field(default=1, ge=1, le=100)
    """Attempts allowed per task (retries after a failure)."""
    assumed_tool_fee: AssumedToolFee | None = None
    """Fee assumed for provider tool calls (``tool: web_search``…) on models whose provider has no known fee;
    null (the default): none is assumed, those calls are counted as unpriced and the cost is a lower bound."""
    roles: list[Role] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _role_tree(self) -> Workload:
        problems = role_tree_problems(self.roles)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def children(self, name: str | None) -> list[Role]:
        return [r for r in self.roles if r.parent == name]


def short_name(name: object, limit: int = 40) -> str:
    """A role name for a message: long names are cut, so one error stays one readable line."""
    text = str(name)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def role_tree_problems(roles: list[Role]) -> list[str]:
    """Unique names, known parents, no cycles, and ≥ 2 steps for a role with children (returns arrive after
    step 1, so a one-step parent could never read them)."""
    problems: list[str] = []
    names = [r.name for r in roles]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"role name {short_name(name)!r} is used twice — give each role its own name")
    known = set(names)
    parent_of = {r.name: r.parent for r in roles}
    for i, role in enumerate(roles):
        if role.parent is not None and role.parent not in known:
            choices = ", ".join(short_name(n) for n in sorted(known)[:10]) + (", …" if len(known) > 10 else "")
            problems.append(f"roles[{i}] ({short_name(role.name)}).parent: no role named "
                            f"{short_name(role.parent)!r} — use one of {choices} or null for a top-level role")
    reported: set[str] = set()
    for role in roles:
        seen: list[str] = []
        current: str | None = role.name
        while current is not None and current in parent_of and current not in seen:
            seen.append(current)
            current = parent_of[current]
        if current is not None and current in seen:
            loop = seen[seen.index(current):]
            if not reported & set(loop):
                problems.append(f"roles form a cycle: {' → '.join(short_name(n) for n in [*loop, current])} — "
                                "one of them must have parent: null")
                reported |= set(loop)
    for i, role in enumerate(roles):
        if role.steps < 2 and any(r.parent == role.name for r in roles):
            problems.append(f"roles[{i}] ({short_name(role.name)}).steps: a role with children needs at least 2 steps "
                            "(children's returns are appended after step 1) — raise steps")
    return problems


# -- loading ------------------------------------------------------------------------------------------------------


_HINTS = {
    "extra_forbidden": "unknown field: check its spelling against data/workloads/workload.schema.json",
    "missing": "this field is required: add it",
    "greater_than_equal": "must not be negative",
}


def _locate(raw: Any) -> Locator:
    """A workload's error location: ``roles[2] (researcher).steps``."""
    def locate(loc: Location) -> tuple[str | None, str]:
        if len(loc) >= 2 and loc[0] == "roles" and isinstance(loc[1], int):
            roles = raw.get("roles") if isinstance(raw, dict) else None
            name = None
            if isinstance(roles, list) and loc[1] < len(roles) and isinstance(roles[loc[1]], dict):
                name = roles[loc[1]].get("name")
            where = f"roles[{loc[1]}]" + (f" ({short_name(name)})" if name else "")
            return None, where + ("." + field_path(loc[2:]) if loc[2:] else "")
        return None, field_path(loc)

    return locate


def workload_from_data(raw: Any, name: str) -> Workload:
    """Validate parsed YAML; a ``WorkloadError`` lists every problem with file, role and field."""
    if not isinstance(raw, dict):
        raise WorkloadError([Problem(name, f"expected a YAML mapping at the top, got {type(raw).__name__}",
                                     hint="start with name:, roles: … (see data/workloads/*.yaml)")])
    try:
        workload = Workload.model_validate(raw)
    except ValidationError as exc:
        raise WorkloadError(problems_from_validation(exc, name, locate=_locate(raw), hints=_HINTS,
                                                     split_lines=True)) from None
    total = sum(role.steps for role in workload.roles)
    if total > MAX_TOTAL_STEPS:
        raise WorkloadError([Problem(name, f"the roles have {total:,} steps in all, over the {MAX_TOTAL_STEPS:,} "
                                           "a workload may ask for", field="roles",
                                     hint="shorten the loops (steps); instances (count) are not limited")])
    return workload


def parse_workload(text: str, name: str = "uploaded workload") -> Workload:
    """A workload from YAML text (an upload): size-bounded, no Python tags, no alias bombs."""
    return workload_from_data(parse_yaml_text(text, name), name)


def workload_from_bytes(data: bytes, name: str = "uploaded workload") -> Workload:
    """A workload from an uploaded file's bytes, with the checks ``safeyaml.read_yaml_file`` makes on a path:
    the size bound before decoding, strict UTF-8, no NUL bytes."""
    try:
        text = yaml_text_from_bytes(data, name)
    except RegistryError as exc:
        raise WorkloadError(exc.problems) from None
    return parse_workload(text, name)


def preset_names() -> list[str]:
    """The bundled presets, by file stem, in a stable order."""
    return sorted(p.stem for p in WORKLOADS_DIR.glob("*.yaml"))


def preset_path(name: str) -> Path:
    return WORKLOADS_DIR / f"{name}.yaml"


def load_workload(file_or_preset: str | Path) -> Workload:
    """A preset by name (``agent-swarm``) or a YAML file by path."""
    text = str(file_or_preset)
    path = Path(text)
    if not path.suffix and "/" not in text and preset_path(text).is_file():
        path = preset_path(text)
    elif not path.is_file():
        presets = ", ".join(preset_names())
        raise WorkloadError([Problem(text, "no such workload file or preset", hint=f"presets: {presets}")])
    return workload_from_data(read_yaml_file(path, text), text)


def workload_yaml(workload: Workload) -> str:
    """The workload as YAML (with the schema comment), e.g. to download an edited workload."""
    import yaml

    data = workload.model_dump(mode="json")
    return SCHEMA_COMMENT + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def workload_json_schema() -> dict:
    """The JSON Schema of a workload file (``data/workloads/workload.schema.json``)."""
    schema = Workload.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = ("An agent workload (analytics/workloads/model.py). Generated by "
                             "`python -m analytics workload-schema`; do not edit by hand.")
    return schema


def check_models(workload: Workload, registry: Registry, file: str = "workload",
                 models: Iterable[str] = ()) -> None:
    """Every role's model (and every model to compare) is in the registry; else one error with suggestions."""
    problems = []
    for i, role in enumerate(workload.roles):
        try:
            registry.resolve_id(role.model)
        except UnknownModelError as exc:
            problems.append(Problem(file, str(exc), field=f"roles[{i}] ({short_name(role.name)}).model"))
    for model in models:
        try:
            registry.resolve_id(model)
        except UnknownModelError as exc:
            problems.append(Problem(file, str(exc), field="--model"))
    if problems:
        raise WorkloadError(problems)


def main_role(workload: Workload) -> Role:
    """The role a per-step view follows by default: the one making the most calls per task (count × steps;
    the first such role on a tie)."""
    return max(workload.roles, key=lambda r: r.count * r.steps)
