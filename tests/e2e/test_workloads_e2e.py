"""The Agent workloads page in a real browser: renders without errors, a control redraws the charts, a shared link
reproduces the view, an uploaded workload is priced and a malformed one is a clear error (the page keeps working).

Screenshots go to ``artifacts/screenshots/workloads-*.png``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.e2e.conftest import (
    assert_no_streamlit_error,
    chart,
    full_screenshot,
    quiet,
    screenshot,
    svg_texts,
    wait_for_app,
    wait_for_chart,
)

PATH = "workloads"


def open_workloads(page, app_url: str, query: str = "") -> None:
    """Open the page by its link (a fresh server's first request too: the router guard runs dashboard.py)."""
    page.goto(f"{app_url}/{PATH}{'?' + query if query else ''}")
    page.locator("[data-testid='stSidebarNav']").get_by_text("Agent workloads").wait_for(timeout=60_000)
    wait_for_app(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).first.click()


def test_page_renders_every_chart_without_errors(page, app_url, console_errors):
    open_workloads(page, app_url)
    for name in ("workload-cost-breakdown", "workload-cumulative-cost", "workload-latency", "workload-monthly",
                 "workload-sensitivity", "workload-break-even"):
        plot = wait_for_chart(page, name)
        assert plot.locator("svg .barlayer, svg .scatterlayer").count() > 0, name
    breakdown = chart(page, "workload-cost-breakdown")
    assert "Agent swarm" in " ".join(svg_texts(breakdown.locator("svg text")))
    page.locator("[data-testid='stDataFrame']").filter(visible=True).first.wait_for()
    assert_no_streamlit_error(page)
    quiet(page)
    full_screenshot(page, "workloads-page")
    assert console_errors == []


def test_changing_the_preset_redraws_the_charts(page, app_url, console_errors):
    open_workloads(page, app_url)
    wait_for_chart(page, "workload-cost-breakdown", has_text="Agent swarm")
    before = svg_texts(chart(page, "workload-cost-breakdown").locator("svg .annotation-text"))
    choose(page, "Workload", "research-loop")
    wait_for_chart(page, "workload-cost-breakdown", has_text="Research loop")
    wait_for_chart(page, "workload-cumulative-cost", has_text="researcher")
    wait_for_app(page)
    after = svg_texts(chart(page, "workload-cost-breakdown", has_text="Research loop").locator(
        "svg .annotation-text"))
    assert after != before
    assert parse_qs(urlparse(page.url).query).get("workload") == ["research-loop"]
    # Qwen crosses its 32K and 128K tiers in this loop: the cumulative chart marks both
    marks = svg_texts(chart(page, "workload-cumulative-cost", has_text="researcher").locator("svg text"))
    assert any(t.startswith("tier 2") for t in marks) and any(t.startswith("tier 3") for t in marks)
    assert_no_streamlit_error(page)
    screenshot(page, "workloads-research-loop")
    assert console_errors == []


def test_a_shared_link_reproduces_the_view(page, app_url, console_errors):
    # models appear in the link by id, as on every page of the dashboard
    # on the seed's day (Kimi K2.5 was retired on 2026-08-31)
    query = "workload=coding-agent&volume=20000&models=claude-opus-4.5&models=kimi-k2.5&on=2026-01-28"
    open_workloads(page, app_url, query)
    wait_for_chart(page, "workload-cost-breakdown", has_text="Coding agent")
    wait_for_chart(page, "workload-monthly", has_text="20,000 tasks a month")
    wait_for_app(page)
    bars = svg_texts(chart(page, "workload-cost-breakdown").locator("svg .ytick text"))
    assert sorted(bars) == ["Claude Opus 4.5", "Kimi K2.5"]
    shown = parse_qs(urlparse(page.url).query)
    assert shown.get("workload") == ["coding-agent"] and shown.get("volume") == ["20000"]
    assert_no_streamlit_error(page)
    assert console_errors == []


def _upload(page, path) -> None:
    choose(page, "Workload", "upload a file")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))


def test_upload_a_workload(page, app_url, tmp_path, console_errors):
    workload = tmp_path / "my-agent.yaml"
    workload.write_text(
        "name: My triage agent\n"
        "tasks_per_month: 1000\n"
        "roles:\n"
        "  - {name: triage, model: gpt-5.2, steps: 4, system_prompt_tokens: 2000, task_tokens: 800,\n"
        "     output_tokens_per_step: 300, tool_result_tokens_per_step: 1200, tool_calls_per_step: 1,\n"
        "     tool: web_search, cache_hit_rate: 0.5}\n", encoding="utf-8")
    open_workloads(page, app_url)
    wait_for_chart(page, "workload-cost-breakdown", has_text="Agent swarm")
    _upload(page, workload)
    wait_for_chart(page, "workload-cost-breakdown", has_text="My triage agent")
    wait_for_app(page)
    assert_no_streamlit_error(page)
    screenshot(page, "workloads-upload")
    assert console_errors == []


def test_malformed_upload_is_a_clear_error_and_the_page_keeps_working(page, app_url, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text(
        "name: broken\nroles:\n"
        "  - {name: worker, model: kimi-k2.5, parent: boss, steps: 1, system_prompt_tokens: 10,\n"
        "     task_tokens: -5, output_tokens_per_step: 10}\n", encoding="utf-8")
    open_workloads(page, app_url)
    wait_for_chart(page, "workload-cost-breakdown", has_text="Agent swarm")
    _upload(page, bad)
    error = page.locator("[data-testid='stAlertContentError']")
    error.first.wait_for(timeout=30_000)
    text = error.first.inner_text()
    assert "broken.yaml" in text and "task_tokens" in text and "must not be negative" in text
    assert page.locator("[data-testid='stException']").count() == 0
    wait_for_chart(page, "workload-cost-breakdown", has_text="Agent swarm")  # the rest of the page still works
    screenshot(page, "workloads-malformed")


def test_editing_a_role_reprices_and_downloads_the_edited_yaml(page, app_url, console_errors, tmp_path):
    open_workloads(page, app_url, "workload=research-loop")
    wait_for_chart(page, "workload-cumulative-cost", has_text="researcher")
    page.get_by_text("Edit the roles").click()
    editor = page.locator("[data-testid='stDataFrame']").filter(visible=True).first
    editor.wait_for()
    wait_for_app(page)
    # the grid draws on a canvas; its accessible table (one td per cell, id glide-cell-COLUMN-ROW, column 0 the
    # row marker) takes the keyboard focus, with the selection on the first role's name
    name_cell = editor.locator("#glide-cell-1-0")
    expect(name_cell).to_have_text("researcher")
    steps = editor.locator("#glide-cell-6-0").inner_text()
    plot = chart(page, "workload-cumulative-cost")
    name_cell.focus()
    for _ in range(5):  # name → model → parent → count → parallelism → steps
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    cell_editor = page.locator("input.gdg-input, textarea.gdg-input")
    expect(cell_editor).to_have_value(steps)  # the overlay opened on `steps`, not on another cell
    cell_editor.fill("10")
    cell_editor.press("Enter")
    expect(plot.locator("svg .xtick text").last).to_have_text("10", timeout=90_000)
    wait_for_app(page)
    assert svg_texts(plot.locator("svg .xtick text"))[-1] == "10"
    assert_no_streamlit_error(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this workload as YAML").click()
    saved = tmp_path / "edited.yaml"
    info.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=./workload.schema.json")
    assert "steps: 10\n" in text
    screenshot(page, "workloads-edited")

    # nothing lost: visit another page and come back through the sidebar; the edit is still there, badged
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("Prices", exact=True).click()
    expect(page.get_by_role("heading", name="💲 Prices")).to_be_visible(timeout=45_000)
    nav.get_by_text("Agent workloads", exact=True).click()
    expect(chart(page, "workload-cumulative-cost").locator("svg .xtick text").last).to_have_text("10", timeout=45_000)
    expect(page.get_by_text("✏️ edited", exact=True)).to_be_visible()  # the badge
    wait_for_chart(page, "workload-cost-breakdown", has_text="(edited)")
    expect(page.get_by_role("button", name="Reset to the original")).to_be_visible()
    assert_no_streamlit_error(page)
    full_screenshot(page, "workloads-edited-kept")

    # the downloaded YAML uploads again as a workload of its own, with the edit in it
    _upload(page, saved)
    expect(page.get_by_role("button", name="Reset to the original")).to_have_count(0, timeout=45_000)  # a file now
    wait_for_chart(page, "workload-cost-breakdown", has_text="Research loop")
    expect(chart(page, "workload-cumulative-cost").locator("svg .xtick text").last).to_have_text("10", timeout=45_000)
    assert_no_streamlit_error(page)
    assert console_errors == []
