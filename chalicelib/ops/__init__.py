"""The operations (docs/api.md lists them all), one module per category; importing this package registers
them all in `chalicelib.ops.catalogue.CATALOGUE`."""

from chalicelib.ops import (  # noqa: F401  (registers the operations)
    admin,
    approval,
    document,
    enhancement,
    query,
    recommendation,
    validation,
    workflow,  # noqa: F401  (workflow category, validate_folder, revalidate)
)
from chalicelib.ops.catalogue import CATALOGUE, invoke

__all__ = ["CATALOGUE", "invoke"]
