"""Switching upload consumption on and off (maintenance mode).

In AWS the `on_sqs_message` function's event source mapping is disabled, so messages
stay queued instead of failing and using up their receive count. The embedded local
stack has no mappings: it registers its poller's switch here instead."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.aws.clients import client

_local_switches: list[Callable[[bool], None]] = []


def register_local_switch(switch: Callable[[bool], None]) -> None:
    """Called by the local stack for each SQS poller (its `enabled` flag)."""
    _local_switches.append(switch)


def set_upload_consumption(enabled: bool, function_name: str) -> int:
    """Enable or disable consumption of the upload queue by `function_name`; returns how
    many mappings (or local pollers) were switched."""
    if _local_switches:
        for switch in _local_switches:
            switch(enabled)
        return len(_local_switches)
    lam = client("lambda")
    switched = 0
    for page in lam.get_paginator("list_event_source_mappings").paginate(FunctionName=function_name):
        for mapping in page["EventSourceMappings"]:
            lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=enabled)
            switched += 1
    return switched
