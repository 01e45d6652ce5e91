"""Every port has an adapter (wired in chalicelib/runtime.py) and a fake (tests/fakes.py)
with the methods the port declares, called the same way: the fast tier tests the
operations against the contract the real adapters keep."""

from __future__ import annotations

import inspect

import pytest

from chalicelib.aws.documents import DocumentStore
from chalicelib.aws.infra import Infrastructure
from chalicelib.aws.queue import EventSourceMappings
from chalicelib.aws.workflows import ExecutionStarter
from chalicelib.ops import ports
from chalicelib.ops.context import OperationContext
from chalicelib.realtime import EventHub
from chalicelib.runtime import EngineRules
from chalicelib.store.audit import AuditLog
from chalicelib.store.checkpoints import CheckpointIndex
from chalicelib.store.figures import ValidationCounters, ValidationFigures
from chalicelib.store.maintenance import MaintenanceFlag
from chalicelib.store.repositories import ValidationRepository
from chalicelib.store.result_cache import ResultCacheStore
from chalicelib.store.review import ReviewRepository
from chalicelib.store.timings import TimingStore
from chalicelib.store.workflows import UploadLedger, WorkflowRepository
from local_aws.sqs_poller import PollerSwitch
from tests import fakes

IMPLEMENTATIONS = {
    ports.AuditTrail: [AuditLog, fakes.FakeAudit],
    ports.ValidationCounterReader: [ValidationCounters, fakes.FakeCounters],
    ports.Validations: [ValidationRepository, fakes.FakeValidations],
    ports.Review: [ReviewRepository, fakes.FakeReview],
    ports.Documents: [DocumentStore, fakes.FakeDocuments],
    ports.Figures: [ValidationFigures, fakes.FakeFigures],
    ports.Maintenance: [MaintenanceFlag, fakes.FakeMaintenance],
    ports.ResultCache: [ResultCacheStore, fakes.FakeResultCache],
    ports.Timings: [TimingStore, fakes.FakeTimings],
    ports.Checkpoints: [CheckpointIndex, fakes.FakeCheckpoints],
    ports.Infrastructure: [Infrastructure, fakes.FakeInfrastructure],
    ports.Workflows: [WorkflowRepository, fakes.FakeWorkflows],
    ports.Executions: [ExecutionStarter, fakes.FakeExecutions],
    ports.Uploads: [UploadLedger, fakes.FakeUploads],
    ports.EventPublisher: [EventHub, fakes.FakeEvents],
    ports.UploadConsumers: [EventSourceMappings, PollerSwitch, fakes.FakeConsumers],
    ports.Rules: [EngineRules, fakes.FakeRules],
}
CASES = [(port, implementation) for port, classes in IMPLEMENTATIONS.items() for implementation in classes]


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }


def _parameters(signature: inspect.Signature) -> list[tuple[str, inspect._ParameterKind]]:
    return [(p.name, p.kind) for p in signature.parameters.values()]


@pytest.mark.parametrize(("port", "implementation"), CASES, ids=lambda c: c.__name__)
def test_an_implementation_has_every_method_of_its_port_with_its_parameters(port, implementation):
    for name, declared in _methods(port).items():
        assert hasattr(implementation, name), f"{implementation.__name__} lacks {name}"
        actual = inspect.signature(getattr(implementation, name))
        assert _parameters(actual) == _parameters(declared), f"{implementation.__name__}.{name}"


def test_every_port_of_the_context_has_implementations():
    annotated = {f.type for f in OperationContext.__dataclass_fields__.values() if f.type.startswith("ports.")}
    assert {f"ports.{port.__name__}" for port in IMPLEMENTATIONS} >= annotated
