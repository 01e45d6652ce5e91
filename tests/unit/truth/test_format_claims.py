"""TR003 reads format claims as English: direction, subject, word sense and certainty
(issue 11, item 3). Each case is a sentence shape met on official pages."""

from __future__ import annotations

import pytest

from tests.unit.truth.conftest import FRONT, run_rule

PDF_PAGE = "content/pdf/java/page.md"
CELLS_PAGE = "content/cells/java/page.md"


def _claims(registry, sentence: str, family: str = "words", path: str | None = None):
    page = path or {"pdf": PDF_PAGE, "cells": CELLS_PAGE}.get(family, "content/words/java/page.md")
    return [
        (finding.message, finding.at_most)
        for finding in run_rule(registry, "TR003", f"{FRONT}\n{sentence}\n", path=page, family=family)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "## Convert DICOM to PDF",
        "Aspose.PDF can convert CDR and DJVU files to PDF.",
        "You can also convert HEIC images to PDF.",
        "## Convert PostScript to PDF",
        "Convert PDF to XLSM with the ExcelSaveOptions class.",
        "Aspose.PDF for Java can load RTF files.",
        "Export the form fields to JSON in one call.",
        "## Convert PDF/A to standard PDF",
        "Convert PDF to DOC, DOCX, XLSX or PPTX.",
        "Convert PDF to Microsoft Word documents in a few lines.",
    ],
)
def test_documented_pdf_formats_are_supported(registry, sentence):
    assert _claims(registry, sentence, "pdf") == []


def test_convert_pdf_to_powerpoint_loads_pdf_and_saves_powerpoint(registry):
    assert _claims(registry, "## Convert PDF to PowerPoint", "pdf") == []
    assert _claims(registry, "Convert PowerPoint to PDF.", "pdf") == [("Aspose.PDF cannot load PowerPoint", None)]


def test_direction_and_lists_are_read(registry):
    assert _claims(registry, "Convert documents from DOCX to DWG quickly.") == [
        ("Aspose.Words cannot save to DWG", None)
    ]
    assert _claims(registry, "You can convert DWG drawings to PDF.") == [("Aspose.Words cannot load DWG", None)]
    assert _claims(registry, "Convert PDF to DOC, DOCX or DWG.", "pdf") == [("Aspose.PDF cannot save to DWG", None)]
    assert _claims(registry, "Aspose.Words can open STL files.") == [("Aspose.Words cannot load STL", None)]


@pytest.mark.parametrize(
    ("sentence", "family"),
    [
        ("Aspose.Slides can convert PPTX to PDF and PDF to PPTX.", "pdf"),
        ("To convert PPTX to PDF, use Aspose.Slides for Java.", "pdf"),
        ("Open the result in a PDF reader that can open DWG files.", "pdf"),
        ("A PDF viewer can render it to PSD as well.", "pdf"),
        ("WinZip can open ZIP files and save them as RAR.", "words"),
        ("Rename the DOCX file to a ZIP file and open it with WinZip.", "words"),
        ("Microsoft Word can save documents as DWG.", "words"),
        ("You can open the DWG file with AutoCAD.", "words"),
        ("Plugins are needed for Java's ImageIO to load DWG images.", "words"),
        ("Aspose.Words cannot convert DOCX to DWG.", "words"),
        ("Converting DOCX to DWG is not supported.", "words"),
        ("Can I convert DOCX to DWG?", "words"),
        ('Readers ask ("Can I convert DOCX to DWG?") often.', "words"),
    ],
)
def test_sentences_about_other_programs_questions_and_negations_claim_nothing(registry, sentence, family):
    assert _claims(registry, sentence, family) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Convert the numbers to text before saving.",
        "The API can save numbers as dates or text.",
        "Export the key to one file.",
        "Read the pages and save them to the database.",
    ],
)
def test_english_words_are_not_formats(registry, sentence):
    assert _claims(registry, sentence, "pdf") == []


def test_an_ambiguous_word_with_a_format_noun_is_a_format(registry):
    assert _claims(registry, "Aspose.PDF can load Apple Numbers files too.", "pdf") == [
        ("Aspose.PDF cannot load Apple Numbers", None)
    ]
    assert _claims(registry, "Cells can save spreadsheets as Numbers files.", "cells") == []


def test_an_uncertain_claim_is_at_most_a_warning(registry):
    [(message, at_most)] = _claims(registry, "You can write the result in DWG.")
    assert (message, at_most) == ("Aspose.Words cannot save to DWG (if this sentence claims it)", "warning")


def test_a_format_only_the_page_platform_lacks_is_a_warning_naming_the_platform_product(registry):
    sentence = "You can load PDF files and save them as DOCX."
    assert _claims(registry, sentence, path="content/words/java/page.md") == []
    assert _claims(registry, sentence, path="content/words/cpp/page.md") == [
        ("Aspose.Words for C++ cannot load PDF", "warning")
    ]


def test_claim_inside_inline_code_or_a_link_destination_is_quiet(registry):
    assert _claims(registry, "Run `convert DOCX to DWG` or see [this](https://x.org/convert-docx-to-dwg).") == []
