"""Per-stage and per-function settings are deliberate: every function has its timeout and
memory, production reserves concurrency, the upload queue outlasts its consumer, logs
expire, tables are protected, and every alarm reaches the alarm topic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chalice.config import Config

import app as chalice_app
from local_aws.stack import lambda_handler_names
from local_aws.template import Resolver, function_name, load_template, logical_id_of_handler

ROOT = Path(__file__).resolve().parents[2]
CHALICE = json.loads((ROOT / ".chalice" / "config.json").read_text())
TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
DEPLOYED_STAGES = ("dev", "staging", "prod")
FUNCTIONS = ["api_handler", *lambda_handler_names(chalice_app.app)]


def _config(stage: str, function: str) -> Config:
    return Config(chalice_stage=stage, function_name=function, config_from_disk=CHALICE)


def _logical_id(function: str) -> str:
    return "APIHandler" if function == "api_handler" else logical_id_of_handler(function)


def _alarms() -> dict[str, dict]:
    return {k: r["Properties"] for k, r in RESOURCES.items() if r.get("Type") == "AWS::CloudWatch::Alarm"}


def test_the_stages_are_local_dev_staging_and_prod():
    assert set(CHALICE["stages"]) == {"local", *DEPLOYED_STAGES}
    assert set(TEMPLATE["Mappings"]["StageSettings"]) == set(DEPLOYED_STAGES)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_sets_its_timeout_and_memory(function):
    assert {"lambda_timeout", "lambda_memory_size"} <= set(CHALICE["lambda_functions"][function])


@pytest.mark.parametrize("function", FUNCTIONS)
def test_staging_and_prod_reserve_concurrency_for_every_function(function):
    assert _config("prod", function).reserved_concurrency >= _config("staging", function).reserved_concurrency > 0
    assert _config("dev", function).reserved_concurrency is None  # dev accounts often have 10 in total


def test_the_api_handler_ends_before_api_gateway_gives_up():
    assert _config("prod", "api_handler").lambda_timeout <= 29


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_each_stage_serves_the_api_under_its_own_name(stage):
    assert _config(stage, "api_handler").api_gateway_stage == stage


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_sqs_visibility_timeout_is_at_least_six_times_the_consumer_timeout(stage):
    local = Resolver(TEMPLATE, "local")  # the app names its queue as the local stage does
    queues = {
        local.resolve(r["Properties"]["QueueName"]): r["Properties"]
        for r in RESOURCES.values()
        if r.get("Type") == "AWS::SQS::Queue"
    }
    consumers = [source for source in chalice_app.app.event_sources if hasattr(source, "queue")]
    assert consumers
    for source in consumers:
        timeout = queues[source.queue]["VisibilityTimeout"]
        assert timeout >= 6 * _config(stage, source.name).lambda_timeout, source.name


def test_the_upload_consumer_reports_partial_batch_failures_and_is_capped():
    event = RESOURCES["OnSqsMessage"]["Properties"]["Events"]["OnSqsMessageSqsEventSource"]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert (
        2
        <= event["ScalingConfig"]["MaximumConcurrency"]
        <= min(_config(s, "on_sqs_message").reserved_concurrency for s in ("staging", "prod"))
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_is_named_as_locally_and_in_the_runbook(function):
    name = RESOURCES[_logical_id(function)]["Properties"]["FunctionName"]
    assert Resolver(TEMPLATE, "prod").resolve(name) == function_name("tbcv", "prod", function)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_has_a_log_group_with_retention(function):
    groups = [r["Properties"] for r in RESOURCES.values() if r.get("Type") == "AWS::Logs::LogGroup"]
    assert any(
        g["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{_logical_id(function)}}}"} and "RetentionInDays" in g
        for g in groups
    ), function


def test_api_throttling_is_set_per_stage():
    (settings,) = TEMPLATE["Globals"]["Api"]["MethodSettings"]
    assert settings["ThrottlingRateLimit"]["Fn::FindInMap"][2] == "ApiRateLimit"
    for stage in TEMPLATE["Mappings"]["StageSettings"].values():
        assert 0 < stage["ApiRateLimit"] <= stage["ApiBurstLimit"]


def test_tables_have_point_in_time_recovery_and_deletion_protection():
    for logical_id, resource in RESOURCES.items():
        if resource.get("Type") == "AWS::DynamoDB::Table":
            props = resource["Properties"]
            assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], logical_id
            assert props["DeletionProtectionEnabled"] is True, logical_id


def test_old_document_versions_expire():
    rules = RESOURCES["DocumentsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any(r["Status"] == "Enabled" and r["NoncurrentVersionExpiration"]["NoncurrentDays"] > 0 for r in rules)


def test_every_alarm_notifies_the_alarm_topic_and_names_its_runbook_section():
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    for logical_id, alarm in _alarms().items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], logical_id
        anchor = alarm["AlarmDescription"].rsplit("#", 1)[1]
        assert f"## {anchor}" in runbook, f"docs/runbook.md has no section for {anchor}"


def _alarm_metrics(alarm: dict) -> list[dict]:
    return [q["MetricStat"]["Metric"] for q in alarm.get("Metrics", []) if "MetricStat" in q]


def test_the_workflow_alarm_watches_every_state_machine():
    watched = {m["Dimensions"][0]["Value"]["Ref"] for m in _alarm_metrics(_alarms()["WorkflowFailuresAlarm"])}
    assert watched == {k for k, r in RESOURCES.items() if r.get("Type") == "AWS::StepFunctions::StateMachine"}


@pytest.mark.parametrize("alarm", ["LambdaErrorsAlarm", "LambdaThrottlesAlarm"])
def test_the_lambda_alarms_watch_every_function(alarm):
    watched = {m["Dimensions"][0]["Value"]["Ref"] for m in _alarm_metrics(_alarms()[alarm])}
    assert watched == {_logical_id(f) for f in FUNCTIONS}


def test_the_dead_letter_queue_alarm_fires_on_one_message():
    alarm = _alarms()["DlqNotEmptyAlarm"]
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["UploadDeadLetterQueue", "QueueName"]}
