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
    """Every PynamoDB model the store's modules declare (each names its table with `TABLE`,
    which must be in infra/template.json; tests/unit/test_template.py compares them)."""
    from pynamodb.models import Model

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return sorted(_declared(Model), key=lambda m: m.__name__)


def _declared(cls: type[Model]) -> set[type[Model]]:
    """Subclasses that declare `TABLE` themselves (not the classes `TableNames.bind` makes)."""
    found: set[type[Model]] = set()
    for sub in cls.__subclasses__():
        if "TABLE" in vars(sub):
            found.add(sub)
        found |= _declared(sub)
    return found
