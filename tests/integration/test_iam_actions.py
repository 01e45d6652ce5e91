"""Issue 15 row 10: the deployed roles allow what the code does, and nothing it must not.

Every operation of the catalogue runs for real over MCP (as the API function runs it),
workflows run their steps through the Lambda executor and an upload goes through the
upload consumer, while every DynamoDB and S3 call is recorded with the function that made
it and turned into the IAM actions and resources AWS authorises (a TransactWriteItems is
authorised per item: PutItem, UpdateItem, DeleteItem, ConditionCheckItem on each item's
table; a CopyObject needs GetObjectVersion on its source and PutObject on its target).
The test fails when a call is not allowed by its function's role in infra/template.json,
when a role allows deleting object versions or changing audit items, or when the API role
may do on the audit table anything the code does not do."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import contextmanager
from fnmatch import fnmatchcase
from typing import Any

import boto3
import botocore.client
import pytest

import app as chalice_app
from chalicelib.ops import CATALOGUE
from local_aws.sqs_poller import SqsPoller
from local_aws.template import Resolver, load_template, logical_id_of_handler
from tests.conftest import AUTH, bootstrapped_aws
from tests.integration.test_workflows import wait_until

pytestmark = pytest.mark.xdist_group("iam-actions")

TEMPLATE = load_template()
RESOLVER = Resolver(TEMPLATE, "local")
ACCOUNT, REGION = RESOLVER.account, RESOLVER.region
AUDIT_ARN = RESOLVER.get_att("AuditTable", "Arn")
BUCKET_ARN = RESOLVER.get_att("DocumentsBucket", "Arn")
FUNCTIONS = ("api_handler", "run_operation", "workflow_step", "on_sqs_message")
NEVER_ON_AUDIT = {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
PAGE = (
    "---\ntitle: Converting documents\ndescription: How Aspose.Words converts documents between formats.\n---\n\n"
    "# Converting documents\n\nApose.Words converts documents.   \n\n\n\nSome more text.\n"
)


# --- from API calls to IAM actions -------------------------------------------------------------


def _table(name: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    return f"{arn}/index/{index}" if index else arn


_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
_S3_BUCKET_LEVEL = {"HeadBucket": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket", "ListObjects": "s3:ListBucket"}


def dynamodb_actions(operation: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    if operation == "TransactWriteItems":
        return [
            (f"dynamodb:{_TRANSACT[kind]}", _table(body["TableName"]))
            for item in params["TransactItems"]
            for kind, body in item.items()
        ]
    if operation == "TransactGetItems":
        return [("dynamodb:GetItem", _table(item["Get"]["TableName"])) for item in params["TransactItems"]]
    if operation in ("BatchWriteItem", "BatchGetItem"):
        return [(f"dynamodb:{operation}", _table(name)) for name in params["RequestItems"]]
    if operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"):
        return [(f"dynamodb:{operation}", _table(params["TableName"], params.get("IndexName")))]
    raise AssertionError(f"DynamoDB {operation} has no IAM mapping in this test yet: add it")


def s3_actions(operation: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    obj = f"arn:aws:s3:::{params['Bucket']}/{params.get('Key', '')}"
    versioned = "VersionId" in params
    if operation == "PutObject":
        return [("s3:PutObject", obj)]
    if operation in ("GetObject", "HeadObject"):
        return [("s3:GetObjectVersion" if versioned else "s3:GetObject", obj)]
    if operation == "DeleteObject":
        return [("s3:DeleteObjectVersion" if versioned else "s3:DeleteObject", obj)]
    if operation == "CopyObject":
        source = params["CopySource"]
        source_arn = f"arn:aws:s3:::{source['Bucket']}/{source['Key']}"
        read = "s3:GetObjectVersion" if "VersionId" in source else "s3:GetObject"
        return [(read, source_arn), ("s3:PutObject", obj)]
    if operation in _S3_BUCKET_LEVEL:
        return [(_S3_BUCKET_LEVEL[operation], f"arn:aws:s3:::{params['Bucket']}")]
    if operation == "ListObjectVersions":
        return [("s3:ListBucketVersions", f"arn:aws:s3:::{params['Bucket']}")]
    raise AssertionError(f"S3 {operation} has no IAM mapping in this test yet: add it")


MAPPINGS: dict[str, Callable[[str, dict[str, Any]], list[tuple[str, str]]]] = {
    "dynamodb": dynamodb_actions,
    "s3": s3_actions,
}


class Recorder:
    """The IAM actions of every DynamoDB and S3 call made while a function runs (a
    per-thread stack of function names: workflow steps run in moto's threads)."""

    def __init__(self):
        self.used: dict[str, set[tuple[str, str]]] = {name: set() for name in FUNCTIONS}
        self._local = threading.local()

    @contextmanager
    def acting_as(self, function: str):
        stack = self._local.__dict__.setdefault("stack", [])
        stack.append(function)
        try:
            yield
        finally:
            stack.pop()

    def record(self, service: str, operation: str, params: dict[str, Any]) -> None:
        stack = getattr(self._local, "stack", None)
        if stack and service in MAPPINGS:
            self.used[stack[-1]].update(MAPPINGS[service](operation, params))

    def wrap(self, function: str, handler):
        def wrapped(event, context):
            with self.acting_as(function):
                return handler(event, context)

        return wrapped


# --- the policies ---------------------------------------------------------------------------------


def role_of(function: str) -> str:
    logical_id = "APIHandler" if function == "api_handler" else logical_id_of_handler(function)
    return TEMPLATE["Resources"][logical_id]["Properties"]["Role"]["Fn::GetAtt"][0]


def statements(role: str) -> list[dict[str, Any]]:
    """The role's statements, resources resolved for the local stage (ARNs with wildcards)."""
    found = []
    for policy in TEMPLATE["Resources"][role]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = RESOLVER.resolve(statement["Resource"])
            found.append(
                {
                    "Effect": statement["Effect"],
                    "Action": actions,
                    "Resource": resources if isinstance(resources, list) else [resources],
                }
            )
    return found


def _matches(statement: dict[str, Any], action: str, resource: str) -> bool:
    return any(fnmatchcase(action.lower(), a.lower()) for a in statement["Action"]) and any(
        fnmatchcase(resource, r) for r in statement["Resource"]
    )


def allowed(role: str, action: str, resource: str) -> bool:
    """IAM's answer for one action on one resource: an Allow matches and no Deny does."""
    found = statements(role)
    denied = any(s["Effect"] == "Deny" and _matches(s, action, resource) for s in found)
    return not denied and any(s["Effect"] == "Allow" and _matches(s, action, resource) for s in found)


def actions_allowed_on(role: str, resource_arn: str) -> set[str]:
    """The actions a role's Allow statements grant on a resource or its indexes."""
    granted = set()
    for s in statements(role):
        if s["Effect"] == "Allow" and any(
            r != "*" and (fnmatchcase(resource_arn, r) or fnmatchcase(f"{resource_arn}/index/x", r))
            for r in s["Resource"]
        ):
            granted.update(s["Action"])
    return granted


# --- the scenario ---------------------------------------------------------------------------------


class Scenario:
    """Every catalogue operation called over MCP as the API function would run it."""

    def __init__(self, api, recorder: Recorder):
        self.api, self.recorder, self.called = api, recorder, set()

    def __call__(self, name: str, expect_error: str | None = None, **arguments):
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
        with self.recorder.acting_as("api_handler"):
            response = self.api.http.post("/mcp", headers=AUTH, body=json.dumps(body))
        result = response.json_body["result"]
        text = result["content"][0]["text"]
        if expect_error:
            assert result.get("isError") and text.startswith(expect_error), (name, text)
        else:
            assert not result.get("isError"), (name, text)
        self.called.add(name)
        return result.get("structuredContent") or (json.loads(text) if not result.get("isError") else None)

    def finished(self, workflow_id: str) -> dict:
        return wait_until(
            lambda: (w := self("get_workflow", workflow_id=workflow_id))["state"] in ("completed", "failed") and w,
            what=f"workflow {workflow_id} end",
        )


@pytest.fixture(scope="module")
def recorded():
    """Runs the scenario once; the IAM actions each function used."""
    from chalice.test import Client

    recorder = Recorder()
    original_call = botocore.client.BaseClient._make_api_call

    def recording_call(client, operation_name, api_params):
        recorder.record(client.meta.service_model.service_name, operation_name, api_params)
        return original_call(client, operation_name, api_params)

    handlers = chalice_app.app.handler_map
    originals = {name: handlers[name] for name in FUNCTIONS if name != "api_handler"}
    patch = pytest.MonkeyPatch()
    patch.setattr(botocore.client.BaseClient, "_make_api_call", recording_call)
    for name, handler in originals.items():
        patch.setitem(handlers, name, recorder.wrap(name, handler))
    try:
        with bootstrapped_aws() as resolver, Client(chalice_app.app) as api:
            scenario = Scenario(api, recorder)
            run_every_operation(scenario, resolver)
            undo_failed_writes(scenario, patch)
            missing = set(CATALOGUE) - scenario.called
            assert not missing, f"the scenario does not run {sorted(missing)}: add them"
    finally:
        patch.undo()
    return recorder.used


def run_every_operation(call: Scenario, resolver) -> None:
    bucket = resolver.environment()["TBCV_DOCUMENTS_BUCKET"]
    s3 = boto3.client("s3")
    for n in range(2):
        s3.put_object(Bucket=bucket, Key=f"docs/iam/page-{n}.md", Body=PAGE.encode())

    # validation
    inline = call("validate_content", content=PAGE, path="guide/iam.md")
    call("put_document", key="docs/iam/put.md", content=PAGE)
    stored = call("validate_file", key="docs/iam/page-0.md")
    other = call("validate_file", key="docs/iam/page-1.md")
    call("get_validation", validation_id=inline["validation_id"], include_content=True)
    call("get_document", key="docs/iam/page-0.md")
    for filters in ({}, {"review_status": "pending"}, {"key": "docs/iam/page-0.md"}, {"prefix": "docs/iam/"}):
        call("list_validations", **filters)
    call("update_validation", validation_id=inline["validation_id"], notes="checked by the IAM test")
    call("revalidate", validation_id=stored["validation_id"])

    # recommendations and enhancements
    recs = call("generate_recommendations", validation_id=inline["validation_id"])["items"]
    recs = call("rebuild_recommendations", validation_id=inline["validation_id"])["items"]
    call("list_recommendations", validation_id=inline["validation_id"])
    fixes = [r["recommendation_id"] for r in recs if r["edits"]]
    call("get_recommendation", recommendation_id=fixes[0])
    call("review_recommendation", recommendation_id=fixes[0], action="approve")
    call("bulk_review_recommendations", recommendation_ids=fixes[1:], action="approve")
    call("preview_enhancement", validation_id=inline["validation_id"])
    enhancement = call("apply_enhancement", validation_id=inline["validation_id"])
    call("get_enhancement", enhancement_id=enhancement["enhancement_id"])
    call("list_enhancements", validation_id=inline["validation_id"])
    call("get_enhancement_comparison", enhancement_id=enhancement["enhancement_id"])
    call("rollback_enhancement", enhancement_id=enhancement["enhancement_id"], reason="checked by the IAM test")

    other_recs = call("generate_recommendations", validation_id=other["validation_id"])["items"]
    other_fixes = [r["recommendation_id"] for r in other_recs if r["edits"]]
    call("bulk_review_recommendations", recommendation_ids=other_fixes[:2], action="approve")
    call("mark_recommendations_applied", recommendation_ids=other_fixes[1:2])
    call("apply_recommendations", validation_id=other["validation_id"], recommendation_ids=other_fixes[:1])
    call("delete_recommendation", recommendation_id=[r for r in other_recs if not r["edits"]][0]["recommendation_id"])

    third = call("validate_content", content=PAGE, path="guide/third.md")
    call("generate_recommendations", validation_id=third["validation_id"])
    call("auto_apply", validation_id=third["validation_id"])
    fourth = call("validate_content", content=PAGE, path="guide/fourth.md")
    call("enhance_batch", validation_ids=[fourth["validation_id"]])

    # approval
    call("approve", validation_id=stored["validation_id"])
    call("reject", validation_id=third["validation_id"], reason="checked by the IAM test")
    fifth = call("validate_content", content=PAGE, path="guide/fifth.md")
    sixth = call("validate_content", content=PAGE, path="guide/sixth.md")
    call("bulk_approve", validation_ids=[fifth["validation_id"]])
    call("bulk_reject", validation_ids=[sixth["validation_id"]], reason="checked by the IAM test")

    # workflows (their steps run in the workflow_step and run_operation functions)
    folder = call("validate_folder", prefix="docs/iam/")
    batch = call(
        "create_workflow", workflow_type="validate_batch", params={"keys": ["docs/iam/page-0.md", "docs/iam/put.md"]}
    )
    started = [folder, batch]
    for workflow_type in ("generate_recommendations", "enhance_batch"):
        params = {"validation_ids": [fourth["validation_id"]]}
        started.append(call("create_workflow", workflow_type=workflow_type, params=params))
    started.append(call("create_workflow", workflow_type="full_audit", params={"prefix": "docs/iam/"}))
    for workflow in started:
        call.finished(workflow["workflow_id"])
    call("list_workflows")
    call("get_workflow_report", workflow_id=batch["workflow_id"])
    call("get_workflow_summary", workflow_id=batch["workflow_id"])
    call("export_workflow", workflow_id=batch["workflow_id"])
    call("control_workflow", "conflict", workflow_id=batch["workflow_id"], action="pause")
    call("delete_workflow", workflow_id=batch["workflow_id"])
    call("bulk_delete_workflows", workflow_ids=[folder["workflow_id"]])

    upload_through_the_consumer(resolver)
    run_one_operation_in_its_function(stored["validation_id"])

    # admin (a checkpoint of every table, each with items, restored)
    call("get_system_status")
    call("get_cache_stats")
    call("list_validators")
    call("rebuild_cache", limit=5)
    call("cleanup_cache", reason="checked by the IAM test")
    call("clear_cache", reason="checked by the IAM test")
    call("reload_rules", reason="checked by the IAM test")
    call("get_maintenance_status")
    call("enable_maintenance_mode", reason="checked by the IAM test")
    call("disable_maintenance_mode")
    checkpoint = call("create_checkpoint", notes="checked by the IAM test")
    call("restore_checkpoint", checkpoint_id=checkpoint["checkpoint_id"], reason="checked by the IAM test")
    call("export_validation", validation_id=stored["validation_id"])
    call("export_recommendations", validation_id=other["validation_id"])

    # query
    call("get_stats")
    for filters in ({}, {"actor": "local"}, {"target_id": stored["validation_id"]}, {"operation": "approve"}):
        call("get_audit_log", **filters)
    call("get_performance_report")
    call("get_health_report")
    call("get_validation_history", key="docs/iam/page-0.md")

    # deletion: refused while a validation has children, done when it has none
    call("delete_validation", "conflict", validation_id=inline["validation_id"])
    call("delete_validation", validation_id=fifth["validation_id"])


def undo_failed_writes(call: Scenario, patch: pytest.MonkeyPatch) -> None:
    """The undo paths, which need their own permissions: a validation whose record cannot be
    stored hides its inline document (a delete marker), an enhancement whose record cannot
    be stored copies the validated version back."""
    from chalicelib.store.repositories import ValidationRepository
    from chalicelib.store.review import ReviewRepository

    def unavailable(*_args, **_kwargs):
        raise RuntimeError("DynamoDB is unavailable")

    validation = call("validate_content", content=PAGE, path="guide/undone.md")
    fixes = [r["recommendation_id"] for r in call("generate_recommendations", **_id(validation))["items"] if r["edits"]]
    call("bulk_review_recommendations", recommendation_ids=fixes, action="approve")
    with patch.context() as failing:
        failing.setattr(ValidationRepository, "create", unavailable)
        call("validate_content", "internal", content=PAGE, path="guide/not-stored.md")
        failing.setattr(ReviewRepository, "record_enhancement", unavailable)
        call("apply_enhancement", "internal", **_id(validation))


def _id(validation: dict) -> dict[str, str]:
    return {"validation_id": validation["validation_id"]}


def upload_through_the_consumer(resolver) -> None:
    """A page written to the watched prefix, its S3 event consumed by on_sqs_message."""
    environment = resolver.environment()
    sqs = boto3.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=environment["TBCV_UPLOAD_QUEUE"])["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("s3").put_object(
        Bucket=environment["TBCV_DOCUMENTS_BUCKET"], Key="docs/iam/uploaded.md", Body=PAGE.encode()
    )
    poller = SqsPoller(
        queue_url, queue_arn, chalice_app.app.handler_map["on_sqs_message"], visibility_timeout=0, wait_seconds=0
    )
    while poller.poll_once():
        pass


def run_one_operation_in_its_function(validation_id: str) -> None:
    """run_operation runs any catalogue operation as a Step Functions task: invoked once."""
    response = boto3.client("lambda").invoke(
        FunctionName="tbcv-local-run_operation",
        Payload=json.dumps({"operation": "revalidate", "arguments": {"validation_id": validation_id}}).encode(),
    )
    assert "FunctionError" not in response, response["Payload"].read()


# --- the checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_call_a_function_makes_is_allowed_by_its_role(recorded, function):
    role = role_of(function)
    assert recorded[function], f"the scenario made no call as {function}"
    calls = set(recorded[function])
    if function == "run_operation":  # it runs any catalogue operation, as the API does
        calls |= recorded["api_handler"]
    refused = sorted((action, arn) for action, arn in calls if not allowed(role, action, arn))
    assert not refused, f"{role} does not allow what {function} does: {refused}"


def test_the_undo_paths_ran_with_their_own_permissions(recorded):
    used = {action for action, _ in recorded["api_handler"]}
    assert {"s3:DeleteObject", "s3:GetObjectVersion", "s3:PutObject"} <= used
    assert "s3:DeleteObjectVersion" not in used


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_function_may_delete_object_versions_or_change_audit_items(function):
    role = role_of(function)
    assert not allowed(role, "s3:DeleteObjectVersion", f"{BUCKET_ARN}/docs/any.md")
    for action in NEVER_ON_AUDIT:
        assert not allowed(role, action, AUDIT_ARN), (role, action)
        assert not allowed(role, action, f"{AUDIT_ARN}/index/by_target"), (role, action)


def test_the_api_role_has_on_the_audit_table_exactly_what_the_code_uses(recorded):
    used = {action for action, arn in recorded["api_handler"] if arn == AUDIT_ARN or arn.startswith(f"{AUDIT_ARN}/")}
    assert "dynamodb:PutItem" in used and "dynamodb:Query" in used
    assert actions_allowed_on(role_of("api_handler"), AUDIT_ARN) == used


def test_the_audit_policy_check_itself_refuses_an_update():
    """The checks above cannot pass vacuously: the evaluator refuses what no statement allows."""
    role = role_of("api_handler")
    assert allowed(role, "dynamodb:PutItem", AUDIT_ARN)
    assert not allowed(role, "dynamodb:UpdateItem", AUDIT_ARN)
    assert not allowed(role, "s3:PutObject", "arn:aws:s3:::another-bucket/x")


def test_an_audit_event_cannot_be_written_over(aws):
    """IAM cannot stop a PutItem from replacing an item with the same key: every audit write
    is conditioned on its key being new, so a second write with the same key is refused,
    alone or in a transaction, and the first event stays as it was."""
    from pynamodb.exceptions import PutError, TransactWriteError

    from chalicelib.settings import get_settings
    from chalicelib.store.audit import AuditLog
    from chalicelib.store.models import AuditEventModel
    from chalicelib.store.records import AuditEvent
    from chalicelib.store.repositories import is_condition_failure, transaction
    from chalicelib.store.tables import TableNames
    from tests.conftest import stored as bound

    log = AuditLog(TableNames.of(get_settings()), retention_days=30)
    event = AuditEvent.new(actor="ada", operation="approve", target_type="validation", target_id="v" * 32)
    log.record(event)
    forged = event.model_copy(update={"actor": "mallory", "after": {"forged": True}})
    with pytest.raises(PutError) as alone:
        log.record(forged)
    assert is_condition_failure(alone.value)
    with pytest.raises(TransactWriteError) as together, transaction(get_settings().region) as tx:
        log.stage(tx, forged)
    assert is_condition_failure(together.value)
    kept = bound(AuditEventModel).get(event.created_at[:7], event.event_id)
    assert (kept.actor, kept.after) == ("ada", None)
