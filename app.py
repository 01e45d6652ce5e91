"""The Chalice app: REST routes generated from the operation catalogue, health, and the
Lambda functions that Step Functions and SQS call. Handlers stay thin: parse, call one
operation, shape the response."""

from __future__ import annotations

import json
import time
import uuid

from chalice import Chalice, Response

from chalicelib.auth import principal_for
from chalicelib.observability import instrumented, logger, record_api_call, record_step_run
from chalicelib.ops import CATALOGUE, invoke
from chalicelib.ops.catalogue import Operation
from chalicelib.ops.errors import Forbidden, InvalidInput, OperationError, PayloadTooLarge, UnsupportedMediaType
from chalicelib.runtime import context_for, health_status, live_session
from chalicelib.settings import get_settings
from chalicelib.web import register as register_web_app

# configure_logs=False: the `tbcv` logger is the Powertools Logger's (JSON lines), so Chalice
# must neither add its own handler to it nor (as before) disable it, which lost every log line.
app = Chalice(app_name="tbcv", configure_logs=False)
app.experimental_feature_flags.update(["WEBSOCKETS"])  # Chalice's WebSocket API (docs/realtime.md)
get_settings()  # cold start fails fast here, naming a bad TBCV_* variable (docs/configuration.md)

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}  # DELETE takes its audited `reason` in the body too


def _max_body_bytes() -> int:
    """The largest request body (REST and MCP alike): a document twice over (JSON escaping) and room."""
    return 2 * get_settings().max_document_bytes + 65536


def _request_id(request) -> str:
    """API Gateway's request id; Chalice's local server has none, so one is made up there."""
    context = request.context
    if not context.get("requestId"):
        context["requestId"] = uuid.uuid4().hex
    return context["requestId"]


def _json(body: dict, status: int, headers: dict | None = None) -> Response:
    return Response(
        body=json.dumps(body), status_code=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


def _error(error: OperationError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="tbcv"'} if error.status == 401 else None
    return _json(error.to_dict(), error.status, headers)


@app.middleware("http")
def framework_errors_as_envelope(event, get_response):
    """Chalice answers some requests itself before a view runs (e.g. 415 for a body that
    is not JSON); those answers get the one error envelope too."""
    response = get_response(event)
    if response.status_code == 415 and isinstance(response.body, dict) and "Code" in response.body:
        return _error(
            UnsupportedMediaType(response.body.get("Message", "unsupported media type"), field="Content-Type")
        )
    return response


def _arguments(op: Operation, path_params: dict) -> dict:
    """Body (JSON object), query string and path parameters, path winning."""
    request = app.current_request
    if request is None:  # Chalice sets it before any view runs
        raise RuntimeError("operation arguments are read inside a request only")
    arguments: dict = {}
    if op.method in _BODY_METHODS and request.raw_body:
        if len(request.raw_body) > _max_body_bytes():
            raise PayloadTooLarge("request body is too large", field="body")
        try:
            body = json.loads(request.raw_body)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidInput(f"body is not valid JSON: {error}", field="body") from None
        except RecursionError:
            raise InvalidInput("body is nested too deeply", field="body") from None
        if not isinstance(body, dict):
            raise InvalidInput("body must be a JSON object", field="body")
        arguments.update(body)
    arguments.update(request.query_params or {})
    arguments.update(path_params)
    return arguments


def _route(op: Operation):
    def view(**path_params):
        started = time.perf_counter()
        request = app.current_request
        request_id = _request_id(request)
        logger.set_correlation_id(request_id)  # for lines logged deeper down (one request per Lambda)
        # the local server runs requests on threads: this request's keys go on its own lines
        keys = {"correlation_id": request_id, "operation": op.name, "principal": None}
        try:
            principal = principal_for(request.headers.get("authorization"), get_settings())
            keys["principal"] = principal.name
            context = context_for(principal.name, principal.roles)
            response = _json(invoke(op.name, context, _arguments(op, path_params)), op.success_status)
        except OperationError as error:
            response = _error(error)
        except Exception:
            logger.exception("operation failed", extra=keys)
            response = _json(
                {"error": {"code": "internal", "message": f"internal error; see the logs for request {request_id}"}},
                500,
            )
        latency_ms = (time.perf_counter() - started) * 1000
        logger.info(
            f"{request.method} {request.path} {response.status_code}",
            extra={**keys, "status": response.status_code, "latency_ms": round(latency_ms, 1)},
        )
        record_api_call(op.name, response.status_code, latency_ms)
        return response

    view.__name__ = op.name
    return view


for _op in CATALOGUE.values():
    app.route(_op.path, methods=[_op.method])(_route(_op))

register_web_app(app)  # the web app under /ui/ (chalicelib/web)


@app.route("/mcp", methods=["POST", "GET", "DELETE"], content_types=["application/json"])
def mcp():
    """MCP Streamable HTTP, stateless with JSON responses: POST only (GET would open an SSE
    stream, DELETE end a session; neither exists here). Same bearer tokens as REST."""
    request = app.current_request
    request_id = _request_id(request)
    logger.set_correlation_id(request_id)
    if request.method != "POST":
        return Response(body="", status_code=405, headers={"Allow": "POST"})
    from chalicelib.mcp.server import handle, origin_allowed, too_large  # lazily: mcp_types is not cheap to import

    headers = {name.lower(): value for name, value in request.headers.items()}
    if not origin_allowed(headers.get("origin"), get_settings().allowed_origins, headers.get("host")):
        return _error(Forbidden("this Origin may not call the MCP endpoint", field="Origin"))
    try:
        principal = principal_for(headers.get("authorization"), get_settings())
    except OperationError as error:
        return _error(error)
    if len(request.raw_body or b"") > _max_body_bytes():
        result = too_large(_max_body_bytes())
    else:
        result = handle(request.raw_body, headers, lambda: context_for(principal.name, principal.roles))
    logger.info(
        f"POST /mcp {result.status}",
        extra={"correlation_id": request_id, "status": result.status, "principal": principal.name},
    )
    return Response(body=result.body, status_code=result.status, headers=result.headers)


@app.route("/health", methods=["GET"])
def health():
    """Open (no token): 200 when the API and its AWS services answer."""
    status = health_status()
    return _json(status, 200 if status["ok"] else 503)


@app.route("/openapi.json", methods=["GET"])
def openapi_json():
    """Open (no token): the OpenAPI 3.1 description generated from the catalogue."""
    from chalicelib.openapi import openapi_document

    return _json(openapi_document(), 200)


@app.route("/docs", methods=["GET"])
def docs():
    """Open (no token): interactive docs (Swagger UI) over /openapi.json."""
    from chalicelib.openapi import docs_page

    return Response(body=docs_page("openapi.json"), status_code=200, headers={"Content-Type": "text/html"})


@app.on_ws_connect()
def websocket_connect(event):
    """Live events (docs/realtime.md): bearer auth on the upgrade request."""
    reply = live_session().connect(event.connection_id, event.to_dict().get("headers") or {})
    return {"statusCode": reply.status, "body": json.dumps(reply.body)}


@app.on_ws_message()
def websocket_message(event):
    """One frame: subscribe / unsubscribe / ping; errors answer with an error frame."""
    live_session().message(event.connection_id, event.to_dict().get("body"))
    return {"statusCode": 200}


@app.on_ws_disconnect()
def websocket_disconnect(event):
    live_session().disconnect(event.connection_id)
    return {"statusCode": 200}


@app.lambda_function(name="run_operation")
@instrumented
def run_operation(event, context):
    """Step Functions task: run one catalogue operation as the workflow's principal.
    Errors propagate as Lambda errors so the state machine's Retry/Catch see them."""
    principal = event.get("principal") or "workflow"
    record_step_run(event["operation"])
    return invoke(event["operation"], context_for(principal), event.get("arguments") or {})


@app.lambda_function(name="workflow_step")
@instrumented
def workflow_step(event, context):
    """Step Functions task of the workflow state machines: one step (list a page, run an
    item through the pause gate, finish, record a failure) as the workflow's principal."""
    from chalicelib.ops.workflow_steps import run_step

    record_step_run(f"workflow_{event.get('step')}")
    return run_step(context_for(event.get("principal") or "workflow"), event)


@app.on_sqs_message(queue=get_settings().upload_queue, batch_size=10)
def on_sqs_message(event):
    """S3 uploads through SQS: each object version validated once; records that fail are
    reported individually (ReportBatchItemFailures), so only they are retried."""
    return _upload_batch(event.to_dict(), event.context)


@instrumented
def _upload_batch(event, context):
    from chalicelib.ops.uploads import handle_upload_batch

    return handle_upload_batch(event, context, context_for("s3-upload"))
