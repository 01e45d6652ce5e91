"""The AWS deploy path, as far as it runs here: package → cfn-lint → samtranslator →
scripts/deploy's change set on moto's CloudFormation with every resource but the API
(moto cannot create SAM's body-defined RestApi; the API is covered by the local stack)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
import urllib.request
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import boto3
import pytest

from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
_loader = SourceFileLoader("deploy", str(ROOT / "scripts" / "deploy"))
deploy = module_from_spec(spec_from_loader("deploy", _loader))
_loader.exec_module(deploy)

# Types moto's CloudFormation skips with a warning instead of creating.
# types moto's CloudFormation does not create (it lists no resource for them)
MOTO_SKIPS = {"AWS::CloudWatch::Alarm", "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy", "AWS::SecretsManager::Secret"}
MOTO_SKIPPED_PREFIXES = ("AWS::ApiGatewayV2::",)  # moto's CloudFormation passes over the WebSocket API

pytestmark = pytest.mark.xdist_group("package")


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    sam, archive = deploy.package("dev", tmp_path_factory.mktemp("deploy-build"))
    return sam, archive


@pytest.fixture(scope="module")
def translated(packaged):
    sam, _ = packaged
    return deploy.translate(
        deploy.point_code_at(json.loads(json.dumps(sam)), "artifacts", "code.zip"), "us-east-1", "dev"
    )


@pytest.fixture(scope="module")
def moto_endpoint():
    """A moto server in its own process: in-process moto state is reset by other tests'
    mocks, which would make the stack vanish between two deploys."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise AssertionError("moto server did not start") from None
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _references(value) -> set[str]:
    text = json.dumps(value)
    return (
        set(re.findall(r'"Ref": "(\w+)"', text))
        | set(re.findall(r'"Fn::GetAtt": \["(\w+)"', text))
        | set(re.findall(r"\$\{(\w+)[.}]", text))
    )


def _without_api(template: dict) -> dict:
    """The template minus API Gateway and everything that references it."""
    resources = dict(template["Resources"])
    dropped = {k for k, r in resources.items() if r["Type"].startswith("AWS::ApiGateway::")}
    while True:
        more = {
            k
            for k, r in resources.items()
            if k not in dropped and (_references(r) | set(r.get("DependsOn", []))) & dropped
        }
        if not more:
            break
        dropped |= more
    return {
        **template,
        "Resources": {k: r for k, r in resources.items() if k not in dropped},
        "Outputs": {k: o for k, o in template.get("Outputs", {}).items() if not _references(o) & dropped},
    }


def test_the_packaged_template_holds_dashboards_alarms_topic_pitr_and_partial_batch_failures(packaged):
    sam, _ = packaged
    types = [r["Type"] for r in sam["Resources"].values()]
    assert types.count("AWS::CloudWatch::Dashboard") == 2
    assert types.count("AWS::CloudWatch::Alarm") >= 5 and "AWS::SNS::Topic" in types
    tables = [r for r in sam["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]
    assert all(t["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] for t in tables)
    event = sam["Resources"]["OnSqsMessage"]["Properties"]["Events"]["OnSqsMessageSqsEventSource"]
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_packaged_functions_carry_their_stage_settings(packaged):
    sam, _ = packaged
    functions = {k: r["Properties"] for k, r in sam["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    assert functions["APIHandler"]["Timeout"] == 29
    assert (
        functions["OnSqsMessage"]["Timeout"] * 6 <= sam["Resources"]["UploadQueue"]["Properties"]["VisibilityTimeout"]
    )
    assert sam["Resources"]["RestAPI"]["Properties"]["StageName"] == "dev"


def test_samtranslator_turns_the_template_into_plain_cloudformation(translated):
    types = {r["Type"] for r in translated["Resources"].values()}
    assert not any(t.startswith("AWS::Serverless::") for t in types)
    assert {"AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping", "AWS::ApiGateway::RestApi"} <= types
    mapping = next(r for r in translated["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping")
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    stage = next(r for r in translated["Resources"].values() if r["Type"] == "AWS::ApiGateway::Stage")
    assert stage["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"] == {
        "Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, "ApiRateLimit"]
    }


def _deploy(packaged, translated, moto_endpoint) -> tuple[dict, dict]:
    """Upload the code and deploy the stack without its API (creates it, or changes nothing)."""
    _, archive = packaged
    aws = deploy.clients("us-east-1", moto_endpoint)
    deploy.ensure_bucket(aws["s3"], "artifacts", "us-east-1")
    aws["s3"].put_object(Bucket="artifacts", Key="code.zip", Body=archive.read_bytes())
    template = _without_api(translated)
    key = deploy.upload(aws["s3"], "artifacts", "dev", "template.json", json.dumps(template).encode())
    deploy.deploy_stack(
        aws["cloudformation"],
        "tbcv-dev",
        deploy.template_url("artifacts", key, "us-east-1"),
        {"Stage": "dev", "AlarmEmail": "", "ApiTokens": None},
        delay=1,
    )
    return aws, template


def test_deploy_creates_every_non_api_resource_on_moto_cloudformation(packaged, translated, moto_endpoint):
    aws, template = _deploy(packaged, translated, moto_endpoint)

    cloudformation = aws["cloudformation"]
    assert cloudformation.describe_stacks(StackName="tbcv-dev")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    created = {
        r["LogicalResourceId"]
        for r in cloudformation.list_stack_resources(StackName="tbcv-dev")["StackResourceSummaries"]
    }
    expected = {
        k
        for k, r in template["Resources"].items()
        if r["Type"] not in MOTO_SKIPS and not r["Type"].startswith(MOTO_SKIPPED_PREFIXES) and "Condition" not in r
    }
    assert expected <= created, expected - created
    session = dict(
        endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    dashboards = {
        d["DashboardName"] for d in boto3.client("cloudwatch", **session).list_dashboards()["DashboardEntries"]
    }
    assert dashboards == {"tbcv-dev-operations", "tbcv-dev-content-quality"}
    body = boto3.client("cloudwatch", **session).get_dashboard(DashboardName="tbcv-dev-operations")["DashboardBody"]
    assert "${" not in body and "tbcv-dev-uploads-dlq" in body
    tables = boto3.client("dynamodb", **session).list_tables()["TableNames"]
    assert "tbcv-dev-validations" in tables and "tbcv-dev-audit" in tables
    functions = {f["FunctionName"] for f in boto3.client("lambda", **session).list_functions()["Functions"]}
    assert {
        "tbcv-dev-api_handler",
        "tbcv-dev-run_operation",
        "tbcv-dev-workflow_step",
        "tbcv-dev-on_sqs_message",
    } <= functions


def test_deploying_the_same_template_again_changes_nothing(packaged, translated, moto_endpoint, capsys):
    aws, template = _deploy(packaged, translated, moto_endpoint)  # self-contained: the stack exists
    before = aws["cloudformation"].describe_stacks(StackName="tbcv-dev")["Stacks"][0]["StackStatus"]
    capsys.readouterr()
    key = deploy.upload(aws["s3"], "artifacts", "dev", "template.json", json.dumps(template).encode())
    deploy.deploy_stack(
        aws["cloudformation"],
        "tbcv-dev",
        deploy.template_url("artifacts", key, "us-east-1"),
        {"Stage": "dev", "AlarmEmail": ""},
        delay=1,
    )
    stacks = aws["cloudformation"].describe_stacks(StackName="tbcv-dev")["Stacks"]
    assert [s["StackStatus"] for s in stacks] == [before]
    assert "tbcv-dev: no changes" in capsys.readouterr().out


def test_deploy_prints_the_api_and_mcp_urls_of_aws_and_localstack():
    outputs = {"EndpointURL": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/", "RestAPIId": "abc123"}
    assert deploy.urls(outputs, "prod", None) == {
        "api": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/",
        "mcp": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/mcp",
    }
    assert (
        deploy.urls(outputs, "dev", "http://localhost:4566")["mcp"]
        == "http://localhost:4566/restapis/abc123/dev/_user_request_/mcp"
    )


def test_deploy_prints_the_websocket_url_of_live_events():
    outputs = {"EndpointURL": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/", "WebsocketAPIId": "ws9"}
    assert deploy.urls(outputs, "prod", None)["events"] == "wss://ws9.execute-api.eu-west-1.amazonaws.com/prod"


def test_localstack_endpoint_follows_aws_endpoint_url_then_localstack_host(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("LOCALSTACK_HOST", "127.0.0.1:4567")
    assert deploy.localstack_endpoint() == "http://127.0.0.1:4567"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localstack:4566")
    assert deploy.localstack_endpoint() == "http://localstack:4566"


def test_api_tokens_come_from_a_json_file_of_long_tokens(tmp_path):
    good = tmp_path / "tokens.json"
    good.write_text('{"0123456789abcdef0123": "alice"}')
    digest = hashlib.sha256(b"0123456789abcdef0123").hexdigest()
    assert json.loads(deploy.api_tokens(good)) == {digest: {"principal": "alice", "roles": ["admin"]}}
    assert "0123456789abcdef0123" not in deploy.api_tokens(good)  # only digests leave the machine
    roles = tmp_path / "roles.json"
    roles.write_text('{"0123456789abcdef0123": {"principal": "bob", "roles": ["reader"]}}')
    assert json.loads(deploy.api_tokens(roles))[digest]["roles"] == ["reader"]
    assert deploy.api_tokens(None) is None
    short = tmp_path / "short.json"
    short.write_text('{"abc": "alice"}')
    with pytest.raises(deploy.DeployError, match="16"):
        deploy.api_tokens(short)
