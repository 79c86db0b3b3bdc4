"""The README's console examples are run and compared, so the README stays true as the code and data change."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def console_examples() -> list[tuple[str, str]]:
    """(command, expected output) for every ``$ python -m analytics …`` line in a ```console block."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(), flags=re.S):
        command, lines = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    examples.append((command, "\n".join(lines).strip()))
                command, lines = line[2:], []
            else:
                lines.append(line)
        if command:
            examples.append((command, "\n".join(lines).strip()))
    return examples


def test_readme_has_examples():
    assert len(console_examples()) >= 3


@pytest.mark.parametrize(("command", "expected"), console_examples(), ids=[c for c, _ in console_examples()])
def test_readme_example_output_is_current(command, expected):
    argv = command.split()
    assert argv[:3] == ["python", "-m", "analytics"], command
    proc = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, cwd=ROOT, timeout=120)
    actual = (proc.stdout + proc.stderr).strip()
    assert actual == expected, f"README example is stale; paste this output under `$ {command}`:\n{actual}"
