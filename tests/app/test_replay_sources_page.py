"""The Replay page's server-side logs (AppTest): the sources the server's owner configured in
.streamlit/secrets.toml are offered by their label, priced where they live, and fail with a message that names the
label — never the URL, the password or the path. A visitor never types a connection string or a path."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics.core.presets import SEED_DATE
from analytics.replay.samples import sample_log
from analytics.replay.sources import configured_sources
from tests.app.conftest import DASHBOARD

PAGE = "pages/replay.py"


def open_with_secrets(connections: dict) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.secrets["connections"] = connections
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


@pytest.fixture
def parquet_folder(tmp_path, registry):
    folder = tmp_path / "logs"
    folder.mkdir()
    frame = sample_log(600, seed=1, end=SEED_DATE)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[us, UTC]")
    frame.iloc[:300].to_parquet(folder / "a.parquet")
    frame.iloc[300:].to_parquet(folder / "b.parquet")
    return folder


def test_without_configured_sources_the_page_offers_upload_and_sample_only():
    at = open_with_secrets({})
    assert not at.exception
    assert "server" not in at.radio(key="log").options


def test_a_configured_parquet_folder_is_priced_by_label(parquet_folder):
    at = open_with_secrets({"archive": {"label": "Usage archive", "path": str(parquet_folder / "*.parquet")}})
    assert not at.exception, at.exception
    assert "server" in at.radio(key="log").options
    at.radio(key="log").set_value("server").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="server_log").options == ["Usage archive"]
    assert "600 requests" in at.subheader[0].value
    assert len(at.get("plotly_chart")) == 2
    page_text = " ".join(str(e.value) for e in [*at.caption, *at.markdown, *at.subheader])
    assert str(parquet_folder) not in page_text


def test_an_unreachable_database_shows_its_label_not_its_secrets():
    at = open_with_secrets({"proxy": {"label": "LiteLLM proxy", "url": "postgresql://me:s3cret@127.0.0.1:1/litellm",
                                      "table": '"LiteLLM_SpendLogs"', "timeout": 5}})
    at.radio(key="log").set_value("server").run()
    assert not at.exception, at.exception
    message = at.error[0].value
    assert "LiteLLM proxy" in message and "cannot connect" in message
    assert "s3cret" not in message and "127.0.0.1" not in message


def test_an_incomplete_section_is_named_and_left_out(parquet_folder):
    at = open_with_secrets({"broken": {"table": "spend"},
                            "archive": {"path": str(parquet_folder)}})
    assert not at.exception
    assert any("[connections.broken]" in w.value for w in at.warning)


def test_configured_sources_read_streamlit_connection_keys():
    sources, problems = configured_sources({
        "proxy": {"dialect": "postgresql", "host": "db", "port": 5432, "database": "litellm",
                  "username": "reader", "password": "p@ss word", "table": '"LiteLLM_SpendLogs"'},
        "files": {"path": "/srv/logs/*.parquet", "label": "Archive", "memory_limit": "512MB"},
        "other": {"type": "snowflake", "account": "x"},  # another st.connection: not a replay source
        "bad": {"table": "t", "timeout": "soon"},
    })
    assert [s.name for s in sources] == ["proxy", "files"]
    assert sources[0].url == "postgresql://reader:p%40ss%20word@db:5432/litellm" and sources[0].label == "proxy"
    assert sources[1].kind == "files" and sources[1].memory_limit == "512MB"
    assert problems == ["[connections.bad]: timeout must be a number of seconds"]
