"""Issue 15 row 10: the functions' roles are narrowed: each writes only its own log group,
the audit table is append-only for all of them, object versions are deleted only by the
bucket's lifecycle rule, and the token secret is readable by the API only.
tests/integration/test_iam_actions.py checks the same roles against the calls the code makes."""

from __future__ import annotations

import json

from local_aws.template import Resolver, load_template

TEMPLATE = load_template()
FUNCTION_ROLES = {
    "ApiHandlerRole": "APIHandler",
    "RunOperationRole": "RunOperation",
    "WorkflowStepRole": "WorkflowStep",
    "OnSqsMessageRole": "OnSqsMessage",
    "WebsocketConnectRole": "WebsocketConnect",
    "WebsocketMessageRole": "WebsocketMessage",
    "WebsocketDisconnectRole": "WebsocketDisconnect",
}
DATA_ROLES = ("ApiHandlerRole", "RunOperationRole", "WorkflowStepRole", "OnSqsMessageRole")


def _statements(role):
    return [
        st
        for policy in TEMPLATE["Resources"][role]["Properties"]["Policies"]
        for st in policy["PolicyDocument"]["Statement"]
    ]


def _actions(statement) -> set[str]:
    return set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])


def test_each_function_writes_only_its_own_log_group():
    """The log statement names exactly the ARN of the function's own log group (the group
    the template declares for the function's name), and no role may create groups."""
    resolver = Resolver(TEMPLATE, "prod")
    for role, function in FUNCTION_ROLES.items():
        name = resolver.resolve(TEMPLATE["Resources"][function]["Properties"]["FunctionName"])
        group_name = TEMPLATE["Resources"][f"{function}LogGroup"]["Properties"]["LogGroupName"]["Fn::Sub"]
        group = group_name.replace(f"${{{function}}}", name)  # Ref of a function: its name
        assert group == f"/aws/lambda/{name}"
        logs = [st for st in _statements(role) if any(a.startswith("logs:") for a in _actions(st))]
        assert len(logs) == 1 and _actions(logs[0]) == {"logs:CreateLogStream", "logs:PutLogEvents"}, role
        expected = f"arn:aws:logs:{resolver.region}:{resolver.account}:log-group:{group}:*"
        assert resolver.resolve(logs[0]["Resource"]) == expected, role


def test_the_audit_table_is_append_only():
    for role in FUNCTION_ROLES:
        for statement in _statements(role):
            if statement["Effect"] == "Allow" and "AuditTable" in json.dumps(statement.get("Resource")):
                assert not {"dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"} & _actions(
                    statement
                ), role
    for role in DATA_ROLES:  # and explicitly denied, whatever is attached to the role later
        denied = [st for st in _statements(role) if st["Effect"] == "Deny" and "AuditTable" in json.dumps(st)]
        assert denied and {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= _actions(
            denied[0]
        ), role


def test_object_versions_expire_only_by_the_lifecycle_rule():
    for role in FUNCTION_ROLES:
        for statement in _statements(role):
            if statement["Effect"] == "Allow":
                assert not {"s3:DeleteObjectVersion", "s3:*", "s3:PutLifecycleConfiguration"} & _actions(statement)
    for role in DATA_ROLES:
        assert any(st["Effect"] == "Deny" and "s3:DeleteObjectVersion" in _actions(st) for st in _statements(role))
    (rule,) = TEMPLATE["Resources"]["DocumentsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}
    assert rule["ExpiredObjectDeleteMarker"] is True


def test_tokens_are_a_secret_of_digests_not_an_environment_variable():
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert "TBCV_API_TOKENS" not in variables and variables["TBCV_API_TOKENS_SECRET"] == {"Ref": "ApiTokensSecret"}
    readers = [
        role
        for role in FUNCTION_ROLES
        if any("secretsmanager:GetSecretValue" in _actions(st) for st in _statements(role))
    ]
    assert readers == ["ApiHandlerRole"]
