"""Shared by the robustness suite: the CLI run as a bounded subprocess, a deadline for in-process calls, and a
guard that no test changes the bundled registry on disk."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
CLI_TIMEOUT_S = 90
"""A CLI run on one bad file must end (with its error) well within this; start-up alone is 1–6 s here."""
CLI_MAX_RSS_MB = 800
"""Peak resident memory of one CLI run on a bad file (Python + pandas + pydantic start at about 150 MB)."""
LEAKS = ("Traceback", 'File "', "<class", "Value error,", "For further information", "pydantic_core")
"""Internal text that must never reach a user's error message."""


def data_digest() -> dict[str, str]:
    """SHA-256 of every file the app reads under data/ (registry YAML, presets, schemas), by relative path."""
    return {
        str(path.relative_to(DATA)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(DATA.rglob("*"))
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json")
    }


@pytest.fixture(autouse=True)
def data_is_unchanged():
    """Every robustness test leaves data/ exactly as it found it (no upload or bad file writes into it).

    Hashed around each test rather than once per session: other people edit data/ in a shared working tree."""
    before = data_digest()
    yield
    after = data_digest()
    changed = sorted(set(after) ^ set(before) | {k for k in after if before.get(k) != after[k]})
    assert not changed, f"the bundled registry changed on disk: {changed}"


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


def run_cli(args: Sequence[str], *, timeout: float = CLI_TIMEOUT_S, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> CliRun:
    """``python -m analytics ARGS`` as a child process: exit code, output, wall time and its own peak RSS (read
    with ``os.wait4``, so other children do not count). Killed and failed when it runs past ``timeout``."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **(env or {})}
    environment.pop("LLM_COSTS_REGISTRY", None)
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "analytics", *args], cwd=cwd or ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        with stream:
            chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s), daemon=True)
               for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            pytest.fail(f"`python -m analytics {' '.join(args)[:200]}` still running after {timeout:.0f} s")
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(timeout=10)
    return CliRun(proc.returncode, chunks.get("out", b"").decode("utf-8", "replace"),
                  chunks.get("err", b"").decode("utf-8", "replace"), time.monotonic() - start,
                  usage.ru_maxrss / 1024)


def assert_clean_cli_error(run: CliRun, *fragments: str, max_lines: int = 1) -> None:
    """A refused input: non-zero exit, no traceback or internals, at most ``max_lines`` short lines on stderr,
    nothing half-printed on stdout, and the message names what it should (file, field…)."""
    assert run.code not in (0, -9), f"exit {run.code}; stdout={run.stdout[:300]!r} stderr={run.stderr[:300]!r}"
    assert run.code > 0, f"killed by signal {-run.code}: {run.stderr[-500:]}"
    lines = run.stderr.strip().splitlines()
    assert lines, "no message on stderr"
    for leak in LEAKS:
        assert leak not in run.stderr, f"{leak!r} leaked into stderr:\n{run.stderr[:2000]}"
    assert len(lines) <= max_lines, f"{len(lines)} lines on stderr (at most {max_lines}):\n{run.stderr[:2000]}"
    assert all(len(line) <= 600 for line in lines), f"an overlong line on stderr: {max(lines, key=len)[:300]}…"
    assert lines[0].startswith("error") or "problem" in lines[0], lines[0]
    for fragment in fragments:
        assert fragment in run.stderr, f"{fragment!r} not in stderr:\n{run.stderr[:2000]}"
    assert not run.stdout.strip(), f"output printed before the error: {run.stdout[:300]!r}"
    assert run.max_rss_mb < CLI_MAX_RSS_MB, f"peak RSS {run.max_rss_mb:.0f} MB"


class DeadlineExceeded(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail an in-process call that runs longer than ``seconds`` (SIGALRM: interrupts pure-Python loops, which is
    where a hang on hostile input would be — the YAML parser, pydantic, pandas' Python paths)."""
    def expire(signum, frame):
        raise DeadlineExceeded(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
