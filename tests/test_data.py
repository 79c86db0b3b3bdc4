"""The files in data/ themselves: the committed JSON Schema is current and every registry file points at it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analytics.core.registry import DATA_DIR
from analytics.core.schema import registry_json_schema

SCHEMA_PATH = DATA_DIR / "schema.json"
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$")


def registry_yaml_files() -> list[Path]:
    files = [*sorted((DATA_DIR / "providers").glob("*.y*ml")), *sorted((DATA_DIR / "benchmarks").glob("*.y*ml"))]
    return [*files, DATA_DIR / "fx.yaml"]


def test_schema_json_is_current():
    expected = json.dumps(registry_json_schema(), indent=2, sort_keys=True) + "\n"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == expected, "stale schema: run make schema"


def test_there_are_registry_files():
    names = {path.name for path in registry_yaml_files()}
    assert {"alibaba.yaml", "moonshot.yaml", "openai.yaml", "google.yaml", "anthropic.yaml", "deepseek.yaml",
            "hle.yaml", "fx.yaml"} <= names


@pytest.mark.parametrize("path", registry_yaml_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_file_starts_with_the_schema_line(path: Path):
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    match = SCHEMA_LINE.match(first_line)
    assert match, f"{path.name}: the first line must be '# yaml-language-server: $schema=<path to schema.json>'"
    assert (path.parent / match["path"]).resolve() == SCHEMA_PATH.resolve(), (
        f"{path.name}: $schema={match['path']} does not point at data/schema.json"
    )
