"""Code of every language is read for product API (issue 11): receivers typed in C++, Python,
JavaScript, PHP, VB.NET and Go; the platform follows the code, the page and the label;
other libraries' code is not checked; legacy sections get advice only; bad input stays
bounded."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.engine.parse import parse_document
from chalicelib.engine.rules.registry import REGISTRY
from chalicelib.engine.ruleset import load_ruleset
from chalicelib.engine.truth.code import analyse_block, block_syntax, page_platform
from chalicelib.engine.truth.foreign import LEGACY, block_roles
from chalicelib.engine.validate import validate_document
from tests.unit.truth.conftest import FRONT, context, run_rule

HANG_TIMEOUT = 120  # seconds: only a hang (quadratic blow-up) gets near it


def page(code: str, label: str) -> str:
    return f"{FRONT}\nExample:\n\n```{label}\n{code}\n```\n"


def unknown_members(registry, code: str, label: str, path: str, family: str = "words") -> list[tuple[int, str]]:
    text = page(code, label)
    first_code_line = text.splitlines().index(f"```{label}") + 2
    return [
        (finding.line - first_code_line + 1, finding.message.split("'")[1])
        for finding in run_rule(registry, "TR002", text, path=path, family=family)
    ]


@pytest.mark.parametrize(
    ("label", "path", "code", "line"),
    [
        (
            "cpp",
            "content/words/cpp/page.md",
            'auto doc = MakeObject<Document>(u"in.docx");\ndoc->saveMagically(u"out.pdf");',
            2,
        ),
        (
            "cpp",
            "content/words/cpp/page.md",
            "System::SharedPtr<Aspose::Words::Document> doc = System::MakeObject<Aspose::Words::Document>();\n"
            'doc->Save(u"a.docx");\ndoc->saveMagically(u"b.docx");',
            3,
        ),
        (
            "python",
            "content/words/python-net/page.md",
            'import aspose.words as aw\n\ndoc = aw.Document("in.docx")\ndoc.save_magically("out.pdf")',
            4,
        ),
        (
            "python",
            "content/words/python-net/page.md",
            'from aspose.words import Document\nwith Document("in.docx") as doc:\n    doc.save_magically("x")',
            3,
        ),
        (
            "javascript",
            "content/words/nodejs-net/page.md",
            "const aw = require('@aspose/words');\nlet doc = new aw.Document();\ndoc.saveMagically('x');",
            3,
        ),
        (
            "php",
            "content/words/php-java/page.md",
            '<?php\n$doc = new \\Aspose\\Words\\Document("in.docx");\n$doc->saveMagically("out.pdf");',
            3,
        ),
        (
            "vb",
            "content/words/net/page.md",
            'Dim doc As New Document("in.docx")\ndoc.Save("a.docx")\ndoc.SaveMagically("b.docx")',
            3,
        ),
        (
            "csharp",
            "content/words/net/page.md",
            'using (Document doc = new Document("in.docx"))\n{\n    doc.SaveMagically("out.pdf");\n}',
            3,
        ),
    ],
)
def test_invented_member_is_found_on_its_line_in_every_language(registry, label, path, code, line):
    found = unknown_members(registry, code, label, path)
    assert (line, found[0][1]) in found if found else False, found
    assert [name for _, name in found] == [found[0][1]]
    assert "Magically" in found[0][1] or "magically" in found[0][1]


def test_real_members_and_enums_of_every_language_are_not_reported(registry):
    samples = [
        ("cpp", "content/words/cpp/p.md", 'auto doc = MakeObject<Document>();\ndoc->Save(u"a.pdf", SaveFormat::Pdf);'),
        ("python", "content/words/python-net/p.md", 'doc = aw.Document()\ndoc.save("a.pdf", aw.SaveFormat.PDF)'),
        ("javascript", "content/words/nodejs-net/p.md", "let doc = new aw.Document();\ndoc.save('a.pdf');"),
        ("php", "content/words/php-java/p.md", "$doc = new Document();\n$doc->save('a.pdf');"),
    ]
    for label, path, code in samples:
        assert unknown_members(registry, code, label, path) == [], (label, code)


def test_a_member_another_type_has_is_not_reported(registry):
    """The receiver may be a subclass or the table may file the member on another type:
    only a name no type of the platform has is an invented one."""
    code = "Document doc = new Document();\ndoc.getParagraphFormat();"
    assert unknown_members(registry, code, "java", "content/words/java/p.md") == []


def test_the_block_language_comes_from_the_code_then_the_page_then_the_label(registry):
    table = registry.get("words")
    python_as_java = parse_document(page('doc = aw.Document()\ndoc.save("x")', "java"), "words/python-net/p.md")
    assert block_syntax(python_as_java.code_blocks[0], page_platform(python_as_java, table)) == "python"
    csharp_on_net = parse_document(page('Document doc = new Document();\ndoc.Save("x");', "java"), "words/net/p.md")
    assert block_syntax(csharp_on_net.code_blocks[0], page_platform(csharp_on_net, table)) == "csharp"
    assert page_platform(parse_document("x", "slides/nodejs-java/p.md"), table) == "nodejs-java"
    assert page_platform(parse_document("x", "cells/python-java/p.md"), table) == "python-java"
    refs = analyse_block(python_as_java.code_blocks[0], table, "python")
    assert [ref.name for ref in refs if ref.resolved] == ["Document", "save"]


@pytest.mark.parametrize(
    "code",
    [
        "using Word = Microsoft.Office.Interop.Word;\nDocument doc = app.Documents.Open(path);\ndoc.SaveAs2(out);",
        "XWPFDocument doc = new XWPFDocument();\nDocument other = new Document();\nother.createParagraphFast();",
        "using (WordprocessingDocument pkg = WordprocessingDocument.Open(path, true))\n"
        "{\n    Document doc = pkg.MainDocumentPart.Document;\n    doc.AppendChildFast(new Body());\n}",
    ],
)
def test_other_libraries_code_is_not_checked(registry, code):
    assert unknown_members(registry, code, "csharp", "content/words/net/p.md") == []


def test_legacy_api_sections_get_advice_only():
    text = (
        f'{FRONT}\n# Convert\n\n```java\nDocument doc = new Document();\ndoc.saveMagically("a");\n```\n\n'
        '## Legacy API\n\nThe old way:\n\n```java\nDocument doc = new Document();\ndoc.saveLegacyWay("a");\n```\n'
    )
    doc = parse_document(text, "words/java/p.md")
    assert block_roles(doc) == {doc.code_blocks[1].start_line: LEGACY}
    report = validate_document(text, path="words/java/p.md", family="words", ruleset=load_ruleset())
    severities = {issue.message.split("'")[1]: issue.severity for issue in report.issues if issue.rule == "TR002"}
    assert severities == {"saveMagically": "warning", "saveLegacyWay": "info"}


def _finishes(function) -> bool:
    thread = threading.Thread(target=function, daemon=True)
    thread.start()
    thread.join(HANG_TIMEOUT)
    return not thread.is_alive()


@pytest.mark.parametrize(
    "line",
    [
        "x = foo(bar, baz) /* open ' \" [[ {{ <<< Aspose.Words.Document.\n",
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.Document.Save(((((((\n",
        "$x->y->z = new \\A\\B\\C\\D\\Document(MakeObject<SharedPtr<Document>>(\n",
        "Dim x As New Document( ' using System;\n",
        'import aspose.words as aw  """ doc = aw.Document(  `template ${x}\n',
        'foreach (var p in doc.Paragraphs.Where(q => q @" (Table) node as Run\n',
    ],
)
def test_huge_blocks_in_unknown_or_mixed_languages_stay_bounded(registry, line):
    """5,000 and 10,000 lines of odd code (unclosed comments, strings and brackets, mixed
    languages) are read without an error and without a hang."""
    ruleset = load_ruleset()
    for lines in (5_000, 10_000):
        text = f"{FRONT}\n```unknownlang\n{line * lines}```\n"
        outcome: list[object] = []

        def validate(text: str = text, outcome: list[object] = outcome) -> None:
            outcome.append(validate_document(text, path="words/net/p.md", family="words", ruleset=ruleset))

        assert _finishes(validate), (line, lines)
        assert outcome and not [issue for issue in outcome[0].issues if "failed" in issue.message], outcome


MIXED_PIECES = st.sampled_from(
    [
        "```cpp\n",
        "```python\n",
        "```php\n",
        "```go\n",
        "```vb\n",
        "```js\n",
        "```\n",
        "auto doc = MakeObject<Document>(",
        "System::SharedPtr<Aspose::Words::",
        "->get_FirstSection()->",
        "SaveFormat::",
        "import aspose.words as aw\n",
        "with aw.Document() as d:\n",
        "    d.save_magic(",
        "const aw = require('@aspose/words');\n",
        "new aw.Document(",
        "<?php $doc = new \\Aspose\\Words\\Document(",
        "$doc->",
        "use aspose\\words\\Document;\n",
        "Dim doc As New Document(",
        "' comment\n",
        "wb, _ := asposecells.NewWorkbook()\n",
        "wb.Save_String(",
        "AsposePdfModule.AsposePdfMagic(",
        "Microsoft.Office.Interop.Word",
        "## Legacy API\n",
        "## Apache POI\n",
        '"""',
        "`",
        "/*",
        "))",
        "<<",
        ".",
        "\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(MIXED_PIECES, max_size=40).map("".join), st.sampled_from(["words", "cells", "pdf", "slides"]))
def test_blocks_mixing_languages_never_raise(registry, text, family):
    for path in ("content/net/p.md", "content/cpp/p.md", "content/python-net/p.md", "content/php-java/p.md"):
        ctx = context(registry, text, path=path, family=family)
        for finding in REGISTRY["TR002"].check(ctx, REGISTRY["TR002"].meta.params):
            assert 1 <= finding.line <= len(ctx.doc.lines), finding


@pytest.mark.parametrize(
    ("label", "path", "code", "line"),
    [
        (
            "csharp",
            "content/words/net/p.md",
            "var table = (Table)doc.GetChild(NodeType.Table, 0, true);\ntable.AutoFitMagically();",
            2,
        ),
        ("csharp", "content/words/net/p.md", "var run = node as Run;\nrun.RunMagically();", 2),
        (
            "csharp",
            "content/words/net/p.md",
            "foreach (var p in doc.GetChildNodes(NodeType.Paragraph, true)"
            ".OfType<Paragraph>())\n    p.ParaMagically();",
            2,
        ),
        (
            "python",
            "content/words/python-net/p.md",
            "doc = aw.Document()\n"
            "table = doc.get_child(aw.NodeType.TABLE, 0, True).as_table()\ntable.auto_fit_magically()",
            3,
        ),
        (
            "cpp",
            "content/words/cpp/p.md",
            "using namespace Aspose::Words;\n"
            "auto t = System::ExplicitCast<Tables::Table>(doc->GetChild(NodeType::Table, 0, true));\n"
            "t->AutoFitMagically();",
            3,
        ),
    ],
)
def test_casts_and_conversions_type_their_variable(registry, label, path, code, line):
    assert [found[0] for found in unknown_members(registry, code, label, path)] == [line]


def test_a_namesake_from_another_namespace_resolves_but_is_no_plugins(registry):
    """`com.aspose.pdf.facades.Form` is not `com.aspose.pdf.Form`: its calls are API, but
    they say nothing about the plugin that owns `Form`."""
    table = registry.get("pdf")
    facades = 'import com.aspose.pdf.facades.Form;\nForm form = new Form("a.pdf");\nform.fillField("a", "b");'
    plain = "Form form = new Form();\nform.getFields();"
    refs = {}
    for name, code in (("facades", facades), ("plain", plain)):
        doc = parse_document(page(code, "java"), "pdf/java/p.md")
        refs[name] = analyse_block(doc.code_blocks[0], table, "java")
    assert all(ref.resolved and ref.plugin is None for ref in refs["facades"])
    assert all(ref.resolved for ref in refs["plain"]) and refs["plain"][0].plugin is not None


def test_ruby_via_rjb_constructs_with_new(registry):
    code = (
        "Document = Rjb::import('com.aspose.words.Document')\n"
        "doc = Document.new(data_dir + 'in.doc')\n"
        "doc.save(data_dir + 'out.doc')\n"
        "doc.saveMagically(data_dir + 'out.pdf')"
    )
    assert unknown_members(registry, code, "ruby", "content/words/java/p.md") == [(4, "saveMagically")]


def test_python_for_java_pages_read_jpype_classes_kept_on_self(registry):
    """Python pages of the Java products call the Java API on classes kept on `self`; Java
    idioms in them (getters, `;`) do not make the block Java."""
    code = (
        "doc = self.Document()\ni = 0;\nj = 1;\npage = doc.getPages().add()\ndoc.saveMagically(self.dataDir + 'x.pdf')"
    )
    found = unknown_members(registry, code, "python", "pdf/plugins/aspose-pdf-java-for-python/p.md", family="pdf")
    assert found == [(5, "saveMagically")]


def test_other_library_code_mentioning_the_product_in_a_comment_is_not_checked(registry):
    code = (
        "// The Aspose.Words equivalent is shown below.\n"
        "using Microsoft.Office.Interop.Word;\n"
        "Document doc = app.Documents.Open(path);\n"
        "doc.SaveAs2(output);"
    )
    assert unknown_members(registry, code, "csharp", "content/words/net/p.md") == []
