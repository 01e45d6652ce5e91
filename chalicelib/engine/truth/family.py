"""Which product family a page is about: explicit choice, front matter, then evidence.

Evidence comes from the tables themselves (product names, namespaces), so adding a
family needs no code here. `family_evidence` also tells which other families a page
mentions, so truth checks can run for each of them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.truth.errors import UnknownFamilyError

if TYPE_CHECKING:
    from chalicelib.engine.truth.loader import TruthRegistry
    from chalicelib.engine.truth.table import TruthTable

_PATH_WEIGHT = 4
_FRONT_MATTER_WEIGHT = 4
_NAMESPACE_WEIGHT = 2
_MENTION_WEIGHT = 1
_MENTION_CAP = 3
_FRONT_MATTER_KEYS = ("second_title", "title", "product", "products", "categories", "url")
# The page's evidence in the check context's memo: the pipeline works it out once to choose the
# family, and the truth analysis reuses it to find the other families the page mentions.
EVIDENCE_MEMO = "truth.family_evidence"


def _markers(table: TruthTable) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """(path markers, product name, namespaces), lower-cased."""

    def build() -> tuple[tuple[str, ...], str, tuple[str, ...]]:
        product = table.spec.product_name.lower()
        slug = re.sub(r"[^a-z0-9]+", "-", product).strip("-")
        path_markers = (f"/{table.family}/", slug)
        namespaces = {
            namespace.lower() for platform in table.spec.platforms.values() for namespace in platform.namespaces
        }
        namespaces.discard(product)
        return path_markers, product, tuple(sorted(namespaces))

    return table.cached("family-markers", build)


def _front_matter_text(doc: ParsedDocument) -> str:
    data = doc.front_matter.data or {}
    return " ".join(str(data[key]) for key in _FRONT_MATTER_KEYS if key in data).lower()


def family_evidence(doc: ParsedDocument, registry: TruthRegistry) -> dict[str, int]:
    """Score per family with any evidence on the page (path, front matter, code, prose)."""
    path = (doc.path or "").replace("\\", "/").lower()
    front = _front_matter_text(doc)
    body = doc.text[doc.front_matter.end_offset :].lower()
    scores: dict[str, int] = {}
    for family in registry.families:
        path_markers, product, namespaces = _markers(registry.tables[family])
        score = 0
        if any(marker in path for marker in path_markers):
            score += _PATH_WEIGHT
        if product in front:
            score += _FRONT_MATTER_WEIGHT
        if any(namespace in body for namespace in namespaces):
            score += _NAMESPACE_WEIGHT
        score += min(body.count(product), _MENTION_CAP) * _MENTION_WEIGHT
        if score:
            scores[family] = score
    return scores


def select_family(
    doc: ParsedDocument, explicit: str | None, registry: TruthRegistry, evidence: dict[str, int] | None = None
) -> str | None:
    """Explicit parameter, else front matter `family:`, else the best-supported family
    (`evidence`: the page's `family_evidence`, when already worked out)."""
    if explicit:
        family = explicit.strip().lower()
        if registry.get(family) is None:
            raise UnknownFamilyError(explicit, registry.families)
        return family
    declared = (doc.front_matter.data or {}).get("family")
    if isinstance(declared, str) and registry.get(declared.strip().lower()) is not None:
        return declared.strip().lower()
    scores = family_evidence(doc, registry) if evidence is None else evidence
    if not scores:
        return None
    return max(sorted(scores), key=lambda family: scores[family])
