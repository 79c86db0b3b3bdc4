"""Malformed registries through the Python API and the CLI (a subprocess): every one refused with one located
message, in bounded time and memory, without running code or touching data/.

The 34 cases of tests/test_registry.py are reused as they are (their API test lives there); this file adds the
cases that corpus lacks — a 50 MB file, absurd and infinite numbers, duplicate YAML keys, other encodings and
tags, too many files — and runs every case, old and new, through ``python -m analytics validate``.
"""

from __future__ import annotations

import concurrent.futures
import copy
import datetime as dt
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from analytics.core.errors import AnalyticsError, RegistryError
from analytics.core.registry import MAX_REGISTRY_FILES, load_registry
from tests.core.test_registry import CASES as BASE_CASES
from tests.core.test_registry import Case, acme, base_files, base_provider, edit, raw, set_path, write_registry
from tests.robustness.conftest import LEAKS, CliRun, assert_clean_cli_error, deadline, run_cli

API_SECONDS = 20
API_PEAK_MB = 120
"""Python allocations while refusing one bad registry (tracemalloc peak): a bad file is never expanded in memory."""


def fifty_mb(folder: Path) -> dict[str, Any]:
    """acme.yaml padded to 50 MB with a comment: refused by its size on disk before it is read."""
    return {**base_files(), "providers/acme.yaml": "# " + "x" * (50 * 1024 * 1024) + "\n"}


def too_many_files(_: Path) -> dict[str, Any]:
    files = base_files()
    for i in range(MAX_REGISTRY_FILES + 1):
        files[f"providers/p{i:03d}.yaml"] = "id: x\n"
    return files


def duplicate_key(_: Path) -> dict[str, Any]:
    text = yaml.safe_dump(base_provider(), sort_keys=False)
    return {**base_files(), "providers/acme.yaml": text + "name: Someone Else\n"}


def second_model(**fields: Any) -> Callable[[Path], dict[str, Any]]:
    def build(_: Path) -> dict[str, Any]:
        files = base_files()
        model = copy.deepcopy(files["providers/acme.yaml"]["models"][0])
        model.update({"id": "acme-two", "aliases": [], **fields})
        files["providers/acme.yaml"]["models"].append(model)
        return files

    return build


SPEED = {"source": "https://acme.example/speed", "checked_on": dt.date(2026, 11, 29)}

EXTRA_CASES: dict[str, Case] = {
    "file-50-mb": Case(fifty_mb, ("acme.yaml", "over the 2 MiB bound")),
    "more-than-500-files": Case(too_many_files, (f"more than {MAX_REGISTRY_FILES} registry files",)),
    "duplicate-yaml-key": Case(duplicate_key, ("acme.yaml", "duplicate key 'name'", "line")),
    "utf-16-file": Case(raw(yaml.safe_dump(base_provider(), sort_keys=False).encode("utf-16")),
                        ("acme.yaml", "not UTF-8")),
    "latin-1-name": Case(raw("id: acme\nname: Acm\xe9\ncountry: FR\n".encode("latin-1")), ("acme.yaml", "not UTF-8")),
    "int-of-5000-digits": Case(raw("id: acme\nname: A\ncountry: US\nmodels:\n- id: a1\n  name: A\n"
                                   "  context_window: " + "9" * 5000 + "\n"), ("acme.yaml", "more than 4,300 digits")),
    "context-window-10-to-30": Case(acme(models__0__context_window=10**30,
                                         models__0__prices__0__tiers__0__up_to=10**25),
                                    ("acme.yaml", "model acme-one", "context_window", "less than or equal")),
    "tier-up-to-10-to-20": Case(acme(models__0__max_input_tokens=None,
                                     models__0__prices__0__tiers__0__up_to=10**20),
                                ("acme.yaml", "model acme-one", "prices[0].tiers[0].up_to")),
    "price-1e308": Case(acme(models__0__prices__0__tiers__0__input_mtok=1e308),
                        ("acme.yaml", "model acme-one", "prices[0].tiers[0].input_mtok", "less than or equal")),
    "price-infinite": Case(acme(models__0__prices__0__tiers__0__output_mtok=float("inf")),
                           ("acme.yaml", "model acme-one", "prices[0].tiers[0].output_mtok", "(got inf)")),
    "price-true": Case(acme(models__0__prices__0__tiers__0__input_mtok=True),
                       ("acme.yaml", "model acme-one", "prices[0].tiers[0].input_mtok", "true/false")),
    "context-window-true": Case(acme(models__0__context_window=True),
                                ("acme.yaml", "model acme-one", "context_window", "true/false")),
    "speed-infinite": Case(acme(models__0__speed={**SPEED, "output_tokens_per_s": float("inf")}),
                           ("acme.yaml", "model acme-one", "speed.output_tokens_per_s", "finite")),
    "ttft-nan": Case(acme(models__0__speed={**SPEED, "time_to_first_token_s": float("nan")}),
                     ("acme.yaml", "model acme-one", "speed.time_to_first_token_s", "finite")),
    "fx-rate-1e-300": Case(edit("fx.yaml", lambda f: f["rates"][0].update(units_per_usd=1e-300)),
                           ("fx.yaml", "rates[0].units_per_usd")),
    "unhashable-key": Case(raw("? [a, b]\n: c\n"), ("acme.yaml", "line 1")),
    "binary-tag": Case(raw("id: !!binary aGVsbG8=\nname: Acme\ncountry: US\nmodels: []\n"), ("acme.yaml", "id")),
    "name-over-120-chars": Case(acme(models__0__name="N" * 121), ("acme.yaml", "model acme-one", "name", "120")),
    "provider-url-javascript": Case(edit("providers/acme.yaml", lambda p: p.update(url="javascript:alert(1)")),
                                    ("acme.yaml", "url", "must be an http(s) URL")),
    "source-with-quote-injection": Case(
        acme(models__0__prices__0__source='https://acme.example/" onmouseover="alert(1)'),
        ("acme.yaml", "model acme-one", "prices[0].source", "must be an http(s) URL")),
    "benchmark-url-data-scheme": Case(
        edit("benchmarks/hle.yaml", lambda b: b.update(url="data:text/html,<script>alert(1)</script>")),
        ("hle.yaml", "url", "must be an http(s) URL")),
    "country-lower-case": Case(edit("providers/acme.yaml", lambda p: p.update(country="usa")),
                               ("acme.yaml", "country", "should match pattern")),
    "no-tiers": Case(acme(models__0__prices__0__tiers=[]), ("acme.yaml", "model acme-one", "prices[0].tiers")),
    "no-models": Case(edit("providers/acme.yaml", lambda p: p.update(models=[])), ("acme.yaml", "models")),
    "duplicate-id-in-one-file": Case(second_model(id="acme-one"),
                                     ("acme.yaml", "model acme-one", "duplicate model id")),
    "merge-key-smuggles-a-field": Case(raw("extra: &e {id: acme, debug: true}\n<<: *e\nname: A\ncountry: US\n"),
                                       ("acme.yaml", "Extra inputs are not permitted")),
    "score-negative": Case(edit("benchmarks/hle.yaml", lambda b: b["results"][0].update(score=-1)),
                           ("hle.yaml", "results[0].score", "greater than or equal to 0")),
    "tabs-for-indentation": Case(raw("id: acme\nmodels:\n\t- id: x\n"), ("acme.yaml", "not valid YAML at line")),
}

ALL_CASES: dict[str, Case] = {**{f"base:{k}": v for k, v in BASE_CASES.items()}, **EXTRA_CASES}


def test_corpus_sizes():
    assert len(BASE_CASES) >= 34 and len(EXTRA_CASES) >= 20
    assert not set(EXTRA_CASES) & set(BASE_CASES), "a case here repeats one of tests/test_registry.py"


@pytest.mark.parametrize("name", list(EXTRA_CASES))
def test_api_refuses_with_a_located_message(tmp_path: Path, name: str):
    case = EXTRA_CASES[name]
    folder = tmp_path / "registry"
    write_registry(folder, case.files(tmp_path))
    tracemalloc.start()
    try:
        with deadline(API_SECONDS), pytest.raises(RegistryError) as exc:
            load_registry(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(exc.value)
    for fragment in case.fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    for leak in LEAKS:
        assert leak not in message, f"{leak!r} leaked into:\n{message}"
    assert all(problem.file for problem in exc.value.problems)
    assert peak / 1e6 < API_PEAK_MB, f"peak {peak / 1e6:.0f} MB of Python allocations"


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory) -> dict[str, tuple[CliRun, Path]]:
    """``python -m analytics validate DIR`` on every case, six processes at a time (each is a slow start-up)."""
    root = tmp_path_factory.mktemp("registry-corpus")

    def one(name: str) -> tuple[CliRun, Path]:
        folder = root / name.replace(":", "-")
        write_registry(folder / "registry", ALL_CASES[name].files(folder))
        return run_cli(["validate", str(folder / "registry")]), folder

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        return dict(zip(ALL_CASES, pool.map(one, ALL_CASES), strict=True))


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_cli_validate_exits_non_zero_with_the_problem_and_no_traceback(cli_runs, name: str):
    run, folder = cli_runs[name]
    case = ALL_CASES[name]
    problems = run.stderr.count("\n  ")
    assert_clean_cli_error(run, *case.fragments[:2], max_lines=1 + max(problems, 1))
    assert not (folder / "pwned").exists(), "a YAML tag ran code"


def test_cli_layered_registry_refused_before_any_command_runs(tmp_path: Path):
    """``--registry DIR models`` with a hostile layer: the command does not run on a half-loaded registry."""
    provider = base_provider()
    set_path(provider, "models[0].prices[0].source", "javascript:alert(1)")
    write_registry(tmp_path, {"providers/acme.yaml": provider})
    run = run_cli(["--registry", str(tmp_path), "models", "--json"])
    assert_clean_cli_error(run, "acme.yaml", "prices[0].source", max_lines=2)


def test_errors_are_the_projects_own(tmp_path: Path):
    """The API raises nothing but AnalyticsError subclasses on any case (the CLI relies on it)."""
    for name, case in EXTRA_CASES.items():
        if name in ("file-50-mb", "more-than-500-files"):
            continue
        folder = tmp_path / name
        write_registry(folder, case.files(tmp_path))
        with pytest.raises(AnalyticsError):
            load_registry(folder)
