"""Malformed agent workloads (YAML) through the Python API, the CLI (a subprocess) and the Agent workloads page
(AppTest upload): each refused with one message naming the file, the role and the field; none runs code, hangs,
or touches data/. Big inputs are generated here, not committed."""

from __future__ import annotations

import concurrent.futures
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from analytics.core.errors import AnalyticsError, RegistryError
from analytics.core.registry import bundled_registry
from analytics.workloads.engine import Settings, compare
from analytics.workloads.model import load_workload
from tests.robustness.conftest import LEAKS, ROOT, assert_clean_cli_error, deadline, run_cli

API_SECONDS = 20
API_PEAK_MB = 150

BASE = {
    "name": "Base",
    "tasks_per_month": 1000,
    "roles": [
        {"name": "lead", "model": "gpt-5.2", "steps": 3, "system_prompt_tokens": 1000, "task_tokens": 200,
         "output_tokens_per_step": 300},
        {"name": "helper", "model": "kimi-k2.5", "parent": "lead", "count": 4, "parallelism": 2, "steps": 2,
         "system_prompt_tokens": 500, "task_tokens": 100, "output_tokens_per_step": 200, "returns_tokens": 50},
    ],
}


def base_text(**changes) -> str:
    """The valid base workload with top-level ``changes``, or ``role0__field=value`` / ``role1__field=value``."""
    import copy

    doc = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key.startswith("role") and "__" in key:
            index, _, field = key[4:].partition("__")
            if value is DELETE:
                del doc["roles"][int(index)][field]
            else:
                doc["roles"][int(index)][field] = value
        elif value is DELETE:
            del doc[key]
        else:
            doc[key] = value
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


DELETE = object()
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


@dataclass(frozen=True)
class Case:
    content: str | bytes
    fragments: tuple[str, ...]
    """Substrings of the message: the file name is always checked besides these."""
    runs: bool = False
    """The file parses and validates; the error comes when it is priced (e.g. an unknown model)."""


CASES: dict[str, Case] = {
    "yaml-syntax-error": Case("name: x\nroles: [\n  - name: a\n", ("not valid YAML at line",)),
    "empty-file": Case("", ("the file is empty",)),
    "comments-only": Case("# a workload\n# nothing\n", ("the file is empty",)),
    "top-level-list": Case(yaml.safe_dump([BASE]), ("expected a YAML mapping at the top, got list",)),
    "top-level-string": Case("just some text\n", ("expected a YAML mapping at the top, got str",)),
    "missing-roles": Case(base_text(roles=DELETE), ("roles", "Field required")),
    "no-roles": Case(base_text(roles=[]), ("roles", "at least 1 item")),
    "roles-not-a-list": Case(base_text(roles="lead"), ("roles", "valid list")),
    "missing-steps": Case(base_text(role0__steps=DELETE), ("roles[0] (lead).steps", "Field required")),
    "steps-as-text": Case(base_text(role0__steps="ten"), ("roles[0] (lead).steps", "valid integer")),
    "steps-true": Case(base_text(role0__steps=True), ("roles[0] (lead).steps",)),
    "negative-output": Case(base_text(role1__output_tokens_per_step=-5),
                            ("roles[1] (helper).output_tokens_per_step", "greater than or equal to 0")),
    "cache-hit-above-one": Case(base_text(role0__cache_hit_rate=1.5), ("roles[0] (lead).cache_hit_rate",)),
    "cache-hit-nan": Case(base_text(role0__cache_hit_rate=float("nan")), ("roles[0] (lead).cache_hit_rate",)),
    "tokens-infinite": Case(base_text(role0__task_tokens=float("inf")), ("roles[0] (lead).task_tokens", "finite")),
    "tokens-1e15": Case(base_text(role0__task_tokens=1e15), ("roles[0] (lead).task_tokens", "less than or equal")),
    "count-ten-million": Case(base_text(role1__count=10_000_000), ("roles[1] (helper).count", "less than or equal")),
    "steps-a-billion": Case(base_text(role0__steps=10**9), ("roles[0] (lead).steps", "less than or equal")),
    "int-of-5000-digits": Case("name: x\nroles:\n- name: a\n  steps: " + "9" * 5000 + "\n",
                               ("more than 4,300 digits",)),
    "unknown-field": Case(base_text(role0__temprature=0.7), ("roles[0] (lead).temprature", "unknown field")),
    "unknown-top-field": Case(base_text(budget=5), ("budget", "unknown field")),
    "duplicate-role-names": Case(base_text(role1__name="lead", role1__parent=None), ("'lead' is used twice",)),
    "unknown-parent": Case(base_text(role1__parent="boss"), ("roles[1] (helper).parent", "no role named 'boss'")),
    "parent-cycle": Case(base_text(role0__parent="helper"), ("cycle",)),
    "parent-with-one-step": Case(base_text(role0__steps=1), ("roles[0] (lead).steps", "at least 2 steps")),
    "success-rate-zero": Case(base_text(success_rate=0), ("success_rate",)),
    "attempts-a-thousand": Case(base_text(max_attempts=1000), ("max_attempts",)),
    "tool-with-markup": Case(base_text(role0__tool="<script>alert(1)</script>"), ("roles[0] (lead).tool",)),
    "role-name-too-long": Case(base_text(role0__name="r" * 500, role1__parent="r" * 500), ("name", "80")),
    "too-many-roles": Case(yaml.safe_dump({"name": "x", "roles": [
        {**BASE["roles"][0], "name": f"r{i}"} for i in range(201)]}), ("roles", "at most 200")),
    "duplicate-yaml-key": Case(base_text() + "name: Second name\n", ("duplicate key 'name'",)),
    "python-tag": Case("name: !!python/object/apply:os.system ['touch pwned']\nroles: []\n",
                       ("refused YAML tag",)),
    "python-name-tag": Case("name: !!python/name:os.system\nroles: []\n", ("refused YAML tag",)),
    "alias-bomb": Case(BOMB, ("aliases expand to too many nodes",)),
    "deep-nesting": Case("name: " + "[" * 300 + "]" * 300 + "\nroles: []\n", ("nested",)),
    "over-2-mib": Case("# " + "x" * (3 * 1024 * 1024) + "\n" + base_text(), ("2 MiB",)),
    "latin-1": Case(base_text(description="caf\u00e9").encode("latin-1"), ("UTF-8",)),
    "utf-16": Case(base_text().encode("utf-16"), ("UTF-8",)),
    "binary": Case(bytes(range(256)) * 64, ("binary",)),
    "unknown-model": Case(base_text(role0__model="gpt-5-2x"), ("roles[0] (lead).model", "did you mean"), runs=True),
    "model-with-markup": Case(base_text(role0__model="<img src=x onerror=alert(1)>"),
                              ("roles[0] (lead).model", "unknown model"), runs=True),
}


def test_corpus_size():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", list(CASES))
def test_api_refuses_with_a_located_message(tmp_path: Path, name: str):
    case = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(case.content if isinstance(case.content, bytes) else case.content.encode("utf-8"))
    tracemalloc.start()
    try:
        with deadline(API_SECONDS), pytest.raises(AnalyticsError) as exc:
            workload = load_workload(str(path))
            assert case.runs, "parsed although it should not"
            compare(workload, bundled_registry(), [], Settings())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(exc.value, RegistryError)
    message = str(exc.value)
    # a file-level problem names the file; a model problem (found when pricing) names the workload and the role
    for fragment in ("Base: " if case.runs else f"{name}.yaml", *case.fragments):
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    for leak in LEAKS:
        assert leak not in message, f"{leak!r} leaked into:\n{message}"
    assert peak / 1e6 < API_PEAK_MB, f"peak {peak / 1e6:.0f} MB of Python allocations"
    assert not (tmp_path / "pwned").exists() and not (ROOT / "pwned").exists()


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("workload-corpus")

    def one(name: str):
        content = CASES[name].content
        path = root / f"{name}.yaml"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return run_cli(["workload", str(path), "--json"], cwd=root)

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        return dict(zip(CASES, pool.map(one, CASES), strict=True)), root


@pytest.mark.parametrize("name", list(CASES))
def test_cli_exits_non_zero_with_one_line_and_no_traceback(cli_runs, name: str):
    runs, root = cli_runs
    case = CASES[name]
    assert_clean_cli_error(runs[name], "Base: " if case.runs else f"{name}.yaml", case.fragments[0])
    assert not (root / "pwned").exists()


# -- the page: AppTest drives the upload ---------------------------------------------------------------------------

PAGE = "pages/workloads.py"
PAGE_CASES = ["yaml-syntax-error", "python-tag", "alias-bomb", "over-2-mib", "latin-1", "binary", "negative-output",
              "parent-cycle", "duplicate-yaml-key", "unknown-model", "empty-file", "deep-nesting"]


@pytest.fixture(scope="module")
def workloads_page():
    if not (ROOT / PAGE).is_file():
        pytest.skip(f"{PAGE} is not there yet")
    from tests.app.conftest import open_page

    at = open_page(PAGE, timeout=120)
    choice = at.selectbox(key="workload")
    choice.select_index(len(choice.options) - 1).run()  # the last choice: upload a file
    assert at.file_uploader(key="workload_upload"), "no uploader after choosing the upload option"
    return at


@pytest.mark.parametrize("name", PAGE_CASES)
def test_page_shows_an_error_box_and_keeps_working(workloads_page, name: str):
    at = workloads_page
    content = CASES[name].content
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    at.file_uploader(key="workload_upload").set_value((f"{name}.yaml", data, "application/x-yaml"))
    with deadline(120):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = "\n".join(e.value for e in at.error)
    assert f"{name}.yaml" in errors or "larger than" in errors, errors or "no error box"
    assert CASES[name].fragments[0] in errors, errors
    # the rest of the page still works: the preset's results are shown
    assert len(at.get("plotly_chart")) >= 1
    assert not (ROOT / "pwned").exists()
