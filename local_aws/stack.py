"""The whole local stack in one process: moto server (which the process itself calls without
a socket, local_aws/in_process.py), bootstrapped resources, the Chalice
app served over HTTP, the in-process Lambda executor and the SQS pollers. `make run` and
the e2e tests start it the same way (`python -m local_aws.run`)."""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_aws.template import ACCOUNT, REGION, Resolver, load_template

STAGE = "local"
# Requests the local API runs at once (local_aws/api_gateway.py, install_request_limit).
API_CONCURRENCY = 4


def aws_environment(endpoint_url: str | None) -> dict[str, str]:
    """Client settings for the local AWS: region, dummy credentials, endpoint."""
    env = {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "TBCV_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "TBCV",
        "POWERTOOLS_SERVICE_NAME": "tbcv",
    }
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url
    return env


def local_environment(endpoint_url: str | None) -> dict[str, str]:
    """Everything the app's functions read, as the deployed template would set it. The
    WebSocket management API is the local AWS's (local_aws/websocket.py delivers its posts
    to the live sockets); in-process moto intercepts the template's execute-api URL."""
    env = {**aws_environment(endpoint_url), **Resolver(load_template(), STAGE).environment()}
    if endpoint_url:
        env["TBCV_WS_ENDPOINT"] = endpoint_url
    return env


# Settings a user may set before `make run` (the template's defaults must not replace them);
# resource names and endpoints always come from the local stack.
USER_SETTINGS = ("TBCV_API_TOKENS", "TBCV_API_TOKEN", "TBCV_ALLOWED_ORIGINS", "TBCV_METRICS_FILE")


def _keeping_user_settings(environment: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in environment.items() if not (key in USER_SETTINGS and key in os.environ)}


def lambda_handler_names(app: Any) -> list[str]:
    """Handlers deployed as their own Lambda functions (not the API routes)."""
    return (
        [f.name for f in app.pure_lambda_functions]
        + [s.name for s in app.event_sources]
        + [config.name for config in app.websocket_handlers.values()]
    )


def event_source_pollers(app: Any, resolver: Resolver, endpoint_url: str | None) -> list:
    """One poller per `@app.on_sqs_message` handler, configured as its mapping would be."""
    from chalice.app import SQSEventConfig

    from local_aws.sqs_poller import SqsPoller

    pollers = []
    for source in app.event_sources:
        if not isinstance(source, SQSEventConfig):
            continue
        queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{source.queue}"
        queue_url = f"{endpoint_url}/{ACCOUNT}/{source.queue}"
        pollers.append(
            SqsPoller(
                queue_url,
                queue_arn,
                app.handler_map[source.name],
                batch_size=source.batch_size or 10,
                endpoint_url=endpoint_url,
                name=source.name,
                visibility_timeout=5,
            )
        )
    return pollers


@dataclass
class LocalStack:
    api_port: int
    aws_port: int
    ws_port: int = 8001
    host: str = "127.0.0.1"
    _moto: Any = None
    _api: Any = None
    _api_thread: threading.Thread | None = None
    pollers: list = field(default_factory=list)
    app: Any = None
    state_dir: Path | None = None  # None: data lives in memory only (TBCV_STATE=memory)
    state: Any = None
    restored: Any = None
    _ws: Any = None
    _in_process: Any = None  # local_aws.in_process.InProcessEndpoint
    connections: Any = None  # local_aws.websocket.LocalConnections: the live sockets

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.aws_port}"

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.ws_port}"

    def start(self) -> LocalStack:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS call otherwise
        self._moto = ThreadedMotoServer(ip_address=self.host, port=self.aws_port, verbose=False)
        self._moto.start()
        from local_aws.in_process import install_in_process_endpoint

        # this process's own AWS calls reach moto without a socket (local_aws/in_process.py)
        self._in_process = install_in_process_endpoint(self.endpoint_url, self._moto._server.app)
        request = urllib.request.Request(
            f"{self.endpoint_url}/moto-api/config",
            method="POST",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        )
        urllib.request.urlopen(request, timeout=10).close()  # nosec B310  # http://host:port, built above
        os.environ.update(_keeping_user_settings(local_environment(self.endpoint_url)))
        os.environ["MOTO_PORT"] = str(self.aws_port)  # moto's Step Functions Lambda tasks call this server

        import app as chalice_app  # after the environment: app.py names its SQS queue from the settings
        from local_aws.bootstrap import bootstrap, stored_resource_names
        from local_aws.dynamodb_lock import install_dynamodb_lock
        from local_aws.executor import install_lambda_executor
        from local_aws.moto_patches import install_moto_patches
        from local_aws.websocket import LocalConnections, install_management_api

        self.app = chalice_app.app
        install_moto_patches()
        install_dynamodb_lock()
        install_lambda_executor(self.app.handler_map, app_name=self.app.app_name, stage=STAGE)
        self.connections = LocalConnections()
        install_management_api(self.connections)
        template = load_template()
        resolver = bootstrap(template, STAGE, lambda_handler_names(self.app), self.endpoint_url)
        if self.state_dir is not None:
            self._restore_state(self.state_dir, *stored_resource_names(template, resolver))
        self.pollers = [p.start() for p in event_source_pollers(self.app, resolver, self.endpoint_url)]
        from chalicelib.runtime import use_upload_consumers
        from local_aws.sqs_poller import PollerSwitch

        use_upload_consumers(PollerSwitch(self.pollers))  # maintenance mode switches these: no mappings here
        return self

    def _restore_state(self, state_dir: Path, tables: list[str], buckets: list[str]) -> None:
        """Load the last snapshot of `state_dir` (raises StateError naming a bad file), then
        keep taking snapshots while the stack runs."""
        from local_aws.state import LocalState, install_change_tracking

        self.state = LocalState(state_dir, tables=tables, buckets=buckets, region=REGION)
        self.restored = self.state.restore()
        install_change_tracking()
        self.state.start()

    def serve_api(self) -> LocalStack:
        """Serve the Chalice app over HTTP and its WebSocket API (threads); /health
        answers from now on."""
        from chalice.config import Config
        from chalice.local import create_local_server

        from local_aws.api_gateway import install_not_found_envelope, install_prompt_responses, install_request_limit
        from local_aws.websocket import LocalWebSocketApi

        install_not_found_envelope()
        install_prompt_responses()
        install_request_limit(API_CONCURRENCY)
        self._ws = LocalWebSocketApi(self.app, self.host, self.ws_port, STAGE, self.connections).start()
        config = Config.create(chalice_stage=STAGE, app_name=self.app.app_name)
        # create_local_server makes app.current_request thread-local, as concurrent
        # requests need; a larger backlog than socketserver's 5 keeps bursts from resetting.
        self._api = create_local_server(self.app, config, self.host, self.api_port)
        self._api.server.daemon_threads = True
        self._api.server.socket.listen(128)
        self._api_thread = threading.Thread(target=self._api.server.serve_forever, daemon=True, name="chalice-local")
        self._api_thread.start()
        return self

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()
        if self._ws:
            self._ws.stop()
        if self._api:
            self._api.shutdown()
            self._api.server.server_close()
        if self.state is not None:
            self.state.stop()  # after the API and pollers: nothing writes any more
        if self._moto:
            self._moto.stop()
        if self._in_process is not None:
            from local_aws.in_process import uninstall_in_process_endpoint

            uninstall_in_process_endpoint(self._in_process)
