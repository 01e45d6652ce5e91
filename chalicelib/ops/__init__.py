"""The operations of SPEC §7, one module per category; importing this package registers
them all in `chalicelib.ops.catalogue.CATALOGUE`."""
from chalicelib.ops import validation  # noqa: F401  (registers the operations)
from chalicelib.ops import admin, query  # noqa: F401  (admin and query categories)
from chalicelib.ops.catalogue import CATALOGUE, invoke

__all__ = ["CATALOGUE", "invoke"]
