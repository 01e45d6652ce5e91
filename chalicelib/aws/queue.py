"""Switching upload consumption on and off (maintenance mode): in AWS the `on_sqs_message`
function's event source mappings are disabled, so messages stay queued instead of failing
and using up their receive count. (The local stack switches its pollers instead:
local_aws/sqs_poller.py, wired in by `chalicelib.runtime.use_upload_consumers`.)"""

from __future__ import annotations

from chalicelib.aws.clients import client


class EventSourceMappings:
    """The event source mappings of one function (the `UploadConsumers` port)."""

    def __init__(self, function_name: str):
        self.function_name = function_name

    def switch(self, enabled: bool) -> int:
        """Enable or disable every mapping of the function; returns how many were switched."""
        lam = client("lambda")
        switched = 0
        for page in lam.get_paginator("list_event_source_mappings").paginate(FunctionName=self.function_name):
            for mapping in page["EventSourceMappings"]:
                lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=enabled)
                switched += 1
        return switched
