"""Malformed usage logs (CSV, and a broken Parquet) through the Python API, the CLI (a subprocess) and the Replay
page (AppTest upload): each refused with one message naming the column and the row, within bounded time and memory.
The big ones (50 MB, a million columns, a million and one rows) are generated here."""

from __future__ import annotations

import concurrent.futures
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.core.errors import AnalyticsError
from analytics.replay.reading import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, UsageLogError
from analytics.replay.usage import load_usage
from tests.robustness.conftest import LEAKS, ROOT, assert_clean_cli_error, deadline, run_cli

API_SECONDS = 30
API_PEAK_MB = 400
"""Python allocations while refusing one bad log (tracemalloc peak); the 50 MB case is refused by its size on
disk, and the largest that is parsed is a million one-character rows."""

HEADER = "timestamp,model,prompt_tokens,output_tokens,cached_tokens\n"
ROW = "2026-01-10T10:00:00Z,gpt-5.2,1200,300,200\n"


def log(*rows: str) -> str:
    return HEADER + "".join(rows)


@dataclass(frozen=True)
class Case:
    content: str | bytes | Callable[[], bytes]
    fragments: tuple[str, ...]


def fifty_mb() -> bytes:
    return (HEADER + ROW * (50 * 1024 * 1024 // len(ROW) + 1)).encode()


def million_columns() -> bytes:
    return (",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "1," * 999_999 + "1\n").encode()


def million_and_one_rows() -> bytes:
    return b"prompt_tokens,output_tokens\n" + b"1,1\n" * (MAX_ROWS + 1)


CASES: dict[str, Case] = {
    "empty": Case("", ("the file is empty",)),
    "blank-lines": Case("\n\n  \n\n", ("the file is empty",)),
    "header-only": Case(HEADER, ("header but no rows",)),
    "missing-required-column": Case("timestamp,prompt_tokens\n2026-01-10,5\n", ("output_tokens", "missing required")),
    "text-in-a-number-column": Case(log(ROW, ROW.replace("1200", "lots")),
                                    ("prompt_tokens", "row 2 (line 3)", "'lots' is not a number")),
    "negative-tokens": Case(log(ROW.replace(",300,", ",-300,")), ("output_tokens", "row 1 (line 2)", "negative")),
    "infinite-tokens": Case(log(ROW.replace("1200", "inf")), ("prompt_tokens", "not a finite count")),
    "exponent-overflow": Case(log(ROW.replace("1200", "1e400")), ("prompt_tokens", "not a finite count")),
    "hex-number": Case(log(ROW.replace("1200", "0x4b0")), ("prompt_tokens", "'0x4b0' is not a number")),
    "cached-above-prompt": Case(log(ROW.replace(",200\n", ",5000\n")), ("cached_tokens", "exceed the prompt")),
    "bad-timestamp": Case(log(ROW.replace("2026-01-10T10:00:00Z", "yesterday")),
                          ("timestamp", "row 1 (line 2)", "not a date and time")),
    "year-10000": Case(log(ROW.replace("2026-01-10T10:00:00Z", "10000-01-01")), ("timestamp", "not a date")),
    "empty-required-cell": Case(log(ROW, ROW.replace(",1200,", ",,")), ("prompt_tokens", "row 2 (line 3)", "empty")),
    "true-false-tokens": Case("prompt_tokens,output_tokens\ntrue,false\n", ("prompt_tokens", "true/false")),
    "decimal-commas": Case("prompt_tokens;output_tokens\n1,5;2\n", ("prompt_tokens", "'1,5' is not a number")),
    "unclosed-quote": Case(log('2026-01-10T10:00:00Z,"gpt-5.2,1200,300,200\n'), ("malformed CSV", "EOF")),
    "ragged-row": Case(log(ROW, ROW.rstrip("\n") + ",extra,fields\n"), ("malformed CSV",)),
    "latin-1-header": Case("prompt_tokens,output_tokens,mod\xe8le\n1,1,x\n".encode("latin-1"),
                           ("header line is not UTF-8",)),
    "latin-1-body": Case("prompt_tokens,output_tokens,model\n1,1,mod\xe8le\n".encode("latin-1"), ("not UTF-8",)),
    "utf-16": Case(log(ROW).encode("utf-16"), ("binary file",)),
    "binary-png": Case(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, ("binary file",)),
    "broken-parquet": Case(b"PAR1" + b"\x15\x00" * 500 + b"PAR1", ("not a readable Parquet file",)),
    "over-25-mib": Case(fifty_mb, ("MiB", "limit")),
    "a-million-columns": Case(million_columns, ("1,000,000 columns", f"at most {MAX_COLUMNS}")),
    "a-million-and-one-rows": Case(million_and_one_rows, (f"more than {MAX_ROWS:,} rows",)),
}


def content_of(name: str) -> bytes:
    content = CASES[name].content
    if callable(content):
        content = content()
    return content if isinstance(content, bytes) else content.encode("utf-8")


def file_name(name: str) -> str:
    return f"{name}.parquet" if "parquet" in name else f"{name}.csv"


def test_corpus_size():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", list(CASES))
def test_api_refuses_with_the_column_and_row(tmp_path: Path, name: str):
    path = tmp_path / file_name(name)
    path.write_bytes(content_of(name))
    tracemalloc.start()
    try:
        with deadline(API_SECONDS), pytest.raises(UsageLogError) as exc:
            load_usage(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(exc.value)
    for fragment in (file_name(name), *CASES[name].fragments):
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    for leak in LEAKS:
        assert leak not in message
    assert peak / 1e6 < API_PEAK_MB, f"peak {peak / 1e6:.0f} MB of Python allocations"


def test_a_first_row_wider_than_the_header_is_refused_not_shifted():
    """Regression: pandas read such a row with an implicit index, shifting every value one column left."""
    with pytest.raises(UsageLogError, match="malformed CSV|fields"):
        load_usage(b"prompt_tokens,output_tokens\n2026-01-10,300,200\n", "shifted.csv")


def test_uploaded_bytes_over_the_bound_are_refused_before_parsing():
    with deadline(10), pytest.raises(UsageLogError, match="larger than the 25 MiB limit"):
        load_usage(b"x" * (MAX_BYTES + 1), "upload.csv")


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("usage-corpus")

    def one(name: str):
        path = root / file_name(name)
        path.write_bytes(content_of(name))
        return run_cli(["replay", str(path), "--json", "--model", "gpt-5.2"], cwd=root)

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        return dict(zip(CASES, pool.map(one, CASES), strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_cli_exits_non_zero_with_the_problem_and_no_traceback(cli_runs, name: str):
    run = cli_runs[name]
    problems = run.stderr.count("\n  ")
    assert_clean_cli_error(run, file_name(name), CASES[name].fragments[0], max_lines=1 + problems)


# -- the page: AppTest drives the upload ---------------------------------------------------------------------------

PAGE = "pages/replay.py"
PAGE_CASES = ["empty", "missing-required-column", "text-in-a-number-column", "negative-tokens", "bad-timestamp",
              "latin-1-body", "binary-png", "broken-parquet", "a-million-columns", "over-25-mib", "unclosed-quote"]


@pytest.fixture(scope="module")
def replay_page():
    if not (ROOT / PAGE).is_file():
        pytest.skip(f"{PAGE} is not there yet")
    from tests.app.conftest import open_page

    at = open_page(PAGE, query={"log": "upload"}, timeout=120)
    if at.radio(key="log").value != "upload":
        at.radio(key="log").set_value("upload").run()
    assert at.file_uploader(key="upload"), "no uploader on the Replay page"
    return at


@pytest.mark.parametrize("name", PAGE_CASES)
def test_page_shows_an_error_box_and_keeps_working(replay_page, name: str):
    at = replay_page
    mime = "application/octet-stream" if "parquet" in name else "text/csv"
    at.file_uploader(key="upload").set_value((file_name(name), content_of(name), mime))
    with deadline(120):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = "\n".join(e.value for e in at.error)
    assert file_name(name) in errors, errors or "no error box"
    fragment = CASES[name].fragments[0]
    assert fragment in errors or (name == "over-25-mib" and "limit" in errors), errors
    # the rest of the app still works: the sidebar and the log choice are there to go on with
    assert at.radio(key="log") and at.multiselect(key="models")


def test_page_recovers_after_a_bad_upload(replay_page):
    """After a refused file, a good one is replayed in the same session (nothing stuck in a cache)."""
    at = replay_page
    at.file_uploader(key="upload").set_value(("bad.csv", b"prompt_tokens\nx\n", "text/csv"))
    at.run()
    assert at.error
    good = (HEADER + ROW * 20).encode()
    at.file_uploader(key="upload").set_value(("good.csv", good, "text/csv"))
    with deadline(120):
        at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) >= 1


def test_every_error_is_the_projects_own(tmp_path: Path):
    for name in CASES:
        if name in ("over-25-mib", "a-million-columns", "a-million-and-one-rows"):
            continue
        with pytest.raises(AnalyticsError):
            load_usage(content_of(name), file_name(name))
