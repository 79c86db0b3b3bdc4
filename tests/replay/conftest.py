"""Fixtures of the engine tests: one throwaway PostgreSQL cluster and one local Spark session per test run (each
costs seconds to start); a test that needs one skips, saying why, where it cannot start."""

from __future__ import annotations

import pytest

from .servers import Postgres, postgres_cluster, spark_or_reason


@pytest.fixture(scope="session")
def postgres() -> Postgres:
    try:
        with postgres_cluster() as cluster:
            yield cluster
    except RuntimeError as exc:
        pytest.skip(f"PostgreSQL: {exc}")


@pytest.fixture(scope="session")
def spark():
    session, reason = spark_or_reason()
    if session is None:
        pytest.skip(f"Spark: {reason}")
    yield session
    session.stop()
