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


def _item_responses() -> list[dict]:
    """Every item-bearing operation over every attribute type, pages and filters included,
    on a fresh moto; the responses as botocore parses them."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        every_type = {
            "s": {"S": "text é"},
            "n": {"N": "12.5"},
            "b": {"B": b"\x00\xffbytes"},
            "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2"]},
            "bs": {"BS": [b"\x01", b"\x02"]},
            "m": {"M": {"inner": {"L": [{"S": "x"}, {"NULL": True}, {"BOOL": False}]}}},
            "g": {"S": "group"},
        }
        for pk in ("p1", "p2"):
            for sk in ("a", "b", "c"):
                client.put_item(TableName="t", Item={**_key(pk, sk), **every_type})
        responses = [
            client.get_item(TableName="t", Key=_key("p1", "b")),
            client.get_item(TableName="t", Key=_key("p1", "missing")),
            client.query(
                TableName="t",
                KeyConditionExpression="pk = :p AND sk > :s",
                ExpressionAttributeValues={":p": {"S": "p1"}, ":s": {"S": "a"}},
                ReturnConsumedCapacity="TOTAL",
            ),
            client.query(
                TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p2"}}, Limit=2
            ),
            client.query(
                TableName="t",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": "p2"}},
                ExclusiveStartKey=_key("p2", "b"),
                ScanIndexForward=False,
            ),
            client.query(
                TableName="t",
                KeyConditionExpression="pk = :p",
                FilterExpression="sk <> :s",
                ProjectionExpression="pk, sk, b",
                ExpressionAttributeValues={":p": {"S": "p1"}, ":s": {"S": "c"}},
            ),
            client.query(
                TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "none"}}
            ),
            client.query(
                TableName="t",
                IndexName="by_g",
                KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": "group"}},
                Limit=4,
            ),
            client.scan(TableName="t", Limit=3),
            client.batch_get_item(RequestItems={"t": {"Keys": [_key("p1", "a"), _key("p2", "c")]}}),
            client.update_item(
                TableName="t",
                Key=_key("p1", "a"),
                UpdateExpression="SET n = :n",
                ExpressionAttributeValues={":n": {"N": "3"}},
                ReturnValues="ALL_NEW",
            ),
            client.delete_item(TableName="t", Key=_key("p2", "a"), ReturnValues="ALL_OLD"),
            client.transact_get_items(TransactItems=[{"Get": {"TableName": "t", "Key": _key("p1", "b")}}]),
        ]
        for response in responses:
            response.pop("ResponseMetadata")
        if "Responses" in responses[9]:  # BatchGetItem answers in no particular order
            responses[9]["Responses"]["t"].sort(key=lambda item: (item["pk"]["S"], item["sk"]["S"]))
        return responses


def test_item_responses_and_table_queries_are_what_moto_itself_answers():
    unpatched = _item_responses()
    install_moto_patches()
    try:
        patched = _item_responses()
    finally:
        uninstall_moto_patches()
    assert patched == unpatched
    assert patched[0]["Item"]["b"] == {"B": b"\x00\xffbytes"}
    assert [item["sk"]["S"] for item in patched[2]["Items"]] == ["b", "c"]
    assert patched[3]["LastEvaluatedKey"] == _key("p2", "b")
    assert patched[6]["Items"] == []
