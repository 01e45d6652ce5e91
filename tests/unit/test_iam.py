"""Issue 15 row 10: the functions' roles are narrowed: each writes only its own log group, the
audit table is append-only for all of them, and the token secret is readable by the API only."""

from __future__ import annotations

import json

from local_aws.template import load_template

FUNCTION_ROLES = {
    "ApiHandlerRole": "APIHandler",
    "RunOperationRole": "RunOperation",
    "WorkflowStepRole": "WorkflowStep",
    "OnSqsMessageRole": "OnSqsMessage",
}


def _statements(template, role):
    return [
        st
        for policy in template["Resources"][role]["Properties"]["Policies"]
        for st in policy["PolicyDocument"]["Statement"]
    ]


def test_each_function_writes_only_its_own_log_group():
    template = load_template()
    for role, function in FUNCTION_ROLES.items():
        logs = [st for st in _statements(template, role) if any(a.startswith("logs:") for a in st["Action"])]
        assert logs and all(
            f"/aws/lambda/${{AWS::StackName}}-{function}-*" in json.dumps(st["Resource"]) for st in logs
        )


def test_the_audit_table_is_append_only():
    template = load_template()
    for role in FUNCTION_ROLES:
        for statement in _statements(template, role):
            if "AuditTable" in json.dumps(statement.get("Resource")):
                assert not {"dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"} & set(
                    statement["Action"]
                ), role


def test_tokens_are_a_secret_of_digests_not_an_environment_variable():
    template = load_template()
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert "TBCV_API_TOKENS" not in variables and variables["TBCV_API_TOKENS_SECRET"] == {"Ref": "ApiTokensSecret"}
    readers = [
        role
        for role in FUNCTION_ROLES
        if any("secretsmanager:GetSecretValue" in st["Action"] for st in _statements(template, role))
    ]
    assert readers == ["ApiHandlerRole"]
