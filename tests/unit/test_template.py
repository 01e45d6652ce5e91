"""infra/template.json is the one source of truth: the bootstrap covers every resource
type it declares, and the PynamoDB models match its tables."""

from __future__ import annotations

import pytest

import app as chalice_app
from chalicelib.settings import get_settings
from chalicelib.store import all_models
from chalicelib.store.tables import TableNames
from local_aws.stack import lambda_handler_names
from local_aws.template import BOOTSTRAPPED_TYPES, DEPLOY_ONLY_TYPES, Resolver, load_template, logical_id_of_handler

TEMPLATE = load_template()


def test_every_resource_type_is_bootstrapped_or_deploy_only():
    types = {r["Type"] for r in TEMPLATE["Resources"].values() if "Type" in r}
    assert types <= BOOTSTRAPPED_TYPES | set(DEPLOY_ONLY_TYPES), types - BOOTSTRAPPED_TYPES - set(DEPLOY_ONLY_TYPES)


def test_resources_without_a_type_only_override_chalice_functions():
    untyped = {k for k, r in TEMPLATE["Resources"].items() if "Type" not in r}
    functions = {"APIHandler"} | {logical_id_of_handler(n) for n in lambda_handler_names(chalice_app.app)}
    assert untyped <= functions, untyped - functions


def test_every_chalice_function_gets_its_own_role_from_the_template():
    for name in lambda_handler_names(chalice_app.app):
        override = TEMPLATE["Resources"].get(logical_id_of_handler(name), {})
        assert "Role" in override.get("Properties", {}), f"{name} has no role in infra/template.json"


def _template_table(table_name: str) -> dict:
    resolver = Resolver(TEMPLATE, "local")
    for resource in TEMPLATE["Resources"].values():
        if (
            resource.get("Type") == "AWS::DynamoDB::Table"
            and resolver.resolve(resource["Properties"]["TableName"]) == table_name
        ):
            return resource["Properties"]
    raise AssertionError(f"no table {table_name} in the template")


def _keys(key_schema) -> dict:
    return {k["KeyType"]: k["AttributeName"] for k in key_schema}


@pytest.mark.parametrize("model", all_models(), ids=lambda m: m.__name__)
def test_model_keys_and_indexes_match_the_template(model):
    model = TableNames.of(get_settings()).bind(model)
    table = _template_table(model.Meta.table_name)
    schema = model._get_schema()
    assert _keys(schema["key_schema"]) == _keys(table["KeySchema"])
    model_indexes = {i["index_name"]: _keys(i["key_schema"]) for i in schema.get("global_secondary_indexes", [])}
    template_indexes = {i["IndexName"]: _keys(i["KeySchema"]) for i in table.get("GlobalSecondaryIndexes", [])}
    assert model_indexes == template_indexes


def test_the_local_environment_names_the_local_resources():
    env = Resolver(TEMPLATE, "local").environment()
    assert env["TBCV_VALIDATIONS_TABLE"] == "tbcv-local-validations"
    assert env["TBCV_DOCUMENTS_BUCKET"] == "tbcv-local-documents-123456789012"
    assert env["TBCV_UPLOAD_QUEUE"] == "tbcv-local-uploads"
