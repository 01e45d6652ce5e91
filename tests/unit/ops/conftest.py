"""The fast tier of the operation tests: every port is an in-memory fake (tests/fakes.py)."""

from __future__ import annotations

import pytest

from chalicelib.ops import invoke
from tests.fakes import FakeWorld


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld()


@pytest.fixture
def call(world):
    """Run an operation through the catalogue as an admin (`tester`), like every entry point."""

    def run(name: str, **arguments):
        return invoke(name, world.context(), arguments)

    return run
