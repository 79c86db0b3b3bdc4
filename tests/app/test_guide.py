"""Where to start: the Overview's "what are you trying to do?" block links each task to its page and explains the
seed report in one line. (An unknown address shows "Page not found" with the same links: the router reads the
browser's address, so tests/e2e/test_dashboard_e2e.py checks that one.)"""

from __future__ import annotations

from pages.ui.guide import TASKS
from tests.app.conftest import open_page


def test_overview_links_each_task_to_its_page():
    at = open_page("pages/overview.py")
    assert not at.exception
    assert any(h.value == "What are you trying to do?" for h in at.subheader)
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    expected = {"Compare prices": "prices", "Price one request": "calculator", "Budget an agent": "workloads",
                "Check my bill": "replay", "Capability per dollar": "cost_vs_hle"}
    for label, page in expected.items():
        assert label in links and links[label].endswith(page), (label, links.get(label))
    assert len(TASKS) == len(expected)
    assert any("The seed report" in c.value and "January 2026" in c.value for c in at.caption)
