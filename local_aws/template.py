"""Reads infra/template.json, the one source of truth for resources, and resolves the
intrinsic functions it uses (Ref, Fn::GetAtt, Fn::Sub) the way CloudFormation would for
a local stage."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INFRA = Path(__file__).resolve().parent.parent / "infra"
ACCOUNT = "123456789012"
REGION = "us-east-1"

#  Types the bootstrap creates, and types that only exist in a real deployment.
BOOTSTRAPPED_TYPES = {"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::StepFunctions::StateMachine"}
DEPLOY_ONLY_TYPES = {
    "AWS::SQS::QueuePolicy": "moto does not enforce resource policies",
    "AWS::IAM::Role": "moto does not enforce IAM; the bootstrap creates one role for all functions",
    "AWS::Logs::LogGroup": "locally the functions log to stdout; retention only matters in AWS",
    "AWS::SNS::Topic": "alarm notifications; nothing raises CloudWatch alarms locally",
    "AWS::SNS::TopicPolicy": "lets CloudWatch publish to the alarm topic; moto enforces no policies",
    "AWS::SNS::Subscription": "alarm e-mail subscription (optional, AWS only)",
    "AWS::CloudWatch::Alarm": "moto does not turn EMF lines into metrics, so alarms could never fire locally",
    "AWS::CloudWatch::Dashboard": "added by scripts/package.py from infra/dashboards/; AWS only",
    "AWS::SecretsManager::Secret": "deployed API tokens (digests); locally TBCV_API_TOKEN(S) hold the tokens",
    "AWS::ApiGateway::GatewayResponse": "the local API answers unknown routes itself (local_aws/api_gateway.py)",
}
# Resources Chalice generates in the packaged template, and their local stand-ins.
CHALICE_GENERATED = {
    "RestAPI": "local",
    "WebsocketAPI": "local",  # the management endpoint is set by local_environment()
}


def load_template() -> dict[str, Any]:
    return json.loads((INFRA / "template.json").read_text())


def function_name(app_name: str, stage: str, handler_name: str) -> str:
    """Chalice's naming of deployed Lambda functions."""
    return f"{app_name}-{stage}-{handler_name}"


def logical_id_of_handler(handler_name: str) -> str:
    """Chalice's SAM logical id of a handler: `run_operation` -> `RunOperation`."""
    return "".join(part.capitalize() for part in handler_name.split("_"))


@dataclass
class Resolver:
    template: dict[str, Any]
    stage: str
    app_name: str = "tbcv"
    region: str = REGION
    account: str = ACCOUNT

    def pseudo(self, name: str) -> str:
        return {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": f"{self.app_name}-{self.stage}",
            "Stage": self.stage,
        }[name]

    def resource(self, logical_id: str) -> dict[str, Any]:
        return self.template["Resources"][logical_id]

    def ref(self, logical_id: str) -> str:
        if logical_id in ("Stage",) or logical_id.startswith("AWS::"):
            return self.pseudo(logical_id)
        if logical_id in CHALICE_GENERATED:
            return CHALICE_GENERATED[logical_id]
        if logical_id in self.template.get("Parameters", {}):  # other parameters: their default
            return str(self.template["Parameters"][logical_id].get("Default", ""))
        resource = self.resource(logical_id)
        kind, props = resource.get("Type"), resource.get("Properties", {})
        if kind == "AWS::SecretsManager::Secret":
            return ""  # no secret locally: the settings it would configure stay unset
        if kind == "AWS::DynamoDB::Table":
            return self.resolve(props["TableName"])
        if kind == "AWS::S3::Bucket":
            return self.resolve(props["BucketName"])
        if kind == "AWS::SQS::Queue":
            return f"http://sqs.{self.region}.localhost/{self.account}/{self.resolve(props['QueueName'])}"
        if kind == "AWS::StepFunctions::StateMachine":
            return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{self.resolve(props['StateMachineName'])}"
        raise KeyError(f"no local Ref for {logical_id}")

    def get_att(self, logical_id: str, attribute: str) -> str:
        resource = self.template["Resources"].get(logical_id, {})
        kind, props = resource.get("Type"), resource.get("Properties", {})
        if kind == "AWS::SQS::Queue":
            name = self.resolve(props["QueueName"])
            return name if attribute == "QueueName" else f"arn:aws:sqs:{self.region}:{self.account}:{name}"
        if kind == "AWS::DynamoDB::Table":
            return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{self.ref(logical_id)}"
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{self.ref(logical_id)}"
        if kind == "AWS::IAM::Role":
            return f"arn:aws:iam::{self.account}:role/{logical_id}"
        # Chalice functions: the merge template only overrides their properties
        handler = re.sub(r"(?<!^)(?=[A-Z])", "_", logical_id).lower()
        return (
            f"arn:aws:lambda:{self.region}:{self.account}:function:{function_name(self.app_name, self.stage, handler)}"
        )

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                return self.get_att(*arg)
            if key == "Fn::Sub":
                return re.sub(r"\$\{([^}]+)\}", lambda m: self._sub(m.group(1)), arg)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _sub(self, name: str) -> str:
        if "." in name:
            return self.get_att(*name.split(".", 1))
        return self.ref(name)

    def environment(self) -> dict[str, str]:
        """The functions' environment variables (Globals), resolved for this stage."""
        variables = self.template["Globals"]["Function"]["Environment"]["Variables"]
        return {name: str(self.resolve(value)) for name, value in variables.items()}

    def state_machine_definition(self, logical_id: str) -> str:
        props = self.resource(logical_id)["Properties"]
        definition = load_definition(props["Definition"])
        substitutions = {k: self.resolve(v) for k, v in props.get("DefinitionSubstitutions", {}).items()}
        return substitute(definition, substitutions)


def load_definition(reference: str) -> str:
    """`file:statemachines/x.asl.json` -> the ASL text (the same file is deployed)."""
    if not reference.startswith("file:"):
        raise ValueError(f"state machine definitions are referenced as file:<path>, got {reference!r}")
    return (INFRA / reference[len("file:") :]).read_text()


def substitute(definition: str, substitutions: dict[str, str]) -> str:
    """DefinitionSubstitutions semantics: replace ${Name}; an unknown name is an error."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in substitutions:
            raise KeyError(f"state machine uses ${{{name}}} with no DefinitionSubstitutions entry")
        return substitutions[name]

    return re.sub(r"\$\{([A-Za-z0-9_]+)\}", replace, definition)
