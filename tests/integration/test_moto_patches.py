"""The local stack's moto patches keep moto's transaction semantics (all or nothing, the
same errors) while backing up only the touched items, and stop instance tracking."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import Item

from local_aws.moto_patches import install_moto_patches, uninstall_moto_patches


@pytest.fixture
def table():
    install_moto_patches()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")
            client.create_table(
                TableName="t",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            yield client
    finally:
        uninstall_moto_patches()


def _key(pk: str, sk: str = "0") -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _get(client, pk: str, sk: str = "0") -> dict | None:
    return client.get_item(TableName="t", Key=_key(pk, sk)).get("Item")


def test_a_failed_condition_rolls_back_every_write_of_the_transaction(table):
    table.put_item(TableName="t", Item={**_key("kept"), "n": {"N": "1"}})
    table.put_item(TableName="t", Item={**_key("doomed"), "n": {"N": "1"}})
    table.put_item(TableName="t", Item={**_key("guard"), "n": {"N": "1"}})
    with pytest.raises(ClientError) as raised:
        table.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {**_key("new"), "n": {"N": "9"}}}},
                {
                    "Update": {
                        "TableName": "t",
                        "Key": _key("kept"),
                        "UpdateExpression": "SET n = :v",
                        "ExpressionAttributeValues": {":v": {"N": "9"}},
                    }
                },
                {"Delete": {"TableName": "t", "Key": _key("doomed")}},
                {
                    "ConditionCheck": {
                        "TableName": "t",
                        "Key": _key("guard"),
                        "ConditionExpression": "n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
            ]
        )
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in raised.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert _get(table, "new") is None
    assert _get(table, "kept")["n"] == {"N": "1"}
    assert _get(table, "doomed")["n"] == {"N": "1"}


def test_a_successful_transaction_writes_every_item(table):
    table.put_item(TableName="t", Item={**_key("a"), "n": {"N": "1"}})
    table.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "t", "Item": {**_key("b"), "n": {"N": "2"}}}},
            {"Delete": {"TableName": "t", "Key": _key("a")}},
        ]
    )
    assert _get(table, "a") is None
    assert _get(table, "b")["n"] == {"N": "2"}


def test_two_operations_on_one_item_are_refused_and_nothing_is_written(table):
    with pytest.raises(ClientError) as raised:
        table.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {**_key("x"), "n": {"N": "1"}}}},
                {"Put": {"TableName": "t", "Item": {**_key("x"), "n": {"N": "2"}}}},
            ]
        )
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert _get(table, "x") is None


def test_items_are_not_tracked_for_the_whole_life_of_the_server(table):
    before = len(Item.instances_tracked)
    for index in range(20):
        table.put_item(TableName="t", Item={**_key(f"p{index}"), "n": {"N": "1"}})
    assert len(Item.instances_tracked) == before
