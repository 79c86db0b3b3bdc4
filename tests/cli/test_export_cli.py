"""``python -m analytics charts`` / ``export``: options generated from each ChartSpec, one-line errors, files named."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import export
from analytics.charts.base import Provenance, finish
from analytics.charts.spec import ChartOption, ChartSpec
from analytics.cli import export as export_cli
from analytics.cli import main as cli
from analytics.core.clock import today
from analytics.core.errors import Problem, RegistryError

ROOT = Path(__file__).resolve().parents[2]
TODAY = today().isoformat()  # the project's today (LLM_COSTS_TODAY, set by tests/conftest.py), as the CLI names files
REGISTRY = object()
needs_browser = pytest.mark.skipif(not export.static_export_available(), reason="no Chromium here")

calls: list[dict] = []


def build_scatter(registry, ratio="3:1", condition="best", model=None, scale_x=1.0, top=3):
    assert registry is REGISTRY
    calls.append({"ratio": ratio, "condition": condition, "model": model, "scale_x": scale_x, "top": top})
    if ratio == "0:0":
        raise ValueError("ratio 0:0 has no output and no input: use e.g. 3:1\nsecond line")
    names = model or ["Alpha-1", "Beta-2"]
    df = pd.DataFrame({"model": names, "price": [1.0 * scale_x] * len(names), "score": [30.0] * len(names)})
    fig = go.Figure(go.Scatter(x=df["price"], y=df["score"], text=df["model"], mode="markers+text"))
    return finish(fig, "Fake scatter", Provenance("fake", dt.date(2026, 11, 1), {"ratio": ratio})), df


def build_bars(registry, workload="chat"):
    df = pd.DataFrame({"model": ["Alpha-1"], "cost": [0.5], "workload": [workload]})
    fig = go.Figure(go.Bar(x=df["model"], y=df["cost"]))
    return finish(fig, "Fake bars", Provenance("bars", dt.date(2026, 11, 1))), df


def build_broken(registry):
    raise KeyError("no-such-model")


def build_bad_file(registry, workload="x"):
    raise RegistryError([Problem(file=workload, message="no such workload file or preset", hint="presets: chat")])


SCATTER = ChartSpec("fake-scatter", "Fake scatter", "a scatter for tests", build_scatter, (
    ChartOption("ratio", "input:output ratio", "3:1"),
    ChartOption("condition", "tools or not", "best", ("best", "tools", "no-tools")),
    ChartOption("model", "models", None, multiple=True),
    ChartOption("scale_x", "x multiplier", 1.0),
    ChartOption("top", "how many", 3),
))
BARS = ChartSpec("fake-bars", "Fake bars", "bars for tests", build_bars,
                 (ChartOption("workload", "preset", "chat", ("chat", "swarm")),))
BROKEN = ChartSpec("fake-broken", "Broken", "always fails", build_broken)


@pytest.fixture(autouse=True)
def fake_catalog(monkeypatch):
    calls.clear()
    specs = {s.name: s for s in (SCATTER, BARS)}
    monkeypatch.setattr(export_cli, "catalog", lambda: specs)
    monkeypatch.setattr(export_cli, "registry_from", lambda args: REGISTRY)
    return specs


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


# -- charts -----------------------------------------------------------------------------------------------------


def test_charts_lists_every_chart_with_its_options(capsys):
    code, out, _ = run(capsys, "charts")
    assert code == 0
    assert "fake-scatter  —  Fake scatter" in out and "fake-bars" in out
    assert "--condition {best,tools,no-tools}: tools or not (default best)" in out
    assert "--model (repeatable): models" in out
    assert "--scale-x: x multiplier (default 1.0)" in out


def test_charts_json(capsys):
    code, out, _ = run(capsys, "charts", "--json")
    data = json.loads(out)
    assert code == 0
    assert [c["name"] for c in data] == ["fake-scatter", "fake-bars"]
    condition = data[0]["options"][1]
    assert condition == {"name": "condition", "flag": "--condition", "help": "tools or not", "default": "best",
                         "choices": ["best", "tools", "no-tools"], "multiple": False}


# -- export one chart ---------------------------------------------------------------------------------------------


def test_export_csv_passes_typed_options_and_names_the_file(capsys, tmp_path):
    code, out, err = run(capsys, "export", "fake-scatter", "--format", "csv", "--out", str(tmp_path),
                         "--ratio", "1:1", "--condition", "tools", "--model", "m-a", "--model", "m-b",
                         "--scale-x", "2.5", "--top", "5")
    assert code == 0, err
    assert calls == [{"ratio": "1:1", "condition": "tools", "model": ["m-a", "m-b"], "scale_x": 2.5, "top": 5}]
    written = tmp_path / f"fake-scatter_ratio-1-1_condition-tools_model-m-a-m-b_scale_x-2.5_top-5_{TODAY}.csv"
    assert out == f"wrote {written} (0 kB)\n"
    back = pd.read_csv(written)
    assert back["model"].tolist() == ["m-a", "m-b"]


def test_only_the_options_given_reach_the_builder(capsys, tmp_path):
    code, _, _ = run(capsys, "export", "fake-scatter", "--format", "csv", "--out", str(tmp_path))
    assert code == 0
    assert calls == [{"ratio": "3:1", "condition": "best", "model": None, "scale_x": 1.0, "top": 3}]
    assert (tmp_path / f"fake-scatter_{TODAY}.csv").is_file()


def test_output_options_may_come_before_or_after_the_chart(capsys, tmp_path):
    target = tmp_path / "deep" / "chart.html"
    code, out, _ = run(capsys, "export", "--format", "html", "fake-bars", "--out", str(target), "--workload", "swarm")
    assert code == 0
    html = target.read_text()
    assert 'class="plotly-graph-div"' in html and "<script src" not in html
    assert out.startswith(f"wrote {target} (")


def test_the_format_follows_the_out_suffix_when_not_given(capsys, tmp_path):
    code, _, _ = run(capsys, "export", "fake-bars", "--out", str(tmp_path / "bars.csv"))
    assert code == 0
    assert (tmp_path / "bars.csv").read_text().startswith("model,cost,workload")


def test_export_json_reports_what_was_written(capsys, tmp_path):
    code, out, _ = run(capsys, "export", "fake-bars", "--format", "csv", "--out", str(tmp_path), "--json")
    record = json.loads(out)
    assert code == 0
    assert record["chart"] == "fake-bars" and record["format"] == "csv"
    assert Path(record["path"]).is_file() and record["bytes"] > 0


@needs_browser
def test_export_png_at_a_scale(capsys, tmp_path):
    code, _, err = run(capsys, "export", "fake-scatter", "--format", "png", "--scale", "1", "--out",
                       str(tmp_path / "s.png"))
    assert code == 0, err
    data = (tmp_path / "s.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == export.EXPORT_WIDTH


def test_chart_help_lists_its_own_options(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["export", "fake-scatter", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--condition {best,tools,no-tools}" in out and "--scale-x SCALE_X" in out and "--format" in out


# -- errors: one line, non-zero, no traceback -----------------------------------------------------------------------


@pytest.mark.parametrize("argv, needles", [
    (["export", "nope", "--format", "csv"], ["unknown chart 'nope'", "fake-bars, fake-scatter"]),
    (["export", "fake-bars", "--format", "gif"], ["unknown format 'gif'", "png, svg, pdf, html, csv"]),
    (["export", "fake-bars", "--ratio", "1:1"], ["unrecognized arguments: --ratio 1:1"]),
    (["export", "fake-bars", "--workload", "nope"], ["--workload", "invalid choice: 'nope'"]),
    (["export", "fake-scatter", "--top", "many"], ["--top", "invalid int value: 'many'"]),
    (["export", "fake-scatter", "--format", "csv", "--ratio", "0:0"], ["fake-scatter (ratio=0:0): ratio 0:0"]),
    (["export", "fake-bars", "--format", "png", "--scale", "9"], ["--scale 9 must be between"]),
    (["export"], ["name a CHART"]),
    (["export", "--all", "--format", "csv"], ["--all needs --out DIR"]),
    (["export", "--all", "fake-bars", "--out", "x"], ["--all exports every chart"]),
])
def test_bad_input_is_one_line_on_stderr(capsys, argv, needles):
    code, out, err = run(capsys, *argv)
    assert_one_line_error(code, err, *needles)
    assert out == ""


def test_a_builder_error_names_the_chart(capsys, fake_catalog, tmp_path):
    fake_catalog["fake-broken"] = BROKEN
    code, _, err = run(capsys, "export", "fake-broken", "--format", "csv", "--out", str(tmp_path))
    assert_one_line_error(code, err, "fake-broken (default options): 'no-such-model'")


def test_a_bad_input_file_option_is_one_line(capsys, fake_catalog, tmp_path):
    fake_catalog["fake-file"] = ChartSpec("fake-file", "File", "reads a file", build_bad_file,
                                          (ChartOption("workload", "preset or file", "x"),))
    code, _, err = run(capsys, "export", "fake-file", "--workload", "nope", "--format", "csv", "--out", str(tmp_path))
    assert_one_line_error(code, err, "fake-file: nope: no such workload file or preset — presets: chat")


def test_an_unwritable_out_is_one_line(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "export", "fake-bars", "--format", "csv", "--out", str(blocker / "sub" / "a.csv"))
    assert_one_line_error(code, err, "cannot write")


def test_no_browser_is_one_clear_line_and_html_csv_still_work(capsys, monkeypatch, tmp_path):
    export.shutdown()
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(export, "find_browser", lambda: None)
    for fmt in ("png", "svg", "pdf"):
        code, _, err = run(capsys, "export", "fake-bars", "--format", fmt, "--out", str(tmp_path))
        assert_one_line_error(code, err, "apt-get install chromium", "BROWSER_PATH", "HTML and CSV export still work")
    code, _, err = run(capsys, "export", "--all", "--format", "png", "--out", str(tmp_path / "all"))
    assert_one_line_error(code, err, "apt-get install chromium")
    assert calls == [], "nothing should be built when the format cannot be rendered"
    for fmt in ("html", "csv"):
        code, _, _ = run(capsys, "export", "fake-bars", "--format", fmt, "--out", str(tmp_path))
        assert code == 0
        assert (tmp_path / f"fake-bars_{TODAY}.{fmt}").is_file()


# -- export --all -------------------------------------------------------------------------------------------------


def test_all_writes_every_chart_one_line_each_when_piped(capsys, tmp_path):
    code, out, err = run(capsys, "export", "--all", "--format", "csv", "--out", str(tmp_path / "new"))
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "new").iterdir())
    assert names == [f"fake-bars_{TODAY}.csv", f"fake-scatter_{TODAY}.csv"]
    assert out.count("wrote ") == 2 and "━" not in out and "\x1b[" not in out  # plain lines, no bar


def test_all_shows_a_progress_bar_on_a_terminal(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "export", "--all", "--format", "html", "--out", str(tmp_path))
    assert code == 0
    assert "━" in out and "2/2" in out and "done" in out  # rich's bar, its count and its last label
    assert out.rstrip().endswith(f"wrote 2 file(s) to {tmp_path}")


def test_all_keeps_going_past_a_broken_chart_and_fails_at_the_end(capsys, fake_catalog, tmp_path):
    fake_catalog["fake-broken"] = BROKEN
    code, out, err = run(capsys, "export", "--all", "--format", "csv", "--out", str(tmp_path))
    assert code == 1
    assert err == "error: fake-broken: fake-broken (default options): 'no-such-model'\n"
    assert len(list(tmp_path.iterdir())) == 2


def test_all_refuses_a_file_as_the_folder(capsys, tmp_path):
    (tmp_path / "f").write_text("x")
    code, _, err = run(capsys, "export", "--all", "--format", "csv", "--out", str(tmp_path / "f"))
    assert_one_line_error(code, err, "is a file")


# -- the real catalog, in a real process ----------------------------------------------------------------------------


def test_real_cli_lists_the_catalog_and_fails_without_a_traceback():
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    listed = subprocess.run([sys.executable, "-m", "analytics", "charts", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert isinstance(json.loads(listed.stdout), list)
    bad = subprocess.run([sys.executable, "-m", "analytics", "export", "no-such-chart"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: unknown chart 'no-such-chart'") and bad.stderr.count("\n") == 1


def test_csv_bytes_are_what_the_page_offers(tmp_path):
    """The CLI and the page share analytics.export: the CLI's CSV equals export.to_csv of the builder's frame."""
    fig, df = build_scatter(REGISTRY)
    assert export.export_chart(fig, df, "csv") == export.to_csv(df)
    assert pd.read_csv(io.BytesIO(export.to_csv(df)))["model"].tolist() == ["Alpha-1", "Beta-2"]
