"""get_stats without a window reads running counters kept with every write; they must
always equal a count of the stored validations (the windowed path)."""

from __future__ import annotations

from chalicelib.ops import invoke
from chalicelib.runtime import context_for

CLEAN = "---\ntitle: Hello\ndescription: A page that says hello to the reader.\n---\n\n# Hello\n\nSome text.\n"
BROKEN = "# Hello  \n\nSome text.\n"


def call(name, **arguments):
    return invoke(name, context_for("stats-test"), arguments)


def _figures_without(stats: dict) -> dict:
    return {name: value for name, value in stats.items() if name not in ("since", "operations")}


def _counted(stats: dict) -> dict:
    return {**stats, "by_family": {k: v for k, v in stats["by_family"].items() if v}}


def test_counters_follow_creates_reviews_bulk_reviews_and_deletes(aws):
    made = [
        call("validate_content", content=CLEAN, path="en/a.md", family="words"),
        call("validate_content", content=BROKEN, path="en/b.md"),
        call("validate_content", content=BROKEN, path="en/b.md"),  # same document again
        call("validate_content", content=CLEAN, path="en/c.md", family="cells"),
    ]
    call("approve", validation_id=made[0]["validation_id"])
    call("bulk_reject", validation_ids=[made[1]["validation_id"], made[3]["validation_id"]], reason="not yet")
    call("approve", validation_id=made[1]["validation_id"])
    call("delete_validation", validation_id=made[2]["validation_id"])

    counted = call("get_stats")
    recounted = call("get_stats", since="2000-01-01")
    assert _counted(_figures_without(counted)) == _counted(_figures_without(recounted))
    assert counted["validations"] == 3
    assert counted["documents"] == 3
    assert counted["by_review_status"] == {"pending": 0, "approved": 2, "rejected": 1}
    assert counted["by_family"]["words"] == 1 and counted["by_family"]["cells"] == 1


def test_deleting_the_last_validation_of_a_document_removes_it_from_the_count(aws):
    only = call("validate_content", content=CLEAN, path="en/only.md")
    assert call("get_stats")["documents"] == 1
    call("delete_validation", validation_id=only["validation_id"])
    stats = call("get_stats")
    assert stats["documents"] == 0 and stats["validations"] == 0
