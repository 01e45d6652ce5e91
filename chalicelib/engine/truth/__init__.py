"""Truth tables: what each product family really is (names, plugins, APIs, formats), and
the checks and plugin detection built on them.

`load_truth_registry` reads config/truth/*.yaml (schema-checked); `select_family`
chooses a page's family; `detect_plugins` returns a page's plugin detections. The truth
rules live in `chalicelib.engine.truth.rules` (registered by `chalicelib.engine.rules`).
"""

from chalicelib.engine.truth.detect import aggregate, detect_plugins, page_truth
from chalicelib.engine.truth.errors import TruthTableError, UnknownFamilyError
from chalicelib.engine.truth.family import family_evidence, select_family
from chalicelib.engine.truth.loader import TruthRegistry, load_table, load_truth_registry
from chalicelib.engine.truth.table import TruthTable

__all__ = [
    "TruthRegistry",
    "TruthTable",
    "TruthTableError",
    "UnknownFamilyError",
    "aggregate",
    "detect_plugins",
    "family_evidence",
    "load_table",
    "load_truth_registry",
    "page_truth",
    "select_family",
]
