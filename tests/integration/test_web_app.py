"""The web app's answers to bad input, through the Chalice app over in-process moto:
forged and expired sessions, missing and wrong CSRF tokens, ids that do not exist or are
of another type, a double submission, escaping, and the security headers. Each gets a
page with the operation's message and status, and nothing is written."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode

import pytest
from itsdangerous import URLSafeTimedSerializer

from chalicelib.settings import get_settings
from chalicelib.web import session as sessions
from tests.conftest import AUTH, bootstrapped_aws

pytestmark = pytest.mark.xdist_group("web-app")  # one module-scoped local AWS

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PAGE = "---\ntitle: A page to review in the web app\n---\n\n# Title  \n\nText with <script>alert(1)</script> in it.\n"


def _cookies(response) -> dict[str, str]:
    values = response.headers.get("Set-Cookie") or response.headers.get("set-cookie") or []
    if isinstance(values, str):
        values = [values]
    return {v.split("=", 1)[0]: v.split("=", 1)[1].split(";", 1)[0] for v in values}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', html).group(1)


class Browser:
    """Just enough of a browser: a cookie jar and form posts."""

    def __init__(self, api):
        self.api, self.jar = api, {}

    def _headers(self, extra=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items() if v)
        return {**({"Cookie": cookie} if cookie else {}), **(extra or {})}

    def get(self, path):
        response = self.api.http.get(path, headers=self._headers())
        self.jar.update(_cookies(response))
        return response

    def post(self, path, fields):
        response = self.api.http.post(path, headers=self._headers(FORM), body=urlencode(fields, doseq=True))
        self.jar.update(_cookies(response))
        return response

    def sign_in(self, token="test-token"):
        csrf = _csrf(self.get("/ui/sign-in").body.decode())
        return self.post("/ui/sign-in", {"csrf_token": csrf, "token": token})

    def csrf(self, path="/ui/validations"):
        return _csrf(self.get(path).body.decode())


@pytest.fixture(scope="module")
def api():
    """One local AWS for the module (bootstrapping one per test would triple its time);
    each test creates the validation it changes."""
    from chalice.test import Client

    import app as chalice_app

    with bootstrapped_aws(), Client(chalice_app.app) as client:
        yield client


@pytest.fixture
def browser(api):
    return Browser(api)


@pytest.fixture
def validation(api):
    response = api.http.post("/v1/validations", headers=AUTH, body=json.dumps({"content": PAGE, "path": "a/b.md"}))
    assert response.status_code == 201, response.body
    return response.json_body


def test_signing_in_sets_an_httponly_strict_session_cookie_without_the_token(browser, capsys):
    response = browser.sign_in()
    assert response.status_code == 303 and response.headers["Location"] == "/ui/validations"
    cookies = response.headers["Set-Cookie"]
    header = cookies if isinstance(cookies, str) else ";".join(cookies)
    assert "test-token" not in capsys.readouterr().out  # nor in the logs
    assert "tbcv_session=" in header and "HttpOnly" in header and "SameSite=Strict" in header
    assert "test-token" not in header
    assert browser.get("/ui/validations").status_code == 200


def test_the_session_cookie_is_secure_behind_https(api):
    page = api.http.get("/ui/sign-in", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in page.headers["Set-Cookie"]


def test_a_wrong_token_gets_401_and_no_session(browser):
    response = browser.sign_in("wrong-token")
    assert response.status_code == 401
    assert "this API token is not valid" in response.body.decode()
    assert "tbcv_session" not in browser.jar


def test_a_forged_session_cookie_gets_401(browser):
    browser.sign_in()
    value = browser.jar["tbcv_session"]
    browser.jar["tbcv_session"] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    response = browser.get("/ui/validations")
    assert response.status_code == 401
    assert "your session is not valid; sign in again" in response.body.decode()


def test_a_session_signed_with_another_key_gets_401(browser):
    forged = URLSafeTimedSerializer(b"another key", salt="tbcv-session").dumps({"p": "admin", "c": "x"})
    browser.jar["tbcv_session"] = forged
    assert browser.get("/ui/validations").status_code == 401


def test_an_expired_session_gets_401(browser, monkeypatch):
    signed_at = time.time() - get_settings().session_hours * 3600 - 60
    with monkeypatch.context() as patched:
        patched.setattr("itsdangerous.timed.time.time", lambda: signed_at)
        _, browser.jar["tbcv_session"] = sessions.sign_in("test-token", get_settings())
    response = browser.get("/ui/validations")
    assert response.status_code == 401
    assert "your session has expired; sign in again" in response.body.decode()


def test_a_post_without_a_csrf_token_gets_403_and_changes_nothing(browser, validation, api):
    browser.sign_in()
    response = browser.post(f"/ui/validations/{validation['validation_id']}/review", {"action": "approve"})
    assert response.status_code == 403
    assert "the form has no CSRF token" in response.body.decode()
    assert (
        api.http.get(f"/v1/validations/{validation['validation_id']}", headers=AUTH).json_body["review_status"]
        == "pending"
    )


def test_a_post_with_a_wrong_csrf_token_gets_403(browser, validation):
    browser.sign_in()
    response = browser.post(
        f"/ui/validations/{validation['validation_id']}/review", {"action": "approve", "csrf_token": "guess"}
    )
    assert response.status_code == 403
    assert "CSRF token is not valid" in response.body.decode()


def test_the_sign_in_form_needs_its_csrf_token(browser):
    browser.get("/ui/sign-in")
    response = browser.post("/ui/sign-in", {"token": "test-token"})
    assert response.status_code == 403
    assert "tbcv_session" not in browser.jar


def test_an_id_that_does_not_exist_gets_404(browser):
    browser.sign_in()
    response = browser.get("/ui/validations/" + "a" * 32)
    assert response.status_code == 404
    assert "does not exist" in response.body.decode() or "not found" in response.body.decode().lower()


def test_an_id_of_another_type_gets_404(browser, api):
    browser.sign_in()
    workflow_like = "b" * 32
    assert browser.get(f"/ui/workflows/{workflow_like}").status_code == 404
    assert browser.get("/ui/validations/not-an-id").status_code == 404


def test_the_same_approval_submitted_twice_gets_409_the_second_time(browser, validation):
    browser.sign_in()
    csrf = browser.csrf()
    path = f"/ui/validations/{validation['validation_id']}/review"
    assert browser.post(path, {"action": "approve", "csrf_token": csrf}).status_code == 303
    second = browser.post(path, {"action": "approve", "csrf_token": csrf})
    assert second.status_code == 409
    assert "approved" in second.body.decode()


def test_a_rejection_without_a_reason_names_the_field(browser, validation):
    browser.sign_in()
    response = browser.post(
        f"/ui/validations/{validation['validation_id']}/review", {"action": "reject", "csrf_token": browser.csrf()}
    )
    assert response.status_code == 400
    assert "reason" in response.body.decode()


def test_document_text_is_escaped(browser, validation):
    browser.sign_in()
    html = browser.get(f"/ui/validations/{validation['validation_id']}").body.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_every_page_sends_the_security_headers(browser):
    response = browser.get("/ui/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_failure_shows_a_500_page_naming_the_request_without_a_traceback(browser, monkeypatch):
    from chalicelib.web import framework

    browser.sign_in()

    def broken(*args):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(framework, "invoke", broken)
    response = browser.get("/ui/audit")
    html = response.body.decode()
    assert response.status_code == 500
    assert "internal error; see the logs for request" in html
    assert "secret detail" not in html and "Traceback" not in html


def test_the_session_principal_is_the_audit_actor(browser, validation, api):
    browser.sign_in("reviewer-token")
    browser.post(
        f"/ui/validations/{validation['validation_id']}/review", {"action": "approve", "csrf_token": browser.csrf()}
    )
    events = api.http.get(
        f"/v1/audit?target_id={validation['validation_id']}&operation=approve", headers=AUTH
    ).json_body["items"]
    assert [e["actor"] for e in events] == ["reviewer"]


def test_root_redirects_to_the_web_app(api):
    response = api.http.get("/")
    assert response.status_code == 303 and response.headers["Location"] == "/ui/validations"


def test_sign_in_keeps_no_state_but_the_cookie(browser):
    browser.sign_in()
    session = sessions.read_session(browser.jar["tbcv_session"], get_settings())
    assert session.principal == "local"


def test_a_reader_sees_no_review_controls_and_a_forged_review_is_refused(browser, validation, api):
    assert browser.sign_in("role-reader-token").status_code == 303
    page = browser.get(f"/ui/validations/{validation['validation_id']}").body.decode()
    assert ">Approve<" not in page and ">Reject<" not in page
    refused = browser.post(
        f"/ui/validations/{validation['validation_id']}/review", {"action": "approve", "csrf_token": browser.csrf()}
    )
    assert refused.status_code == 403
    assert "reviewer" in refused.body.decode()
    shown = api.http.get(f"/v1/validations/{validation['validation_id']}", headers=AUTH).json_body
    assert shown["review_status"] == "pending"


def test_a_reviewer_sees_the_review_controls(browser, validation):
    assert browser.sign_in("role-reviewer-token").status_code == 303
    page = browser.get(f"/ui/validations/{validation['validation_id']}").body.decode()
    assert ">Approve<" in page and ">Reject<" in page
