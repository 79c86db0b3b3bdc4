"""Throwaway database servers for the engine tests: a PostgreSQL cluster on a free local port (Debian's
``postgresql`` package) and one local Spark session per test run. Each says why when it cannot start."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Postgres:
    """A running throwaway cluster: ``url`` for the owner (may write), ``reader_url`` for a read-only role."""

    url: str
    reader_url: str
    port: int
    folder: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    root = Path("/usr/lib/postgresql")
    found = sorted((p / "bin" for p in root.glob("*") if (p / "bin" / "initdb").exists()),
                   key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextlib.contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """Start a cluster in a temporary folder (initdb refuses root: run as ``postgres`` then), yield it, stop it by
    its postmaster's PID and remove the folder. Raises RuntimeError with the reason when it cannot start."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql; make test does it)")
    folder = Path(tempfile.mkdtemp(prefix="llm-costs-pg-"))
    data = folder / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    try:
        subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres",
                        "--no-sync", "-E", "UTF8", "--locale=C"], check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t",
                        "60", "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                                    "-c synchronous_commit=off -c full_page_writes=off", "start"],
                       check=True, capture_output=True, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL would not start: {exc} {detail.decode(errors='replace')[-300:]}") from None
    try:
        import psycopg

        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE ROLE reader LOGIN")
            con.execute("GRANT pg_read_all_data TO reader")
            con.execute("ALTER ROLE reader SET default_transaction_read_only = on")
        yield Postgres(url, f"postgresql://reader@127.0.0.1:{port}/postgres", port, folder)
    finally:
        pid_file = data / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, signal.SIGINT)  # fast shutdown
            for _ in range(100):
                if not pid_file.exists():
                    break
                time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)


def spark_or_reason() -> tuple[object | None, str]:
    """The shared local Spark session, or None and why it cannot start (no pyspark, no Java)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return None, "no Java runtime (Debian: apt-get install default-jre-headless; make test does it)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return None, "pyspark is not installed (pip install -e '.[dev]')"
    from analytics.replay.sources import SourceError, spark_session

    try:
        return spark_session("llm-costs-tests"), ""
    except SourceError as exc:
        return None, str(exc)
