"""`make run`: the local stack on 127.0.0.1 (API :8000, WebSocket API :8001, local AWS
:4566; TBCV_PORT, TBCV_WS_PORT and TBCV_AWS_PORT move them), the sample pages of examples/ validated, then serve until
SIGINT/SIGTERM, which stops everything it started."""

from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN_FILE = ROOT / ".tbcv" / "token"


def _token() -> str:
    """TBCV_API_TOKEN when the user set it, else a new one; written to .tbcv/token, which is
    created private (0600) so the token is never readable by others, not even briefly."""
    token = os.environ.get("TBCV_API_TOKEN") or secrets.token_urlsafe(24)
    TOKEN_FILE.parent.mkdir(mode=0o700, exist_ok=True)
    descriptor = os.open(TOKEN_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file keeps its mode through O_TRUNC
    with os.fdopen(descriptor, "w") as out:
        out.write(token + "\n")
    os.environ["TBCV_API_TOKEN"] = token
    return token


def _validate_examples() -> list[str]:
    """Validate every sample page through the catalogue, as the `make run` principal."""
    from chalicelib.ops import invoke
    from chalicelib.runtime import context_for

    lines = []
    for page in sorted((ROOT / "examples").glob("*.md")):
        result = invoke(
            "validate_content",
            context_for("make-run"),
            {"content": page.read_text(encoding="utf-8"), "path": f"examples/{page.name}"},
        )
        counts = result["counts"]
        lines.append(
            f"  {page.name:<32} {result['outcome']:<8} {counts['error']} errors, "
            f"{counts['warning']} warnings  (validation {result['validation_id']})"
        )
    return lines


def state_dir() -> Path | None:
    """Where the stack keeps its data: `TBCV_STATE_DIR` (default `.tbcv/state`), or
    nowhere when `TBCV_STATE=memory` (throwaway runs and tests)."""
    mode = os.environ.get("TBCV_STATE", "disk")
    if mode not in ("disk", "memory"):
        raise SystemExit(f"TBCV_STATE must be 'disk' or 'memory', not {mode!r}")
    if mode == "memory":
        return None
    return Path(os.environ.get("TBCV_STATE_DIR") or ROOT / ".tbcv" / "state").resolve()


def main() -> int:
    from local_aws.stack import LocalStack
    from local_aws.state import StateError

    api_port = int(os.environ.get("TBCV_PORT", "8000"))
    aws_port = int(os.environ.get("TBCV_AWS_PORT", "4566"))
    ws_port = int(os.environ.get("TBCV_WS_PORT", "8001"))
    _token()
    os.environ.setdefault("TBCV_METRICS_FILE", str(ROOT / ".tbcv" / "metrics.jsonl"))  # TBCV_METRICS_FILE= prints them
    stack = LocalStack(api_port=api_port, aws_port=aws_port, ws_port=ws_port, state_dir=state_dir())
    try:
        stack.start()
    except StateError as error:
        stack.stop()
        print(f"cannot start: the local state is unusable: {error}", file=sys.stderr)
        print("  move that directory away (or set TBCV_STATE=memory) and start again", file=sys.stderr)
        return 2
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    try:
        restored = stack.restored
        fresh = restored is None or restored.empty
        examples = _validate_examples() if fresh else []  # a restored stack has its samples already
        stack.serve_api()
        print("TBCV local stack is up", flush=True)
        print(f"  API:        {stack.api_url}  (health: {stack.api_url}/health)")
        print(f"  MCP:        {stack.api_url}/mcp")
        print(f"  OpenAPI:    {stack.api_url}/openapi.json  (interactive: {stack.api_url}/docs)")
        print(f"  Events:     {stack.ws_url}  (WebSocket; docs/realtime.md)")
        print(f"  Local AWS:  {stack.endpoint_url}")
        print(f"  Token:      in {TOKEN_FILE.relative_to(ROOT)} (private; the CLI reads it)")
        if os.environ["TBCV_METRICS_FILE"]:
            print(f"  Metrics:    {os.environ['TBCV_METRICS_FILE']} (EMF lines)")
        if stack.state_dir is None:
            print("  Data:       in memory only (TBCV_STATE=memory)")
        else:
            print(f"  Data:       {stack.state_dir}")
        if fresh:
            print("  Sample pages validated:")
            print("\n".join(examples), flush=True)
        else:
            print(f"  Restored:   {restored.items} items, {restored.objects} object versions ({restored.snapshot})")
        print("Press Ctrl+C to stop.", flush=True)
        stopped.wait()
    finally:
        stack.stop()
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
