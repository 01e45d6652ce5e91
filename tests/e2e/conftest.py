"""The local stack started the way `make run` starts it, on free ports, over HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    process: subprocess.Popen
    api_port: int
    aws_port: int
    ws_port: int
    output: Any = None  # the stack's console (stdout and stderr), a temporary file

    def console(self) -> str:
        """Everything the stack printed so far."""
        self.output.flush()
        self.output.seek(0)
        return self.output.read()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}"

    @property
    def aws_url(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def request(self, method: str, path: str, body=None, token: str | None = TOKEN):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=180) as response:
                return response.status, json.loads(response.read() or b"null"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null"), dict(error.headers)


def start_stack(state_dir: Path | None = None, settings: dict[str, str] | None = None) -> Stack:
    """A stack on free ports; its data in memory, or kept in `state_dir` across restarts;
    `settings`: TBCV_ variables the user would set (e.g. TBCV_API_TOKENS)."""
    api_port, aws_port, ws_port = free_port(), free_port(), free_port()
    ports = {"TBCV_PORT": str(api_port), "TBCV_AWS_PORT": str(aws_port), "TBCV_WS_PORT": str(ws_port)}
    env = {**os.environ, **ports, "TBCV_API_TOKEN": TOKEN}
    for name in list(env):
        if name.startswith("TBCV_") and name not in (*ports, "TBCV_API_TOKEN"):
            del env[name]  # the stack sets its own resource names
    env.update(settings or {})
    if state_dir is None:
        env["TBCV_STATE"] = "memory"
    else:
        env["TBCV_STATE_DIR"] = str(state_dir)
    # a file, not a pipe: nobody reads a pipe while the stack runs, and a full one blocks
    # every thread of the stack that logs
    output = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (open while the stack runs; Stack.console reads it)
    process = subprocess.Popen(
        [sys.executable, "-m", "local_aws.run"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    stack = Stack(process, api_port, aws_port, ws_port, output)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            raise AssertionError(f"the stack exited early:\n{output.read()}")
        try:
            if stack.request("GET", "/health", token=None)[0] == 200:
                return stack
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.3)
    stop_stack(stack)
    raise AssertionError("the stack did not become healthy within 180 s")


def stop_stack(stack: Stack) -> int:
    if stack.process.poll() is None:
        os.killpg(stack.process.pid, signal.SIGINT)
    try:
        return stack.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(stack.process.pid, signal.SIGKILL)
        return stack.process.wait()


@pytest.fixture(scope="module")
def stack():
    started = start_stack()
    yield started
    stop_stack(started)
