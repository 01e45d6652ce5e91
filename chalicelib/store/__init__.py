"""Persistence: the only package that imports PynamoDB (enforced by import-linter).

Operations see repositories and plain records, never PynamoDB models, so they can be
unit-tested with in-memory fakes and the table layout can change behind them.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pynamodb.models import Model


def all_models() -> list[type]:
    """Every PynamoDB model of the store's modules (each must have a table in
    infra/template.json; tests/unit/test_template.py compares them)."""
    from pynamodb.models import Model

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return sorted(_subclasses(Model), key=lambda m: m.__name__)


def _subclasses(cls: type[Model]) -> set[type[Model]]:
    found: set[type[Model]] = set()
    for sub in cls.__subclasses__():
        if getattr(sub, "Meta", None) is not None and hasattr(sub.Meta, "table_name"):
            found.add(sub)
        found |= _subclasses(sub)
    return found
