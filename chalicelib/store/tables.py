"""Which DynamoDB table each model lives in, decided when a repository is built.

The PynamoDB models of this package declare attributes, keys and indexes only, plus
`TABLE`: the field of `TableNames` that names their table. A repository receives the
deployment's `TableNames` (the composition root, `chalicelib.runtime`, makes them from the
settings) and works with `tables.bind(Model)`, the model's class for that table. Nothing in
the store reads the settings at import, so modules can be imported in any order and a
test can build repositories on tables of its own."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any, TypeVar

from pynamodb.models import Model

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class TableNames:
    region: str
    validations: str
    audit: str
    recommendations: str
    enhancements: str
    system: str
    workflows: str
    workflow_items: str
    uploads: str
    connections: str

    @classmethod
    def of(cls, settings: Any) -> TableNames:
        """The tables the settings name (`TBCV_<NAME>_TABLE`, `TBCV_REGION`)."""
        names = {f.name: getattr(settings, f"{f.name}_table") for f in fields(cls) if f.name != "region"}
        return cls(region=settings.region, **names)

    def bind(self, model: type[M]) -> type[M]:
        """`model` on its table of this deployment."""
        table = model.TABLE  # type: ignore[attr-defined]  # every stored model declares TABLE
        return _bound(model, getattr(self, table), self.region)


@cache
def _bound(model: type[M], table_name: str, region: str) -> type[M]:
    """One class per (model, table, region): PynamoDB keeps a connection (a botocore client,
    ~0.2 s to make) per class, so rebuilding repositories reuses it."""
    meta = type("Meta", (), {"table_name": table_name, "region": region})
    return type(model.__name__, (model,), {"Meta": meta, "__module__": model.__module__})
