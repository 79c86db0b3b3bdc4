"""Where big logs live: files through DuckDB, a PostgreSQL table (LiteLLM's spend logs), Spark. The CLI's engine
options, the SQL it shows for a warehouse, and one clear line for every failure: the source, the table, the column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import sqlglot

from analytics.cli.main import main
from analytics.core.errors import AnalyticsError
from analytics.core.presets import SEED_DATE
from analytics.core.registry import load_registry
from analytics.replay.engine import replay
from analytics.replay.query import warehouse_sql
from analytics.replay.samples import sample_log
from analytics.replay.sources import (
    EngineUnsupported,
    SourceError,
    canonical_table,
    open_files,
    open_postgres,
    quiet,
    redact,
    replay_source,
    table_name,
)
from analytics.replay.usage import read_log, validate_usage

from .test_engines import assert_agree, seed_log


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- files through DuckDB ---------------------------------------------------------------------------------------


def test_a_folder_of_parquet_replays_on_duckdb_as_one_log(registry, tmp_path, capsys):
    """Three Parquet parts in a folder and as a glob give the numpy engine's table for the same requests."""
    frame = seed_log(registry, 1_500)
    folder = tmp_path / "logs"
    folder.mkdir()
    for i in range(3):
        frame.iloc[i * 500:(i + 1) * 500].to_parquet(folder / f"part-{i}.parquet")
    reference = replay(registry, validate_usage(frame, "log", csv_lines=False), ["kimi-k2.5", "gpt-5.2"])
    for where in (str(folder), str(folder / "*.parquet")):
        code, out, err = run_cli(capsys, "replay", where, "--model", "kimi-k2.5", "--model", "gpt-5.2", "--json")
        assert code == 0, err
        data = json.loads(out)
        assert data["engine"] == "duckdb" and data["requests"] == 1_500
        totals = {row["model"]: row["total_cost"] for row in data["summary"]}
        for row in reference.summary.itertuples():
            assert totals[row.model] == pytest.approx(row.total_cost, rel=1e-9)


def test_the_table_view_of_an_engine_counts_the_unpriced_by_reason(registry, tmp_path, capsys):
    path = tmp_path / "log.parquet"
    seed_log(registry, 800).to_parquet(path)
    code, out, err = run_cli(capsys, "replay", str(path), "--engine", "duckdb")
    assert code == 0, err
    assert out.startswith("800 requests (") and "priced in duckdb" in out
    assert "by reason" in out and "prompt exceeds" in out


def test_csv_on_duckdb_with_a_mapping(tmp_path, capsys):
    """(10,000 × 0.60 + 1,000 × 3.00) / 1M = $0.009 on Kimi K2.5, read from renamed CSV columns."""
    path = tmp_path / "renamed.csv"
    path.write_text("input,out,when\n10000,1000,2026-02-01T00:00:00Z\n")
    code, out, err = run_cli(capsys, "replay", str(path), "--engine", "duckdb", "--model", "kimi-k2.5",
                             "--map", "prompt_tokens=input", "--map", "output_tokens=out", "--map", "timestamp=when",
                             "--json")
    assert code == 0, err
    assert json.loads(out)["summary"][0]["total_cost"] == pytest.approx(0.009)


@pytest.mark.parametrize(("content", "message"), [
    ("prompt_tokens,output_tokens\n10,lots\n", "column 'output_tokens' (output_tokens) is string, not a number"),
    ("prompt,output_tokens\n10,5\n", "column 'prompt_tokens' does not exist"),
    ("prompt_tokens,output_tokens\n10,-5\n", "output_tokens: 1 row negative"),
    ("prompt_tokens,output_tokens,cached_tokens\n10,5,11\n", "cached_tokens: 1 row with more cached"),
])
def test_file_errors_are_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, out, err = run_cli(capsys, "replay", str(path), "--engine", "duckdb")
    assert code == 1 and out == ""
    assert message in err and str(path) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_files_and_engine_mixups_are_one_line(tmp_path, capsys):
    cases = [
        (["replay", str(tmp_path / "nothing-*.parquet")], "no such file"),
        (["replay", "--db", "postgresql://x@127.0.0.1:1/db"], "--db and --table go together"),
        (["replay", "x.csv", "--engine", "postgres"], "--engine postgres needs --db URL and --table NAME"),
        (["replay", "--sample", "10", "--engine", "duckdb"], "replayed with --engine numpy"),
    ]
    for args, message in cases:
        code, out, err = run_cli(capsys, *args)
        assert code == 1 and message in err and "Traceback" not in err, (args, err)


def test_duckdb_memory_is_bounded_and_spills_to_the_temp_dir(registry, tmp_path):
    path = tmp_path / "log.parquet"
    seed_log(registry, 2_000).to_parquet(path)
    with open_files(str(path), memory_limit="64MB", temp_directory=str(tmp_path / "spill"), threads=1) as source:
        settings = source.backend.raw_sql("SELECT current_setting('memory_limit'), current_setting('threads'), "
                                          "current_setting('temp_directory')").fetchall()[0]
        assert settings[0].startswith(("61", "64")) and int(settings[1]) == 1 and settings[2].endswith("spill")
        assert replay_source(registry, source, ["kimi-k2.5"]).summary.iloc[0]["priced"] > 0


def test_a_query_past_the_time_limit_is_interrupted(registry, tmp_path):
    path = tmp_path / "log.parquet"
    seed_log(registry, 200).to_parquet(path)
    with open_files(str(path), timeout_s=0.2) as source:
        with quiet():
            slow = source.backend.sql("SELECT sum(i * j) AS n FROM range(100000000) t(i), range(1000) s(j)")
        with pytest.raises(SourceError, match="ran past the time limit"):
            source.execute(slow)


# -- PostgreSQL ---------------------------------------------------------------------------------------------------


LITELLM_COLUMNS = """
    request_id text PRIMARY KEY, call_type text NOT NULL, api_key text NOT NULL DEFAULT '',
    spend double precision NOT NULL DEFAULT 0.0, total_tokens integer NOT NULL DEFAULT 0,
    prompt_tokens integer NOT NULL DEFAULT 0, completion_tokens integer NOT NULL DEFAULT 0,
    "startTime" timestamp(3) NOT NULL, "endTime" timestamp(3) NOT NULL, model text NOT NULL DEFAULT '',
    metadata jsonb DEFAULT '{}', cache_hit text DEFAULT ''
"""
"""``LiteLLM_SpendLogs`` as LiteLLM's Prisma schema creates it (the columns the replay reads, and a few around
them): DateTime is ``timestamp(3)`` without a zone, in UTC."""


@pytest.fixture(scope="module")
def spend_logs(postgres, registry):
    """A LiteLLM_SpendLogs table holding a generated log (completion tokens include reasoning, as LiteLLM counts)."""
    frame = sample_log(1_200, seed=3, end=SEED_DATE)
    with psycopg.connect(postgres.url, autocommit=True) as con:
        con.execute('DROP TABLE IF EXISTS "LiteLLM_SpendLogs"')
        con.execute(f'CREATE TABLE "LiteLLM_SpendLogs" ({LITELLM_COLUMNS})')
        with con.cursor().copy('COPY "LiteLLM_SpendLogs" (request_id, call_type, prompt_tokens, completion_tokens, '
                               'total_tokens, "startTime", "endTime", model) FROM STDIN') as copy:
            for i, row in enumerate(frame.itertuples()):
                stamp = row.timestamp.tz_convert("UTC").tz_localize(None).to_pydatetime()
                completion = int(row.output_tokens + row.reasoning_tokens)
                copy.write_row([f"req-{i}", "acompletion", int(row.prompt_tokens), completion,
                                int(row.prompt_tokens) + completion, stamp, stamp, row.model])
    usage = frame.assign(output_tokens=frame["output_tokens"] + frame["reasoning_tokens"], reasoning_tokens=0,
                         cached_tokens=0, export_cost=0.0)  # spend: the table's default
    return validate_usage(usage, "spend logs", csv_lines=False)


def test_litellm_spend_logs_replay_in_postgres(postgres, registry, spend_logs, capsys):
    """``replay --db URL --table '"LiteLLM_SpendLogs"'``: the table is recognised, priced in the database, and the
    summary equals the numpy engine's on the same requests."""
    code, out, err = run_cli(capsys, "replay", "--db", postgres.reader_url, "--table", '"LiteLLM_SpendLogs"',
                             "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["engine"] == "postgres" and data["requests"] == 1_200
    reference = replay(registry, spend_logs)  # both default to the flagships callable all through the log
    with open_postgres(postgres.reader_url, '"LiteLLM_SpendLogs"') as source:
        assert_agree(replay_source(registry, source), reference)


def test_the_connection_is_read_only_and_bounded(postgres, spend_logs):
    """Even as the table's owner, the replay's connection cannot write, and its statements have a time limit."""
    with open_postgres(postgres.url, '"LiteLLM_SpendLogs"', timeout_s=7) as source:
        raw = source.backend.con
        assert raw.execute("SHOW transaction_read_only").fetchone()[0] == "on"
        assert raw.execute("SHOW statement_timeout").fetchone()[0] == "7s"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            raw.execute('DELETE FROM "LiteLLM_SpendLogs"')


def test_a_slow_query_hits_the_timeout(postgres, capsys):
    with psycopg.connect(postgres.url, autocommit=True) as con:
        con.execute("CREATE OR REPLACE VIEW slow_log AS SELECT 10 AS prompt_tokens, 5 AS output_tokens "
                    "FROM pg_sleep(3)")
    code, out, err = run_cli(capsys, "replay", "--db", postgres.reader_url, "--table", "slow_log", "--timeout", "1")
    assert code == 1 and "ran past the time limit" in err and "slow_log" in err


@pytest.mark.parametrize(("setup", "table", "message"), [
    (None, "no_such_table", "no table 'no_such_table'"),
    ("CREATE TABLE t_missing (prompt integer, output_tokens integer)", "t_missing",
     "column 'prompt_tokens' does not exist"),
    ("CREATE TABLE t_text (prompt_tokens text, output_tokens integer)", "t_text",
     "column 'prompt_tokens' (prompt_tokens) is string, not a number"),
])
def test_database_errors_name_the_source_table_and_column(postgres, capsys, setup, table, message):
    if setup:
        with psycopg.connect(postgres.url, autocommit=True) as con:
            con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute(setup)
    code, out, err = run_cli(capsys, "replay", "--db", postgres.reader_url, "--table", table)
    assert code == 1 and out == ""
    assert message in err and f"127.0.0.1:{postgres.port}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_line_without_its_password(capsys):
    code, out, err = run_cli(capsys, "replay", "--db", "postgresql://me:secret@127.0.0.1:1/logs", "--table", "t",
                             "--timeout", "5")
    assert code == 1 and "cannot connect" in err and "secret" not in err and "***" in err
    assert len(err.strip().splitlines()) == 1


def test_table_names_and_redaction():
    assert table_name('"LiteLLM_SpendLogs"') == (None, "LiteLLM_SpendLogs")
    assert table_name('public."LiteLLM_SpendLogs"') == ("public", "LiteLLM_SpendLogs")
    assert table_name("Spend") == (None, "spend")
    with pytest.raises(SourceError):
        table_name('"unclosed')
    assert redact("postgresql://u:pw@h:5432/d") == "postgresql://u:***@h:5432/d"


def test_canonical_table_reads_litellm_columns(postgres, spend_logs):
    """The table is recognised as LiteLLM's: cache reads and writes and reasoning come from metadata.usage_object
    (a JSON field; absent here, so 0), the output is completion less reasoning, as the in-memory reader maps it."""
    with open_postgres(postgres.reader_url, '"LiteLLM_SpendLogs"') as source:
        assert set(canonical_table(source).columns) == {
            "prompt_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "cache_write_tokens",
            "cache_write_1h_tokens", "timestamp", "model", "export_cost"}


# -- SQL for a warehouse ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "clickhouse", "postgres", "trino"])
def test_show_sql_parses_in_each_dialect(capsys, dialect):
    code, out, err = run_cli(capsys, "replay", "--show-sql", dialect, "--model", "gemini-3-pro", "--model",
                             "kimi-k2.5")
    assert code == 0, err
    statements = [s for s in sqlglot.parse(out, read=dialect) if s is not None]
    assert len(statements) == 2
    assert "gemini-3-pro" in out and "200000" in out  # the model and its tier boundary are in the SQL


def test_the_warehouse_sql_computes_the_same_summary(registry, tmp_path):
    """The SQL --show-sql prints, run as text on DuckDB, gives the engines' figures (exact percentiles by sorting)."""
    import duckdb

    frame = seed_log(registry, 1_000)
    path = tmp_path / "log.parquet"
    frame.to_parquet(path)
    models = ["gemini-3-pro", "qwen3-max-thinking", "claude-opus-4.5"]
    sql = warehouse_sql(registry, models, "duckdb")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE VIEW usage_log AS SELECT * FROM read_parquet('{path}')")
    summary_sql, tiers_sql = [s for s in sql.split(";\n") if "SELECT" in s]
    got = con.execute(summary_sql).df().set_index("model")
    reference = replay(registry, validate_usage(frame, "log", csv_lines=False), models).summary.set_index("model")
    for column in ("total_cost", "cost_median", "cost_p95", "cost_max"):
        for model in models:
            assert got.loc[model, column] == pytest.approx(reference.loc[model, column], rel=1e-9), (model, column)
    for column in ("priced", "not_fitting", "no_price"):
        assert list(got.loc[models, column].astype(int)) == list(reference.loc[models, column]), column
    tiers = con.execute(tiers_sql).df()
    assert set(tiers["tier"]) >= {"≤ 200,000", "≤ 32,768"}


def test_show_sql_for_an_unknown_dialect_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["replay", "--show-sql", "excel"])
    assert "invalid choice" in capsys.readouterr().err


def test_numpy_engine_stays_the_default_for_a_small_file(registry, tmp_path, capsys):
    path = tmp_path / "usage.csv"
    frame = sample_log(50, end=SEED_DATE)
    frame.to_csv(path, index=False)
    code, out, err = run_cli(capsys, "replay", str(path), "--json")
    assert code == 0 and json.loads(out)["engine"] == "numpy"
    assert isinstance(AnalyticsError("x"), Exception)
    assert isinstance(pd.DataFrame(), pd.DataFrame)


# -- usage exports read where they live -----------------------------------------------------------------------------

SAMPLES = Path(__file__).parent / "samples"
EXPORT_MODELS = ["gpt-5.2", "claude-opus-4.5", "kimi-k2.5"]


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.csv") if not p.name.startswith("anthropic")))
def test_each_usage_export_prices_the_same_on_duckdb(registry, sample):
    """Every export format with a request count per row, read by DuckDB from the file, prices as the in-memory
    reader prices it: JSON fields, quoted dates, skipped rows, empty days, weights, the export's own cost."""
    reference = replay(registry, read_log(str(SAMPLES / sample)).frame, EXPORT_MODELS)
    with open_files(str(SAMPLES / sample)) as source:
        assert_agree(replay_source(registry, source, EXPORT_MODELS), reference)


def test_an_export_without_request_counts_is_refused_by_the_engines_and_auto_replays_it_in_memory(capsys):
    path = str(SAMPLES / "anthropic_console_usage.csv")
    with open_files(path) as source, pytest.raises(EngineUnsupported, match="no request count per row"):
        replay_source(load_registry(), source, EXPORT_MODELS)
    code, _, err = run_cli(capsys, "replay", path, "--engine", "duckdb")
    assert code != 0 and err.count("\n") == 1 and "--engine numpy" in err
