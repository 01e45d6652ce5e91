"""Creates the template's resources through the AWS APIs (moto's CloudFormation cannot
run our state machines: machines it creates are invisible to the executing backend)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

import boto3

from chalicelib.aws.clients import AwsService
from local_aws.template import Resolver, function_name

LAMBDA_ROLE = "tbcv-local-lambda"


def _client(service: AwsService, endpoint_url: str | None) -> Any:
    return boto3.client(service, endpoint_url=endpoint_url, region_name="us-east-1")


def _resources(template: dict, kind: str) -> Iterable[tuple[str, dict[str, Any]]]:
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") == kind:
            yield logical_id, resource.get("Properties", {})


def _create_table(dynamodb, resolver: Resolver, props: dict) -> None:
    spec = {
        k: resolver.resolve(props[k])
        for k in ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode")
        if k in props
    }
    if props.get("GlobalSecondaryIndexes"):
        spec["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    dynamodb.create_table(**spec)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        dynamodb.update_time_to_live(TableName=spec["TableName"], TimeToLiveSpecification=ttl)


def _create_queue(sqs, resolver: Resolver, props: dict) -> None:
    attributes = {}
    for name in ("VisibilityTimeout", "MessageRetentionPeriod"):
        if name in props:
            attributes[name] = str(props[name])
    if "RedrivePolicy" in props:
        attributes["RedrivePolicy"] = json.dumps(resolver.resolve(props["RedrivePolicy"]))
    sqs.create_queue(QueueName=resolver.resolve(props["QueueName"]), Attributes=attributes)


def _create_bucket(s3, resolver: Resolver, props: dict) -> None:
    bucket = resolver.resolve(props["BucketName"])
    s3.create_bucket(Bucket=bucket)
    if props.get("VersioningConfiguration"):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=props["VersioningConfiguration"])
    queues = resolver.resolve(props.get("NotificationConfiguration", {})).get("QueueConfigurations", [])
    if queues:
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": q["Queue"],
                        "Events": [q["Event"]],
                        "Filter": {"Key": {"FilterRules": q["Filter"]["S3Key"]["Rules"]}},
                    }
                    for q in queues
                ]
            },
        )


def _create_functions(endpoint_url: str | None, resolver: Resolver, handler_names: Iterable[str]) -> None:
    iam, lam = _client("iam", endpoint_url), _client("lambda", endpoint_url)
    role = iam.create_role(
        RoleName=LAMBDA_ROLE,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
                ],
            }
        ),
    )
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("app.py", "# executed in-process by local_aws.executor\n")
    for handler in handler_names:
        lam.create_function(
            FunctionName=function_name(resolver.app_name, resolver.stage, handler),
            Runtime="python3.11",
            Role=role["Role"]["Arn"],
            Handler=f"app.{handler}",
            Code={"ZipFile": package.getvalue()},
            Timeout=30,
        )


def stored_resource_names(template: dict, resolver: Resolver) -> tuple[list[str], list[str]]:
    """The names of the tables and buckets `bootstrap` creates: what holds the stack's data."""
    tables = [resolver.resolve(props["TableName"]) for _, props in _resources(template, "AWS::DynamoDB::Table")]
    buckets = [resolver.resolve(props["BucketName"]) for _, props in _resources(template, "AWS::S3::Bucket")]
    return tables, buckets


def bootstrap(template: dict, stage: str, handler_names: Iterable[str], endpoint_url: str | None = None) -> Resolver:
    """Create every bootstrapped resource of `template` for `stage`; returns the resolver
    whose `environment()` the functions run with."""
    resolver = Resolver(template, stage)
    services: tuple[AwsService, ...] = ("dynamodb", "sqs", "s3", "stepfunctions")
    dynamodb, sqs, s3, sfn = (_client(s, endpoint_url) for s in services)
    for _, props in _resources(template, "AWS::DynamoDB::Table"):
        _create_table(dynamodb, resolver, props)
    queues = sorted(_resources(template, "AWS::SQS::Queue"), key=lambda r: "RedrivePolicy" in r[1])
    for _, props in queues:  # dead-letter queues first: redrive policies point at them
        _create_queue(sqs, resolver, props)
    for _, props in _resources(template, "AWS::S3::Bucket"):
        _create_bucket(s3, resolver, props)
    _create_functions(endpoint_url, resolver, handler_names)
    for logical_id, props in _resources(template, "AWS::StepFunctions::StateMachine"):
        sfn.create_state_machine(
            name=resolver.resolve(props["StateMachineName"]),
            definition=resolver.state_machine_definition(logical_id),
            roleArn=resolver.get_att("StateMachineRole", "Arn"),
            type=props.get("StateMachineType", "STANDARD"),
        )
    return resolver
