"""Plugin detection: methods, confidences, aggregation, families, and bounded work on bad input."""

from __future__ import annotations

import signal
from contextlib import contextmanager

from chalicelib.engine.model import Detection
from chalicelib.engine.truth import aggregate, detect_plugins
from chalicelib.engine.validate import validate_document
from tests.unit.truth.conftest import FRONT, context, java_block

GENEROUS_SECONDS = 30


@contextmanager
def hang_guard(seconds: int = GENEROUS_SECONDS):
    """Fail instead of hanging forever (a guard, not a timing assertion)."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _detections(registry, text: str, path: str | None = "content/words/java/page.md") -> list[Detection]:
    return detect_plugins(context(registry, text, path))


def _by_plugin(detections: list[Detection]) -> dict[str, list[Detection]]:
    grouped: dict[str, list[Detection]] = {}
    for detection in detections:
        grouped.setdefault(detection.plugin, []).append(detection)
    return grouped


def test_plugin_name_in_prose_is_an_exact_detection_with_its_position(registry):
    found = _by_plugin(_detections(registry, FRONT + "\nFill letters with Mail Merge.\n"))["mail_merge"]
    assert [(d.method, d.confidence, d.matched, d.line, d.column, d.family) for d in found] == [
        ("exact", 1.0, "Mail Merge", 6, 19, "words")
    ]


def test_alias_in_prose_is_an_alias_detection(registry):
    found = _by_plugin(_detections(registry, FRONT + "\nThe Reporting Engine builds reports.\n"))
    assert [(d.method, d.confidence) for d in found["linq_reporting"]] == [("alias", 0.9)]


def test_near_miss_of_a_camel_case_name_is_a_fuzzy_detection(registry):
    found = _by_plugin(_detections(registry, FRONT + "\nCreate a DocumentBuilde first.\n"))
    [detection] = found["document_builder"]
    assert detection.method == "fuzzy" and 0.6 < detection.confidence < 0.8


def test_short_aliases_and_common_words_are_never_matched_fuzzily(registry):
    text = FRONT + "\nA document with a table, a field and a chart: Documents, Tables, Charts.\n"
    assert _detections(registry, text) == []


def test_api_use_in_code_is_an_api_detection(registry):
    text = java_block("Document doc = new Document();\nDocumentBuilder builder = new DocumentBuilder(doc);")
    found = _by_plugin(_detections(registry, text))
    assert {d.method for d in found["document_builder"]} == {"api"}
    assert found["document_builder"][0].matched == "DocumentBuilder"


def test_noisy_or_combines_confidences_per_plugin():
    detections = [
        Detection("p", "words", "a", 1, 1, "alias", 0.5),
        Detection("p", "words", "b", 2, 1, "api", 0.5),
        Detection("q", "words", "c", 3, 1, "fuzzy", 0.7),
    ]
    assert aggregate(detections) == {"p": 0.75, "q": 0.7}


def test_combination_trigger_raises_the_members_confidence(registry):
    code = "Document doc = new Document();\ndoc.save(stream, new PdfSaveOptions());"
    found = _by_plugin(_detections(registry, java_block(code)))
    boosts = [d for d in found["pdf_conversion"] if d.confidence == 0.15]
    assert boosts and boosts[0].matched == "new PdfSaveOptions"
    assert any(d.confidence == 0.15 for d in found["document"])


def test_each_mentioned_family_gets_its_own_detections(registry):
    text = FRONT + (
        "\nAspose.Cells and Aspose.Cells again: build a Pivot Table, then use Mail Merge in Aspose.Words.\n"
    )
    families = {(d.family, d.plugin) for d in _detections(registry, text)}
    assert ("words", "mail_merge") in families and ("cells", "pivot_tables") in families


def test_detections_are_reported_with_the_family(registry):
    report = validate_document(FRONT + "\nUse Mail Merge.\n", path="x.md", family="words")
    assert report.family == "words"
    assert [(d.plugin, d.line) for d in report.detections] == [("mail_merge", 6)]


def test_page_without_family_has_no_detections(registry):
    assert detect_plugins(context(registry, "Use Mail Merge.\n", path=None, family=None)) == []


def test_huge_code_fence_is_handled(registry):
    code = "\n".join(f'doc.getFirstSection().getBody().appendParagraph("line {n}");' for n in range(50_000))
    with hang_guard():
        report = validate_document(java_block("Document doc = new Document();\n" + code), path="x.md", family="words")
    assert report.family == "words"


def test_one_megabyte_line_is_handled(registry):
    line = "Aspose.Words converts " + "DOCX to PDF and (" * 60_000
    with hang_guard():
        report = validate_document(
            FRONT + "\n" + line + "\n\n```java\nDocument d = new Document(" + "(" * 500_000 + "\n```\n",
            path="x.md",
            family="words",
        )
    assert report.family == "words"


def test_product_class_named_in_prose_is_an_api_detection_of_its_plugin(registry):
    found = _by_plugin(_detections(registry, FRONT + "\nConfigure the OutlineOptions object.\n"))
    assert [(d.method, d.confidence, d.matched) for d in found["save_options"]] == [("api", 0.8, "OutlineOptions")]


def test_specific_single_word_plugin_names_are_detected(registry):
    found = _by_plugin(_detections(registry, FRONT + "\nAdd a watermark to every page.\n"))
    assert [(d.method, d.matched) for d in found["watermark"]] == [("exact", "watermark")]
