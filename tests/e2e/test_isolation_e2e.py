"""Two browser contexts (two users) on one server: what one uploads or changes never appears in the other.

User A uploads a workload YAML and a usage CSV whose names carry a random marker, and switches the currency; user B,
on the same pages at the same time, sees none of it — no marker in the page, no file in the uploader, USD still."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import assert_no_streamlit_error, screenshot, wait_for_app

MARKER = f"iso{uuid.uuid4().hex[:10]}"
WORKLOAD = f"""name: Workload {MARKER}
description: uploaded by user A only
tasks_per_month: 1234
roles:
  - name: {MARKER}-role
    model: gpt-5.2
    steps: 3
    system_prompt_tokens: 1000
    task_tokens: 200
    output_tokens_per_step: 300
""".encode()
USAGE = ("timestamp,model,prompt_tokens,output_tokens\n"
         + "".join(f"2026-01-{d:02d}T10:00:00Z,{MARKER}-model,{1000 + d},{200 + d}\n" for d in range(1, 21))).encode()


def text_of(page) -> str:
    """Everything in the page, including the accessible copy of canvas tables."""
    return page.evaluate("() => document.body.textContent")


def choose_upload_workload(page, url: str) -> None:
    page.goto(f"{url}/workloads")
    page.locator(".st-key-workload").wait_for()
    wait_for_app(page, 60_000)
    box = page.locator('.st-key-workload input[role="combobox"]')
    box.click()
    box.fill("Upload")
    page.get_by_role("option", name=re.compile("upload", re.IGNORECASE)).first.click()
    wait_for_app(page, 60_000)
    page.locator('.st-key-workload_upload input[type="file"]').wait_for(state="attached", timeout=30_000)


@pytest.fixture
def two_users(browser):
    a = browser.new_context(viewport={"width": 1400, "height": 1000})
    b = browser.new_context(viewport={"width": 1400, "height": 1000})
    pages = a.new_page(), b.new_page()
    for page in pages:
        page.set_default_timeout(120_000)  # shared CI machines can be slow to run a page the first time
    yield pages
    a.close()
    b.close()


def test_an_uploaded_workload_stays_in_its_session(app_url, two_users):
    user_a, user_b = two_users
    choose_upload_workload(user_a, app_url)
    choose_upload_workload(user_b, app_url)
    user_a.locator('.st-key-workload_upload input[type="file"]').set_input_files(
        files=[{"name": f"{MARKER}.yaml", "mimeType": "application/x-yaml", "buffer": WORKLOAD}])
    user_a.get_by_text(f"Workload {MARKER}").first.wait_for(timeout=60_000)
    wait_for_app(user_a, 60_000)
    assert_no_streamlit_error(user_a)
    assert MARKER in text_of(user_a)
    screenshot(user_a, "isolation-user-a-workload")

    # B, already on the page, reruns (moves a control) and reloads: nothing of A's upload
    user_b.reload()
    choose_upload_workload(user_b, app_url)
    wait_for_app(user_b, 60_000)
    assert MARKER not in text_of(user_b)
    assert user_b.locator('.st-key-workload_upload [data-testid="stFileUploaderFile"]').count() == 0
    screenshot(user_b, "isolation-user-b-workload")


def test_an_uploaded_usage_log_and_a_currency_change_stay_in_their_session(app_url, two_users):
    user_a, user_b = two_users
    for user in (user_a, user_b):
        user.goto(f"{app_url}/replay?log=upload")
        user.locator('.st-key-upload input[type="file"]').wait_for(state="attached")
        wait_for_app(user, 60_000)
    user_a.locator('.st-key-upload input[type="file"]').set_input_files(
        files=[{"name": f"{MARKER}.csv", "mimeType": "text/csv", "buffer": USAGE}])
    user_a.get_by_text(f"{MARKER}.csv").first.wait_for(timeout=60_000)
    wait_for_app(user_a, 60_000)
    assert_no_streamlit_error(user_a)
    assert MARKER in text_of(user_a)

    # A switches the shared sidebar's currency to CNY
    user_a.goto(f"{app_url}/prices?currency=CNY")
    user_a.locator(".st-key-currency").wait_for(state="attached")
    wait_for_app(user_a, 60_000)
    assert user_a.locator('.st-key-currency input[role="combobox"]').input_value() == "CNY"

    user_b.reload()
    user_b.locator('.st-key-upload input[type="file"]').wait_for(state="attached")
    wait_for_app(user_b, 60_000)
    assert MARKER not in text_of(user_b)
    assert user_b.locator('.st-key-upload [data-testid="stFileUploaderFile"]').count() == 0
    user_b.goto(f"{app_url}/prices")
    user_b.locator(".st-key-currency").wait_for(state="attached")
    wait_for_app(user_b, 60_000)
    assert user_b.locator('.st-key-currency input[role="combobox"]').input_value() == "USD"
    assert MARKER not in text_of(user_b)
