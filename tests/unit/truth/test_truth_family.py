"""Family selection: explicit parameter, front matter `family:`, then page evidence."""

from __future__ import annotations

import pytest

from chalicelib.engine.parse import parse_document
from chalicelib.engine.truth import UnknownFamilyError, select_family


def test_explicit_family_wins_over_evidence(registry):
    doc = parse_document("Use `com.aspose.words` here.\n", "docs/words/x.md")
    assert select_family(doc, "cells", registry) == "cells"


def test_unknown_explicit_family_lists_the_known_ones(registry):
    with pytest.raises(UnknownFamilyError) as raised:
        select_family(parse_document("text\n"), "wordz", registry)
    assert isinstance(raised.value, ValueError)
    assert "'wordz'" in str(raised.value)
    assert ", ".join(registry.families) in str(raised.value)


def test_front_matter_family_is_used(registry):
    doc = parse_document("---\nfamily: cells\ntitle: x\n---\nAspose.Words text.\n", "docs/words/x.md")
    assert select_family(doc, None, registry) == "cells"


def test_unknown_front_matter_family_falls_back_to_evidence(registry):
    doc = parse_document("---\nfamily: nonsense\n---\nPlain text.\n", "content/aspose-words-java/x.md")
    assert select_family(doc, None, registry) == "words"


def test_page_without_evidence_has_no_family(registry):
    assert select_family(parse_document("Plain text.\n", "notes/x.md"), None, registry) is None


def test_path_marks_the_family(registry):
    assert select_family(parse_document("Plain text.\n", "site/words/java/page.md"), None, registry) == "words"


def test_second_title_marks_the_family(registry):
    doc = parse_document("---\nsecond_title: Aspose.Cells for Java\n---\nPlain text.\n")
    assert select_family(doc, None, registry) == "cells"


def test_namespace_in_code_marks_the_family(registry):
    doc = parse_document("```java\nimport com.aspose.slides.Presentation;\n```\n")
    assert select_family(doc, None, registry) == "slides"
