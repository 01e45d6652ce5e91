"""The embedded local AWS: Lambda invocations and Step Functions tasks reach the Chalice
handlers through the in-process executor; DynamoDB conditional writes are atomic."""

from __future__ import annotations

import json
import threading
import time

import boto3
import pytest

PAGE = "---\ntitle: A page about documents\n---\n\n# A page\n\nText.\n"


def put_page(resolver, key, body=PAGE):
    bucket = resolver.environment()["TBCV_DOCUMENTS_BUCKET"]
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode())


def test_lambda_invoke_runs_the_chalice_lambda_function(aws):
    put_page(aws, "docs/a.md")
    response = boto3.client("lambda").invoke(
        FunctionName="tbcv-local-run_operation",
        Payload=json.dumps({"operation": "validate_file", "principal": "tester", "arguments": {"key": "docs/a.md"}}),
    )
    assert "FunctionError" not in response
    result = json.loads(response["Payload"].read())
    assert result["document"]["key"] == "docs/a.md"
    assert result["created_by"] == "tester"


def test_a_handler_error_is_a_lambda_function_error(aws):
    response = boto3.client("lambda").invoke(
        FunctionName="tbcv-local-run_operation",
        Payload=json.dumps({"operation": "validate_file", "arguments": {"key": "docs/missing.md"}}),
    )
    assert response["FunctionError"]
    assert json.loads(response["Payload"].read())["errorType"] == "NotFound"


def wait_for_execution(sfn, arn, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        description = sfn.describe_execution(executionArn=arn)
        if description["status"] != "RUNNING":
            return description
        time.sleep(0.1)
    raise AssertionError(f"execution {arn} still running after {timeout}s")


def test_step_functions_runs_the_template_state_machine_through_the_executor(aws):
    from chalicelib.ops import invoke
    from chalicelib.runtime import context_for

    for name in ("a", "b", "c"):
        put_page(aws, f"docs/{name}.md")
    keys = ["docs/a.md", "docs/b.md", "docs/missing.md", "docs/c.md"]
    workflow = invoke(
        "create_workflow", context_for("tester"), {"workflow_type": "validate_batch", "params": {"keys": keys}}
    )
    sfn = boto3.client("stepfunctions")
    description = wait_for_execution(sfn, workflow["execution_arn"])
    assert description["status"] == "SUCCEEDED", description
    report = invoke("get_workflow_report", context_for("tester"), {"workflow_id": workflow["workflow_id"]})
    results = {item["item"]: item for item in report["items"]}
    assert sorted(results) == sorted(keys)
    assert all(len(results[k]["validation_id"]) == 32 for k in keys if k != "docs/missing.md")
    assert results["docs/missing.md"]["status"] == "failed"  # recorded per item, not fatal
    assert report["workflow"]["state"] == "completed"


def test_conditional_writes_are_atomic_across_threads(aws):
    table_name = aws.environment()["TBCV_VALIDATIONS_TABLE"]
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=table_name, Item={"validation_id": {"S": "x"}, "version": {"N": "1"}})
    outcomes, start = [], threading.Barrier(20)

    def bump():
        start.wait()
        try:
            dynamodb.update_item(
                TableName=table_name,
                Key={"validation_id": {"S": "x"}},
                UpdateExpression="SET version = :new",
                ConditionExpression="version = :old",
                ExpressionAttributeValues={":new": {"N": "2"}, ":old": {"N": "1"}},
            )
            outcomes.append("won")
        except dynamodb.exceptions.ConditionalCheckFailedException:
            outcomes.append("lost")

    threads = [threading.Thread(target=bump) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["lost"] * 19 + ["won"]


def test_engine_work_never_holds_the_dynamodb_lock(aws, monkeypatch):
    """Issue 15 row 1: the lock that makes moto's DynamoDB atomic covers DynamoDB requests
    only, so a long engine run never holds up other requests. While the engine runs for one
    validation, another thread's DynamoDB request must complete (it could not if the engine
    ran under the lock: the engine waits for it, so that would never end)."""
    from chalicelib.ops import invoke, validation
    from chalicelib.runtime import context_for

    stored = invoke("validate_content", context_for("tester"), {"content": PAGE})
    engine, answered_during_engine = validation.run_engine, []

    def engine_meanwhile(*args, **kwargs):
        other = threading.Thread(
            target=invoke, args=("get_validation", context_for("tester"), {"validation_id": stored["validation_id"]})
        )
        other.start()
        other.join(timeout=30)  # the timeout is only reached when the request is held up
        answered_during_engine.append(not other.is_alive())
        return engine(*args, **kwargs)

    monkeypatch.setattr(validation, "run_engine", engine_meanwhile)
    invoke("validate_content", context_for("tester"), {"content": PAGE + "More text.\n"})
    assert answered_during_engine == [True]


@pytest.mark.parametrize(
    "resource", ["ValidationsTable", "AuditTable", "UploadQueue", "UploadDeadLetterQueue", "DocumentsBucket"]
)
def test_every_bootstrapped_resource_exists(aws, resource):
    kind = aws.resource(resource)["Type"]
    if kind == "AWS::DynamoDB::Table":
        assert boto3.client("dynamodb").describe_table(TableName=aws.ref(resource))["Table"]
    elif kind == "AWS::SQS::Queue":
        assert boto3.client("sqs").get_queue_url(QueueName=aws.get_att(resource, "QueueName"))
    else:
        versioning = boto3.client("s3").get_bucket_versioning(Bucket=aws.ref(resource))
        assert versioning["Status"] == "Enabled"
