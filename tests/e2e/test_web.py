"""The web app in a real browser (Debian's Chromium driven by Playwright) against the
local stack started as `make run` starts it: sign in, review validations created through
the API, recommendations approved, previewed, applied and rolled back, a workflow followed
to 100 %, maintenance refusing a write, monitoring, audit, admin, sign out.

Every page visited is checked with axe-core (no serious or critical violation), for
script errors (the CSP must not block the app's own scripts) and its weight, and saved as
a screenshot under build/screenshots/. With TBCV_DOCS_SCREENSHOTS=1 the suite also writes
the small screenshots that docs/web.md shows (docs/web/*.png).

The tests are steps of one reviewer's session and run in file order."""

from __future__ import annotations

import json
import os
import re

import boto3
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.conftest import ROOT, TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-web")]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / ".web-cache" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
DOC_SCREENSHOTS = ROOT / "docs" / "web"
MAX_PAGE_BYTES = 300 * 1024
WAIT_MS = 120_000

PAGE = """---
title: Reviewing a page in the browser
description: A page with a few fixable issues that the browser test reviews, applies and rolls back.
---

# Reviewing a page in the browser

Some text with trailing spaces.{spaces}


Another paragraph after extra blank lines.

A line that mentions <script>alert("not run")</script> as text.
"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def context(browser, stack):
    context = browser.new_context(base_url=stack.url, viewport={"width": 1100, "height": 760})
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture(scope="module")
def page(context):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")  # a 4xx page is an expected answer
            and page.errors.append(message.text)
        ),
    )
    return page


@pytest.fixture(scope="module")
def created(stack):
    """Two validations created through the REST API."""
    results = []
    for name in ("guide/review-me.md", "guide/second.md"):
        status, body, _ = stack.request("POST", "/v1/validations", {"content": PAGE.format(spaces="   "), "path": name})
        assert status == 201, body
        results.append(body)
    return results


def check(page: Page, name: str) -> None:
    """The checks every page gets: axe-core, no script error, weight, a screenshot."""
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: {serious}"
    assert not page.errors, f"{name}: {page.errors}"
    weight = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".reduce((sum, entry) => sum + (entry.decodedBodySize || 0), 0)"
    )
    assert weight < MAX_PAGE_BYTES, f"{name} weighs {weight} bytes"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    if os.environ.get("TBCV_DOCS_SCREENSHOTS") == "1":
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SCREENSHOTS / f"{name}.png"))


def test_an_unknown_visitor_is_sent_to_the_sign_in_page(page):
    response = page.goto("/")
    assert response.status == 401
    assert page.url.endswith("/ui/validations")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    check(page, "sign-in")


def test_a_wrong_token_is_refused_on_the_page(page):
    page.goto("/ui/sign-in")
    page.get_by_label("API token").fill("not-the-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#sign-in-message")).to_have_text("this API token is not valid")


def test_sign_in_with_an_api_token(page, context):
    page.goto("/ui/sign-in")
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as local.")).to_be_visible()
    assert TOKEN not in page.url and TOKEN not in page.content()
    cookie = next(c for c in context.cookies() if c["name"] == "tbcv_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert TOKEN not in cookie["value"]


def test_the_list_shows_validations_created_through_the_api(page, created):
    page.goto("/ui/validations")
    for validation in created:
        expect(page.get_by_role("link", name=validation["document"]["key"])).to_be_visible()
    check(page, "validations")


def test_the_list_filters_by_outcome_and_says_when_nothing_matches(page, created):
    page.goto("/ui/validations?outcome=pass&prefix=inline/nothing-here/")
    expect(page.get_by_text("No validations match these filters.")).to_be_visible()


def test_a_validation_shows_its_issues_at_their_lines(page, created):
    validation = created[0]
    page.goto("/ui/validations")
    page.get_by_role("link", name=validation["document"]["key"]).click()
    expect(page.get_by_role("heading", name=validation["document"]["key"])).to_be_visible()
    assert validation["issues"]
    for issue in validation["issues"]:
        at_line = page.locator(f"#L{issue['line']} .issue", has_text=issue["message"])
        expect(at_line.first).to_contain_text(issue["rule"])
        expect(at_line.first).to_contain_text(issue["severity"])
    rule_link = page.locator(".issue a").first
    assert re.search(r"/ui/rules#[A-Z]+\d+$", rule_link.get_attribute("href"))
    check(page, "validation")


def test_a_page_containing_script_shows_it_as_text(page, created):
    page.goto(f"/ui/validations/{created[0]['validation_id']}")
    expect(page.locator(".source code", has_text='<script>alert("not run")</script>')).to_be_visible()
    assert page.evaluate("() => document.querySelectorAll('main script').length") == 0


def test_approve_and_reject_a_validation(page, created):
    page.goto(f"/ui/validations/{created[1]['validation_id']}")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#review-status")).to_have_text("approved")
    page.get_by_label("Note or reason").fill("needs another pass")
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page.locator("#review-status")).to_have_text("rejected")


def _recommendations(page, validation):
    page.goto(f"/ui/validations/{validation['validation_id']}")
    page.get_by_role("link", name="Recommendations").click()
    if page.get_by_role("button", name="Generate recommendations").count():
        page.get_by_role("button", name="Generate recommendations").click()
    expect(page.locator(".rec").first).to_be_visible()


def _fix_checkboxes(page):
    """The checkboxes of recommendations that carry an edit."""
    return page.locator(".rec:has(pre.diff) input[name=recommendation_id]")


def test_approve_two_recommendations_preview_and_apply(page, created):
    _recommendations(page, created[0])
    check(page, "recommendations")
    fixes = _fix_checkboxes(page)
    assert fixes.count() >= 2
    fixes.nth(0).check()
    fixes.nth(1).check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_text("2 changed.")).to_be_visible()
    expect(page.locator(".rec .b-approved")).to_have_count(2)

    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Safety report")).to_be_visible()
    expect(page.locator("pre.diff .d-add").first).to_be_visible()
    check(page, "preview")

    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name=re.compile("^Enhancement of"))).to_be_visible()
    expect(page.locator("#enhancement-state")).to_have_text("applied")
    expect(page.locator("pre.diff .d-del").first).to_be_visible()
    expect(page.locator("pre.diff .d-add").first).to_be_visible()
    check(page, "enhancement")


def test_roll_back_the_enhancement_with_a_reason(page):
    page.get_by_label("Reason for the rollback").fill("the writer prefers the original")
    page.get_by_role("button", name="Rollback").click()
    expect(page.locator("#enhancement-state")).to_contain_text("rolled back by local")


def test_two_tabs_approving_the_same_recommendation_the_second_gets_a_conflict(page, context, created):
    _recommendations(page, created[1])
    other = context.new_page()
    other.goto(page.url)
    for tab in (page, other):
        tab.locator(".rec:has(.b-pending) input[name=recommendation_id]").first.check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_text("1 changed.")).to_be_visible()
    response_status = []
    other.on("response", lambda r: r.request.method == "POST" and response_status.append(r.status))
    other.get_by_role("button", name="Approve selected").click()
    expect(other.get_by_role("heading", name="Not every item changed")).to_be_visible()
    expect(other.get_by_role("alert")).to_contain_text("0 changed, 1 not changed")
    assert response_status == [409]
    other.close()


def test_a_form_without_its_csrf_token_is_refused(page, created):
    page.goto(f"/ui/validations/{created[0]['validation_id']}")
    page.evaluate("() => document.querySelectorAll('input[name=csrf_token]').forEach((i) => (i.value = 'forged'))")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#error-message")).to_contain_text("CSRF token is not valid")
    page.goto(f"/ui/validations/{created[0]['validation_id']}")
    expect(page.locator("#review-status")).to_have_text("pending")


def test_an_id_that_does_not_exist_gets_a_404_page(page):
    response = page.goto("/ui/enhancements/" + "0" * 32)
    assert response.status == 404
    expect(page.locator("#error-message")).to_contain_text("0" * 32)
    check(page, "not-found")


def test_start_a_workflow_and_watch_its_progress_reach_100(page, stack):
    s3 = boto3.client(
        "s3", endpoint_url=stack.aws_url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    bucket = stack.request("GET", "/v1/admin/status")[1]["documents_bucket"]
    for number in range(3):
        s3.put_object(Bucket=bucket, Key=f"docs/web-e2e/page-{number}.md", Body=PAGE.format(spaces="").encode())
    page.goto("/ui/workflows")
    page.get_by_label("Type").select_option("validate_prefix")
    page.get_by_label("Prefix (validate_prefix, full_audit)").fill("docs/web-e2e/")
    page.get_by_role("button", name="Start workflow").click()
    expect(page.get_by_role("heading", name="Workflow validate_prefix")).to_be_visible()
    progress = page.get_by_role("progressbar", name="Workflow progress")
    expect(progress).to_be_visible()
    page.wait_for_function("() => document.getElementById('progress-bar').value === 100", timeout=WAIT_MS)
    expect(page.locator("#progress-state")).to_have_text("completed", timeout=WAIT_MS)
    expect(page.locator("#items tbody tr")).to_have_count(3)
    check(page, "workflow")
    page.goto("/ui/workflows")
    expect(page.get_by_role("link", name="validate_prefix docs/web-e2e/")).to_be_visible()
    check(page, "workflows")


def test_monitoring_shows_charts_and_exports_json_and_csv(page):
    page.goto("/ui/monitoring")
    expect(page.get_by_role("img", name="Validations per bucket")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Latency p50, p95, p99"))).to_be_visible()
    check(page, "monitoring")
    exported = page.request.get("/ui/monitoring/export.json")
    assert exported.status == 200
    figures = json.loads(exported.text())
    assert figures["validations"] >= 2 and figures["latency"]
    csv_export = page.request.get("/ui/monitoring/export.csv")
    assert csv_export.status == 200 and csv_export.text().startswith("kind,")
    page.wait_for_function("() => document.getElementById('panel').dataset.refreshed", timeout=30_000)


def test_the_audit_log_filters_by_principal_and_operation(page):
    page.goto("/ui/audit")
    page.get_by_label("Principal").fill("local")
    page.get_by_label("Operation").fill("rollback_enhancement")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.list tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():  # the enhancement and its two recommendations
        expect(row).to_contain_text("local")
        expect(row).to_contain_text("rollback_enhancement")
    expect(page.locator("table.list tbody tr", has_text="enhancement")).not_to_have_count(0)
    check(page, "audit")


def test_the_rules_page_has_a_section_per_rule(page):
    page.goto("/ui/rules#MD009")
    expect(page.locator("#MD009")).to_contain_text("no-trailing-spaces")
    check(page, "rules")


def test_maintenance_mode_shows_a_banner_and_refuses_a_write(page, created):
    page.goto("/ui/admin")
    page.get_by_label("Reason").first.fill("upgrading the rules")
    page.get_by_role("button", name="Switch maintenance on").click()
    expect(page.locator("#maintenance-banner")).to_contain_text("upgrading the rules")
    check(page, "admin")
    page.goto(f"/ui/validations/{created[0]['validation_id']}")
    expect(page.locator("#maintenance-banner")).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#error-message")).to_contain_text("maintenance mode is on")
    expect(page.locator("#maintenance-banner")).to_be_visible()
    check(page, "refused-in-maintenance")
    page.goto("/ui/admin")
    page.get_by_role("button", name="Switch maintenance off").click()
    expect(page.locator("#maintenance-banner")).to_have_count(0)
    expect(page.locator("#maintenance-state")).to_have_text("off")


def test_sign_out_and_be_refused(page):
    page.goto("/ui/validations")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    response = page.goto("/ui/validations")
    assert response.status == 401
    expect(page.locator("#sign-in-message")).to_have_text("sign in to continue")
