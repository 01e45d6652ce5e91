"""A stored thing is declared by its record (pydantic) and its PynamoDB model; the record
is what operations and the API derive from. The two must name the same fields, or a field
would silently not be stored or not be read."""

from __future__ import annotations

import pytest

from chalicelib.store.models import ValidationModel
from chalicelib.store.records import ValidationRecord
from chalicelib.store.review import EnhancementModel, EnhancementRecord, RecommendationModel, RecommendationRecord
from chalicelib.store.workflows import (
    UploadModel,
    UploadRecord,
    WorkflowItem,
    WorkflowItemModel,
    WorkflowModel,
    WorkflowRecord,
)

STORAGE_ONLY = {"expires_at", "list_partition"}  # TTL and the constant partition of a list index


@pytest.mark.parametrize(
    ("record", "model"),
    [
        (RecommendationRecord, RecommendationModel),
        (EnhancementRecord, EnhancementModel),
        (WorkflowRecord, WorkflowModel),
        (WorkflowItem, WorkflowItemModel),
        (UploadRecord, UploadModel),
    ],
    ids=lambda cls: cls.__name__,
)
def test_the_record_and_the_model_name_the_same_fields(record, model):
    assert set(record.model_fields) == set(model.get_attributes()) - STORAGE_ONLY


def test_a_validation_record_stores_its_document_as_three_attributes():
    fields = set(ValidationRecord.model_fields) - {"document"} | {"document_bucket", "document_key", "document_version"}
    assert fields == set(ValidationModel.get_attributes()) - STORAGE_ONLY


def test_the_recommendation_type_is_stored_under_its_first_name():
    assert RecommendationModel.get_attributes()["type"].attr_name == "kind"
