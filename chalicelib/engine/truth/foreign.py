"""Code that is not meant to be checked against the product's API.

Two kinds:

- Other libraries' code. Comparison and migration pages show Office interop/VSTO,
  the OpenXML SDK, Apache POI, docx4j, PDFBox, iText, NPOI, EPPlus, python-docx,
  openpyxl ... next to the product's code. Such a block names its library (an import, a
  namespace, a hallmark class) or sits under a heading or lead-in that names it and not
  the product; nothing in it is product API.
- Legacy API shown on purpose. A page about migration or API changes, a section headed
  "Legacy API", "Deprecated methods", "Migration ..." or a block introduced as "the old
  way" presents names that no longer exist; unknown names there are advice (info), not
  errors or warnings.

Markers are plain substrings (found with one combined regex of literals, so the scan is
linear); the lists are about libraries, never about the product's own names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from chalicelib.engine.document import CodeBlock, ParsedDocument

FOREIGN_MARKERS = (
    # Office interop / VSTO / COM automation
    "Microsoft.Office.Interop",
    "Microsoft.Office.Core",
    "Microsoft.Office.Tools",
    "Globals.ThisAddIn",
    "ThisAddIn",
    "ThisDocument",
    "ThisWorkbook",
    "ActiveDocument",
    "ActiveWorkbook",
    "ActivePresentation",
    "ActiveSheet",
    "Type.Missing",
    "Missing.Value",
    "ref missing",
    "ApplicationClass",
    "Marshal.ReleaseComObject",
    "Marshal.FinalReleaseComObject",
    "CreateObject(",
    "win32com",
    "comtypes.client",
    "MsoTriState",
    "WdSaveFormat",
    "XlFileFormat",
    "PpSaveAsFileType",
    "Word.Application",
    "Excel.Application",
    "PowerPoint.Application",
    "Interop.Word",
    "Interop.Excel",
    "Interop.PowerPoint",
    # OpenXML SDK and other .NET libraries
    "DocumentFormat.OpenXml",
    "WordprocessingDocument",
    "SpreadsheetDocument",
    "PresentationDocument",
    "MainDocumentPart",
    "WorkbookPart",
    "PresentationPart",
    "OfficeOpenXml",
    "ExcelPackage",
    "ClosedXML",
    "XLWorkbook",
    "NPOI.",
    "iTextSharp",
    "itextsharp",
    "PdfSharp",
    "Spire.",
    "GemBox.",
    "Syncfusion.",
    "Xceed.",
    "DocX.Create",
    "DocX.Load",
    # Java libraries
    "org.apache.poi",
    "XWPFDocument",
    "XSSFWorkbook",
    "HSSFWorkbook",
    "SXSSFWorkbook",
    "HWPFDocument",
    "XMLSlideShow",
    "HSLFSlideShow",
    "WorkbookFactory",
    "org.docx4j",
    "WordprocessingMLPackage",
    "Docx4J",
    "org.apache.pdfbox",
    "PDDocument",
    "com.itextpdf",
    "com.lowagie",
    "PdfStamper",
    "org.odftoolkit",
    "jxl.",
    # Python, JavaScript and PHP libraries
    "import docx",
    "from docx",
    "import openpyxl",
    "from openpyxl",
    "from pptx",
    "import pptx",
    "import xlsxwriter",
    "import PyPDF2",
    "from PyPDF2",
    "import fitz",
    "from reportlab",
    "require('exceljs')",
    'require("exceljs")',
    "require('xlsx')",
    'require("xlsx")',
    "require('docx')",
    'require("docx")',
    "require('pdf-lib')",
    'require("pdf-lib")',
    "from 'exceljs'",
    'from "exceljs"',
    "from 'docx'",
    'from "docx"',
    "PhpOffice\\",
    "PHPExcel",
)


def _any_of(markers: tuple[str, ...]) -> str:
    """A regex finding any of the literal markers, written as a prefix tree (markers sharing a
    start share one branch), so each position of the text costs a few character compares
    rather than one per marker. A marker that is a prefix of others ends its branch: only
    whether some marker occurs matters."""
    tree: dict[str, Any] = {}
    for marker in markers:
        node = tree
        for char in marker:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        if "" in node:
            return ""
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items())]
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    return branch(tree)


_FOREIGN = re.compile(_any_of(FOREIGN_MARKERS))

_LEGACY_HEADING = re.compile(
    r"\b(?:legacy|deprecated|obsolete|outdated|old(?:er)?\s+(?:api|apis|version|versions|way|approach|code|method|methods)|"
    r"previous\s+(?:api|version|versions)|migrat\w*|no\s+longer\s+(?:supported|available)|removed\s+(?:api|methods?)|"
    r"api\s+changes)\b"
)
_LEGACY_PATH = re.compile(r"migrat|api-changes|legacy|deprecated|obsolete")
_LEGACY_LEAD_IN = re.compile(
    r"\b(?:legacy|deprecated|obsolete|outdated|old(?:er)?\s+(?:api|apis|version|way|approach|code|method|methods|style)|"
    r"previous\s+(?:api|apis|versions?|releases?)|before\s+(?:version|release|the\s+(?:change|update|migration))|"
    r"prior\s+to\s+(?:version|release)|no\s+longer\s+(?:supported|available)|used\s+to\s+be|"
    r"(?:was|were|has\s+been|have\s+been)\s+replaced)\b"
)
# These patterns are matched against lower-cased text (without re.I the regex engine skips a
# branch on its first character, so a scan costs a compare per position, not one per word).
# A heading or lead-in that names another library (and not the product) introduces its code.
_OTHER_LIBRARY = re.compile(
    r"\b(?:apache\s+poi|poi|hssf|xssf|xwpf|hwpf|hslf|docx4j|open\s*xml(?:\s+sdk)?|interop|vsto|office\s+automation|"
    r"itext(?:sharp)?|pdfbox|npoi|epplus|closedxml|openpyxl|python-docx|python-pptx|spire|gembox|syncfusion|jxl|"
    r"jexcel|pdfsharp|xlsxwriter)\b"
)
_PRODUCT = re.compile(r"\baspose\b")
LEAD_IN_LINES = 3  # prose lines before a block that can introduce it
LEGACY, FOREIGN = "legacy", "foreign"


def is_foreign_code(code: str) -> bool:
    """The block names another library (its imports, namespaces or hallmark classes)."""
    return _FOREIGN.search(code) is not None


def block_roles(doc: ParsedDocument) -> dict[int, str]:
    """Start line -> role for blocks not to be checked as the product's current API:
    LEGACY where the page (title, path), a heading above the block or the prose just before
    it presents legacy or deprecated API; FOREIGN where the heading above the block or its
    lead-in names another library and not the product (comparison pages)."""
    data = doc.front_matter.data or {}
    title = " ".join(str(data.get(key) or "") for key in ("title", "linktitle")).lower()
    blocks = sorted(doc.code_blocks, key=lambda block: block.start_line)
    if _LEGACY_HEADING.search(title) or _LEGACY_PATH.search((doc.path or "").lower()):
        return dict.fromkeys((block.start_line for block in blocks), LEGACY)
    roles: dict[int, str] = {}
    legacy: dict[str, bool] = {}  # heading text -> verdict: a heading is tested once, not per block
    other_library: dict[str, bool] = {}
    headings = sorted(doc.headings, key=lambda heading: heading.line)
    path: list[tuple[int, str]] = []  # (level, text) of the open sections
    index = 0
    for block in blocks:
        while index < len(headings) and headings[index].line < block.start_line:
            heading = headings[index]
            while path and path[-1][0] >= heading.level:
                path.pop()
            path.append((heading.level, heading.text.lower()))
            index += 1
        lead_in = _lead_in(doc, block).lower()
        innermost = path[-1][1] if path else ""
        if any(_heading_is(text, legacy, _is_legacy_heading) for _, text in path) or _LEGACY_LEAD_IN.search(lead_in):
            roles[block.start_line] = LEGACY
        elif _names_other_library(lead_in) or (
            not _PRODUCT.search(lead_in) and _heading_is(innermost, other_library, _names_other_library)
        ):
            roles[block.start_line] = FOREIGN
    return roles


def _heading_is(text: str, verdicts: dict[str, bool], test: Callable[[str], bool]) -> bool:
    verdict = verdicts.get(text)
    if verdict is None:
        verdict = verdicts[text] = test(text)
    return verdict


def _is_legacy_heading(text: str) -> bool:
    return _LEGACY_HEADING.search(text) is not None


def _names_other_library(text: str) -> bool:
    return bool(_OTHER_LIBRARY.search(text)) and not _PRODUCT.search(text)


def _lead_in(doc: ParsedDocument, block: CodeBlock) -> str:
    """Up to LEAD_IN_LINES prose lines just before the block (nearest first), joined."""
    lines: list[str] = []
    number = block.start_line - 1
    while number >= 1 and len(lines) < LEAD_IN_LINES:
        line = doc.lines[number - 1]
        if line.strip():
            if not doc.is_prose_line(number):
                break
            lines.append(line)
        number -= 1
    return "\n".join(lines)
