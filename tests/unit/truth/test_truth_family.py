"""Family selection: explicit parameter, front matter `family:`, then page evidence."""
from __future__ import annotations

import pytest

from chalicelib.engine.truth import UnknownFamilyError, select_family
from tests.unit.truth.conftest import page


def test_explicit_family_wins_over_evidence(registry):
    doc = page("Use com.aspose.words here.", path="/docs/words/x.md")
    other = next(family for family in registry.families if family != "words") if len(registry.families) > 1 else "words"
    assert select_family(doc, other, registry) == other


def test_unknown_explicit_family_lists_the_known_ones(registry):
    with pytest.raises(UnknownFamilyError) as raised:
        select_family(page("text"), "wordz", registry)
    assert isinstance(raised.value, ValueError)
    assert "'wordz'" in str(raised.value)
    assert ", ".join(registry.families) in str(raised.value)


def test_front_matter_family_is_used(registry):
    doc = page("Plain text.", front={"family": "words", "title": "x"})
    assert select_family(doc, None, registry) == "words"


def test_unknown_front_matter_family_falls_back_to_evidence(registry):
    doc = page("Plain text.", path="content/aspose-words-java/x.md", front={"family": "nonsense"})
    assert select_family(doc, None, registry) == "words"


def test_path_marks_the_family(registry):
    assert select_family(page("Plain text."), None, registry) is None
    assert select_family(page("Plain text.", path="site/words/java/page.md"), None, registry) == "words"


def test_second_title_marks_the_family(registry):
    doc = page("Plain text.", front={"second_title": "Aspose.Words for Java"})
    assert select_family(doc, None, registry) == "words"


def test_namespace_in_code_marks_the_family(registry):
    doc = page("```java\nimport com.aspose.words.Document;\n```")
    assert select_family(doc, None, registry) == "words"
