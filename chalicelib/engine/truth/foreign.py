"""Code that is not meant to be checked against the product's API.

Two kinds:

- Other libraries' code. Comparison and migration pages show Office interop/VSTO,
  the OpenXML SDK, Apache POI, docx4j, PDFBox, iText, NPOI, EPPlus, python-docx,
  openpyxl ... next to the product's code. Such a block names its library (an import, a
  namespace, a hallmark class); when it does not also import the product, nothing in it
  is product API.
- Legacy API shown on purpose. A section headed "Legacy API", "Deprecated methods",
  "Migration ..." or a block introduced as "the old way" presents names that no longer
  exist; unknown names there are advice (info), not errors or warnings.

Markers are plain substrings (found with one combined regex of literals, so the scan is
linear); the lists are about libraries, never about the product's own names.
"""

from __future__ import annotations

import re

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
_FOREIGN = re.compile("|".join(re.escape(marker) for marker in FOREIGN_MARKERS))

_LEGACY_HEADING = re.compile(
    r"\b(?:legacy|deprecated|obsolete|outdated|old(?:er)?\s+(?:api|apis|version|versions|way|approach|code|method|methods)|"
    r"previous\s+(?:api|version|versions)|migrat\w*|no\s+longer\s+(?:supported|available)|removed\s+(?:api|methods?))\b",
    re.I,
)
_LEGACY_LEAD_IN = re.compile(
    r"\b(?:legacy|deprecated|obsolete|outdated|old(?:er)?\s+(?:api|apis|version|way|approach|code|method|methods|style)|"
    r"previous\s+(?:api|apis|versions?|releases?)|before\s+(?:version|release|the\s+(?:change|update|migration))|prior\s+to\s+(?:version|release)|"
    r"no\s+longer\s+(?:supported|available)|used\s+to\s+be|was\s+replaced|were\s+replaced|has\s+been\s+replaced)\b",
    re.I,
)
LEAD_IN_LINES = 3  # prose lines before a block that can introduce it as legacy code


def is_foreign_code(code: str) -> bool:
    """The block names another library (its imports, namespaces or hallmark classes)."""
    return _FOREIGN.search(code) is not None


def legacy_blocks(doc: ParsedDocument) -> set[int]:
    """Start lines of the blocks that present legacy or deprecated API on purpose: the
    page is about it (title), a heading above the block says so, or the prose just before
    the block introduces it as the old way."""
    data = doc.front_matter.data or {}
    title = " ".join(str(data.get(key) or "") for key in ("title", "linktitle"))
    blocks = doc.code_blocks
    if _LEGACY_HEADING.search(title):
        return {block.start_line for block in blocks}
    legacy: set[int] = set()
    headings = sorted(doc.headings, key=lambda heading: heading.line)
    path: list[tuple[int, bool]] = []  # (level, legacy) of the open sections
    index = 0
    for block in sorted(blocks, key=lambda block: block.start_line):
        while index < len(headings) and headings[index].line < block.start_line:
            heading = headings[index]
            while path and path[-1][0] >= heading.level:
                path.pop()
            path.append((heading.level, bool(_LEGACY_HEADING.search(heading.text))))
            index += 1
        if any(flag for _, flag in path) or _introduced_as_legacy(doc, block):
            legacy.add(block.start_line)
    return legacy


def _introduced_as_legacy(doc: ParsedDocument, block: CodeBlock) -> bool:
    seen = 0
    number = block.start_line - 1
    while number >= 1 and seen < LEAD_IN_LINES:
        line = doc.lines[number - 1]
        number -= 1
        if not line.strip():
            continue
        if not doc.is_prose_line(number + 1):
            return False
        seen += 1
        if _LEGACY_LEAD_IN.search(line):
            return True
    return False
