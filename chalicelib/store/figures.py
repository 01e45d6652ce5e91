"""The figures statistics read: running counters of the validations stored (so statistics
never read every validation), and the validation summaries of a time window.

`get_stats` without a window answers from one item of the system table,
`figures` / `all`, whose numeric attributes are kept up to date with atomic ADDs
after each change is committed: a validation created (+1 in total, its outcome, its
review status, its family and its issues by severity), reviewed (−1 old status, +1 new)
or deleted (the reverse of its creation). Distinct documents are counted through one
marker item per document key (`document` / `<key>`) holding how many stored validations
name it: the first one adds a document, deleting the last one removes it.

The counters are updated right after the transaction that makes the change, not in it:
concurrent transactions on one item conflict in DynamoDB, while atomic ADDs never do. A
process that dies between the two leaves one count off by one; `get_stats` with a
`since` window always counts the stored validations themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.operand import Path
from pynamodb.models import Model

from chalicelib.store.cursor import take
from chalicelib.store.models import ValidationModel
from chalicelib.store.records import ValidationRecord
from chalicelib.store.tables import TableNames

_log = logging.getLogger(__name__)


class FigureCounterModel(Model):
    """`figures` / `all`: one number per dimension value (`outcome_pass`, `family_words`...)."""

    TABLE = "system"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    documents = NumberAttribute(null=True)


class DocumentMarkerModel(Model):
    """`document` / `<key>`: how many stored validations name the document."""

    TABLE = "system"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    validations = NumberAttribute(null=True)


def _deltas(record: ValidationRecord, sign: int) -> dict[str, int]:
    deltas = {
        "validations": sign,
        f"outcome_{record.outcome}": sign,
        f"review_{record.review_status}": sign,
        f"family_{record.family or 'none'}": sign,
    }
    for severity, number in record.counts.items():
        if number:
            deltas[f"issues_{severity}"] = sign * int(number)
    return deltas


class ValidationCounters:
    """The `figures` counters: written after each change, read by `get_stats`."""

    PARTITION, ITEM = "figures", "all"

    def __init__(self, tables: TableNames):
        self._counters = tables.bind(FigureCounterModel)
        self._markers = tables.bind(DocumentMarkerModel)

    def _add(self, deltas: dict[str, int]) -> None:
        deltas = {name: value for name, value in deltas.items() if value}
        if not deltas:
            return
        # dimension values are open-ended (families), so the counters are untyped paths
        actions = [Path(name).add({"N": str(value)}) for name, value in deltas.items()]
        try:
            self._counters._get_connection().update_item(self.PARTITION, self.ITEM, actions=actions)
        except Exception:  # a counter never fails the change it follows
            _log.warning("validation counters not updated by %s", deltas, exc_info=True)

    def _document(self, key: str, sign: int) -> None:
        try:
            marker = self._markers(pk="document", sk=key)
            marker.update(actions=[self._markers.validations.add(sign)])
            if (sign > 0 and marker.validations == 1) or (sign < 0 and not marker.validations):
                self._add({"documents": sign})
            if sign < 0 and not marker.validations:
                marker.delete(condition=self._markers.validations == 0)
        except Exception:
            _log.warning("document marker of %s not updated", key, exc_info=True)

    def created(self, record: ValidationRecord) -> None:
        self._add(_deltas(record, +1))
        self._document(record.document.key, +1)

    def deleted(self, record: ValidationRecord) -> None:
        self._add(_deltas(record, -1))
        self._document(record.document.key, -1)

    def reviewed(self, moves: Iterable[tuple[str, str]]) -> None:
        """Each (old status, new status) of validations whose review changed."""
        deltas: dict[str, int] = {}
        for old, new in moves:
            if old != new:
                deltas[f"review_{old}"] = deltas.get(f"review_{old}", 0) - 1
                deltas[f"review_{new}"] = deltas.get(f"review_{new}", 0) + 1
        self._add(deltas)

    def read(self) -> dict[str, int]:
        """Every counter, by attribute name (missing ones are zero)."""
        item = self._counters._get_connection().get_item(self.PARTITION, self.ITEM, consistent_read=True)
        return {name: int(float(value["N"])) for name, value in item.get("Item", {}).items() if "N" in value}


class ValidationFigures:
    """Validation summaries (the by_created index's projection only) for statistics over a
    window and for warming the result cache."""

    def __init__(self, tables: TableNames):
        self._validations = tables.bind(ValidationModel)

    def since(self, since: str | None) -> Iterator[dict[str, Any]]:
        condition = self._validations.created_at >= since if since else None
        for model in self._validations.by_created.query("validation", condition, scan_index_forward=False):
            yield _figures(model)

    def newest(self, limit: int) -> list[dict[str, Any]]:
        query = self._validations.by_created.query("validation", scan_index_forward=False, limit=limit)
        return [_figures(model) for model in take(query, limit)]


def _figures(model: ValidationModel) -> dict[str, Any]:
    return {
        "validation_id": model.validation_id,
        "created_at": model.created_at,
        "key": model.document_key,
        "version_id": model.document_version,
        "family": model.family,
        "profile": model.profile,
        "outcome": model.outcome,
        "review_status": model.review_status,
        "counts": dict(model.counts or {}),
        "ruleset_version": model.ruleset_version,
        "content_sha256": model.content_sha256,
        "created_by": model.created_by,
    }
