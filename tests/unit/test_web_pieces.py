"""Pieces of the web app that need no stack: stage-path links, charts, diffs, sessions."""

from __future__ import annotations

import pytest

from chalicelib.ops.errors import Forbidden, Unauthorized
from chalicelib.settings import Settings
from chalicelib.web import charts, diffs, session
from chalicelib.web.framework import _stage_prefix


def test_links_carry_the_api_gateway_stage_path():
    assert _stage_prefix({"stage": "api", "path": "/api/ui/validations"}) == "/api"
    assert _stage_prefix({"stage": "api", "path": "/ui/validations"}) == ""  # a custom domain
    assert _stage_prefix({}) == ""


def test_chart_text_is_escaped_and_named_for_screen_readers():
    svg = str(charts.line_chart("<b>title</b>", ["<x>", "y"], {"<s>": [1.0, 2.0]}))
    assert 'role="img" aria-label="&lt;b&gt;title&lt;/b&gt;"' in svg
    assert "<x>" not in svg and "&lt;s&gt;" in svg and "<polyline" in svg


def test_a_chart_of_zeros_and_a_single_point_still_renders():
    assert "<circle" in str(charts.line_chart("one", ["a"], {"n": [0.0]}))
    assert str(charts.bar_chart("none", [], {})).startswith("<svg")


def test_a_unified_diff_is_split_into_marked_rows():
    rows = diffs.parse("--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same")
    assert [r.kind for r in rows] == ["meta", "meta", "hunk", "del", "add", "context"]


def test_an_edit_shows_its_original_and_replacement_lines():
    rows = diffs.edit_lines({"line": 3, "column": 1, "original": "a  ", "replacement": "a"})
    assert [(r.kind, r.text) for r in rows][1:] == [("del", "-a  "), ("add", "+a")]


SETTINGS = Settings(api_token="secret-token", api_tokens={"other-token": "alice"})


def test_a_session_names_the_principal_of_its_token():
    state, cookie = session.sign_in("other-token", SETTINGS)
    assert session.read_session(cookie, SETTINGS) == state and state.principal == "alice"
    assert "other-token" not in cookie


def test_changing_the_tokens_ends_every_session():
    _, cookie = session.sign_in("secret-token", SETTINGS)
    with pytest.raises(Unauthorized, match="not valid"):
        session.read_session(cookie, Settings(api_token="new-token"))


def test_csrf_tokens_must_match():
    session.check_csrf("abc", "abc")
    with pytest.raises(Forbidden, match="no CSRF token"):
        session.check_csrf("abc", "")
    with pytest.raises(Forbidden, match="not valid"):
        session.check_csrf("abc", "abd")
