"""Every truth rule fires on realistic text and stays quiet on a near miss."""

from __future__ import annotations

from chalicelib.engine.edits import apply_edits
from tests.unit.truth.conftest import FRONT, java_block, run_rule


def _fixed(text: str, findings) -> str:
    return apply_edits(text, [edit for finding in findings for edit in finding.fix or ()])


# --- TR001 product names ---------------------------------------------------------------


def test_misspelled_product_name_is_fixed_to_the_canonical_name(registry):
    text = FRONT + "\nConvert documents with Apose.Words for Java.\n"
    findings = run_rule(registry, "TR001", text)
    assert [(f.line, f.column, f.suggestion) for f in findings] == [(6, 24, "Aspose.Words")]
    assert "Convert documents with Aspose.Words for Java." in _fixed(text, findings)


def test_truncated_product_name_is_reported(registry):
    findings = run_rule(registry, "TR001", FRONT + "\nAspose.Word for Java converts files.\n")
    assert [f.suggestion for f in findings] == ["Aspose.Words"]


def test_listed_misspelling_with_a_space_is_reported(registry):
    findings = run_rule(registry, "TR001", FRONT + "\nInstall Aspose Word first.\n")
    assert [f.suggestion for f in findings] == ["Aspose.Words"]


def test_correct_product_names_of_every_family_are_quiet(registry):
    text = FRONT + "\nAspose.Words, Aspose.Cells, Aspose.Slides and Aspose.PDF work with Aspose.Email.\n"
    assert run_rule(registry, "TR001", text) == []


def test_product_name_in_inline_code_link_or_namespace_is_quiet(registry):
    text = FRONT + (
        "\nUse `Apose.Words` [docs](https://example.org/Apose.Words) and the Aspose.Words.Document "
        "class.\n\n```java\n// Apose.Words\n```\n"
    )
    assert run_rule(registry, "TR001", text) == []


# --- TR002 API in code -------------------------------------------------------------------


def test_invented_method_on_a_real_class_names_the_nearest_member(registry):
    text = java_block('Document doc = new Document("in.docx");\ndoc.getFirstSectionn();')
    findings = run_rule(registry, "TR002", text)
    assert [(f.line, f.column, f.suggestion) for f in findings] == [(10, 5, "getFirstSection")]
    assert "'getFirstSectionn' is not a member of Aspose.Words 'Document'" in findings[0].message


def test_chained_calls_follow_return_types(registry):
    text = java_block("Document doc = new Document();\ndoc.getFirstSection().getBody().getParagraphz();")
    findings = run_rule(registry, "TR002", text)
    assert [(f.line, f.suggestion) for f in findings] == [(10, "getParagraphs")]


def test_real_api_including_inherited_members_and_enum_values_is_quiet(registry):
    text = java_block(
        "Document doc = new Document();\nDocumentBuilder builder = new DocumentBuilder(doc);\n"
        'builder.writeln("Hi");\ndoc.getFirstSection().getBody().getFirstParagraph().getText();\n'
        'doc.save("out.pdf", SaveFormat.PDF);'
    )
    assert run_rule(registry, "TR002", text) == []


def test_unknown_enum_value_is_reported(registry):
    findings = run_rule(registry, "TR002", java_block('doc.save("x", SaveFormat.PDFF);'))
    assert [(f.suggestion, "enum SaveFormat" in f.message) for f in findings] == [("PDF", True)]


def test_misspelled_class_is_reported_with_the_nearest_class(registry):
    findings = run_rule(registry, "TR002", java_block("DocumentBuilder b = new DocumentBulder(doc);"))
    assert [f.suggestion for f in findings] == ["DocumentBuilder"]


def test_standard_library_and_local_classes_are_quiet(registry):
    text = java_block(
        'List<String> names = new ArrayList<>();\nnames.add("a");\nFile f = new File("x");\n'
        "class Helper { }\nHelper.run();\nSystem.out.println(names.size());"
    )
    assert run_rule(registry, "TR002", text) == []


def test_code_labelled_csharp_on_a_java_page_is_checked_as_java(registry):
    text = java_block("Document doc = new Document();\ndoc.getFirstSectionn();", label="csharp")
    assert [f.suggestion for f in run_rule(registry, "TR002", text)] == ["getFirstSection"]


def test_dotnet_code_is_checked_with_dotnet_naming(registry):
    code = 'using Aspose.Words;\nvar doc = new Document();\ndoc.Save("out.pdf");\ndoc.FirstSection.Body.Foo();'
    findings = run_rule(registry, "TR002", java_block(code, label="csharp"), path="content/words/net/page.md")
    assert [(f.line, f.column) for f in findings] == [(12, 23)]


def test_strings_comments_and_non_code_blocks_are_not_read(registry):
    text = java_block('Document doc = new Document();\n// doc.noSuchThing();\nString s = "doc.noSuchThing()";')
    text += "\n```xml\n<doc.noSuchThing/>\n```\n"
    assert run_rule(registry, "TR002", text) == []


def test_code_of_another_family_is_checked_against_that_family(registry):
    code = "import com.aspose.cells.Workbook;\nWorkbook wb = new Workbook();\nwb.getWorksheetz();"
    findings = run_rule(registry, "TR002", java_block(code))
    assert [f.suggestion for f in findings] == ["getWorksheets"]
    assert "Aspose.Cells" in findings[0].message


# --- TR003 format claims -------------------------------------------------------------------


def test_conversion_to_an_unsupported_format_is_an_error_at_the_format(registry):
    findings = run_rule(registry, "TR003", FRONT + "\nYou can convert DOCX to DWG in one call.\n")
    assert [(f.line, f.column, f.message) for f in findings] == [(6, 25, "Aspose.Words cannot save to DWG")]


def test_saving_as_an_unsupported_format_is_reported(registry):
    findings = run_rule(registry, "TR003", FRONT + "\nAspose.Words can save the result as MP4 too.\n")
    assert [f.message for f in findings] == ["Aspose.Words cannot save to MP4"]


def test_loading_an_unsupported_format_is_reported(registry):
    findings = run_rule(registry, "TR003", FRONT + "\nYou can load PPTX files directly.\n")
    assert [f.message for f in findings] == ["Aspose.Words cannot load PPTX"]


def test_supported_formats_aliases_and_ordinary_words_are_quiet(registry):
    text = FRONT + (
        "\nConvert DOCX to PDF, save as HTML, export to Markdown, convert Word to Excel, "
        "convert JPEG images to PDF, save it to one file and load existing documents.\n"
    )
    assert run_rule(registry, "TR003", text) == []


def test_format_claim_in_code_is_not_prose(registry):
    assert run_rule(registry, "TR003", java_block("// convert DOCX to DWG")) == []


# --- TR004 / TR005 / TR006 plugins ------------------------------------------------------------


PLUGINS = "---\ntitle: Merge\ndescription: Fill templates.\nplugins: [{}]\n---\n"


def test_plugin_used_but_not_declared_is_reported_where_first_used(registry):
    text = PLUGINS.format("document") + "\nIntro.\n\nFor letters, use Mail Merge.\n"
    findings = run_rule(registry, "TR004", text)
    assert [(f.line, f.column, f.suggestion) for f in findings] == [(9, 18, "mail_merge")]
    assert findings[0].message.endswith("see https://docs.aspose.com/words/java/mail-merge/")


def test_declared_plugin_and_pages_without_the_field_are_quiet_by_default(registry):
    assert run_rule(registry, "TR004", PLUGINS.format("mail_merge") + "\nUse Mail Merge.\n") == []
    assert run_rule(registry, "TR004", FRONT + "\nUse Mail Merge.\n") == []


def test_strict_setting_requires_the_plugins_field(registry):
    findings = run_rule(registry, "TR004", FRONT + "\nUse Mail Merge.\n", require_plugins_field=True)
    assert [f.suggestion for f in findings] == ["mail_merge"]


def test_plugin_used_in_code_counts_as_used(registry):
    text = (
        PLUGINS.format("document")
        + "\n```java\nDocument doc = new Document();\ndoc.getMailMerge().execute(a, b);\n```\n"
    )
    assert "mail_merge" in [f.suggestion for f in run_rule(registry, "TR004", text)]


def test_declared_plugin_not_used_is_reported_on_the_plugins_line(registry):
    findings = run_rule(registry, "TR005", PLUGINS.format("mail_merge, watermark") + "\nUse Mail Merge.\n")
    assert [(f.line, f.message) for f in findings] == [
        (4, "front matter declares 'watermark' but the page does not use it")
    ]


def test_unknown_declared_plugin_suggests_the_nearest(registry):
    findings = run_rule(registry, "TR005", PLUGINS.format("mail_merg") + "\nUse Mail Merge.\n")
    assert [f.suggestion for f in findings] == ["mail_merge"]


def test_declared_plugins_that_are_used_are_quiet(registry):
    assert run_rule(registry, "TR005", PLUGINS.format("Mail Merge") + "\nUse Mail Merge.\n") == []


def test_declared_plugin_without_its_dependency_is_reported(registry):
    findings = run_rule(registry, "TR006", PLUGINS.format("mail_merge") + "\nUse Mail Merge.\n")
    assert [(f.line, f.suggestion) for f in findings] == [(4, "document")]


def test_declared_dependencies_are_quiet(registry):
    assert run_rule(registry, "TR006", PLUGINS.format("document, mail_merge") + "\nUse Mail Merge.\n") == []


# --- TR007 forbidden patterns ---------------------------------------------------------------------


def test_removed_api_is_reported_with_its_replacement_as_a_fix(registry):
    text = java_block("doc.getMailMerge().setRemoveEmptyRegions(true);")
    findings = run_rule(registry, "TR007", text)
    assert [(f.line, f.column) for f in findings] == [(9, 20)]
    assert "doc.getMailMerge().setCleanupOptions(MailMergeCleanupOptions.REMOVE_UNUSED_REGIONS);" in _fixed(
        text, findings
    )


def test_current_api_is_quiet(registry):
    text = java_block("doc.getMailMerge().setCleanupOptions(MailMergeCleanupOptions.REMOVE_UNUSED_REGIONS);")
    assert run_rule(registry, "TR007", text) == []


def test_code_scoped_pattern_in_prose_is_quiet(registry):
    assert run_rule(registry, "TR007", FRONT + "\nThe old setRemoveEmptyRegions(true) call is gone.\n") == []


# --- TR008 required fields --------------------------------------------------------------------------


def test_missing_required_field_is_reported(registry):
    findings = run_rule(registry, "TR008", "---\ntitle: Convert a document\n---\n\nText.\n")
    assert [(f.line, f.message) for f in findings] == [
        (1, "front matter field 'description' is missing (words pages require it)")
    ]


def test_empty_required_field_is_reported_on_its_line(registry):
    findings = run_rule(registry, "TR008", "---\ntitle: Convert\ndescription: ''\n---\n\nText.\n")
    assert [(f.line, f.message) for f in findings] == [
        (3, "front matter field 'description' is empty (words pages require it)")
    ]


def test_complete_front_matter_is_quiet(registry):
    assert run_rule(registry, "TR008", FRONT + "\nText.\n") == []


def test_pages_without_a_family_are_not_checked(registry):
    assert run_rule(registry, "TR008", "Text.\n", path=None, family=None) == []


def test_block_of_another_library_is_not_checked_as_product_code(registry):
    code = (
        "WordprocessingMLPackage pkg = WordprocessingMLPackage.createPackage();\n"
        "Body body = pkg.getMainDocumentPart().getBody();\nbody.getContent();"
    )
    assert run_rule(registry, "TR002", java_block(code)) == []


def test_same_code_without_the_other_library_is_checked(registry):
    assert [f.suggestion for f in run_rule(registry, "TR002", java_block("Body body = x;\nbody.getContent();"))] == [
        "getCount"
    ]


def test_plugins_field_that_is_not_a_list_of_plugins_declares_none(registry):
    for value in ("5", "{a: b}", "[null, 7, {x: y}]", "''"):
        text = f"---\ntitle: x\ndescription: y\nplugins: {value}\nfamily: [words]\n---\n\nUse Mail Merge.\n"
        assert [f.suggestion for f in run_rule(registry, "TR004", text)] == ["mail_merge"], value
        assert run_rule(registry, "TR006", text) == []


def test_misspelled_plugin_name_is_fixed_to_its_canonical_spelling(registry):
    text = FRONT + "\nCreate a DocumenBuilder for the document.\n"
    findings = run_rule(registry, "TR001", text)
    assert [(f.line, f.column, f.suggestion) for f in findings] == [(6, 10, "DocumentBuilder")]
    assert "Create a DocumentBuilder for" in _fixed(text, findings)


def test_plurals_compounds_and_real_class_names_are_not_plugin_misspellings(registry):
    text = FRONT + "\nTwo DocumentBuilders, an InsertStructuredDocumentTag call and PdfSaveOptions.\n"
    assert run_rule(registry, "TR001", text) == []


def test_cells_table_checks_cells_code(registry):
    code = (
        'Workbook wb = new Workbook();\nwb.getWorksheets().get(0).getCells().get("A1").putValue(1);\n'
        'wb.saveMagically("out.xlsx");'
    )
    findings = run_rule(registry, "TR002", java_block(code), path="content/cells/java/page.md", family="cells")
    assert [(f.line, f.suggestion) for f in findings] == [(11, None)]
    assert "Aspose.Cells 'Workbook'" in findings[0].message


def test_slides_table_knows_what_slides_can_save(registry):
    assert run_rule(registry, "TR003", FRONT + "\nConvert PPTX to MP4 or PDF.\n", family="slides") == []
    findings = run_rule(registry, "TR003", FRONT + "\nConvert PPTX to DWG.\n", family="slides")
    assert [f.message for f in findings] == ["Aspose.Slides cannot save to DWG"]


def test_pdf_table_checks_pdf_code(registry):
    code = 'Document pdf = new Document("in.pdf");\npdf.getPages().get_Item(1).getParagraphs().add(x);\npdf.getPagez();'
    findings = run_rule(registry, "TR002", java_block(code), path="content/pdf/java/page.md", family="pdf")
    assert [f.suggestion for f in findings] == ["getPages"]


def test_variable_assigned_a_chain_result_is_followed_with_its_type(registry):
    from chalicelib.engine.truth import page_truth
    from tests.unit.truth.conftest import context

    code = "Document doc = new Document();\nvar section = doc.getFirstSection();\nsection.getBody().getParagraphs();"
    refs = [ref for _, ref in page_truth(context(registry, java_block(code))).families["words"].refs]
    assert ("Section", "getBody", True) in [(ref.owner, ref.name, ref.resolved) for ref in refs]


def test_members_missing_from_an_inferred_base_type_are_not_reported(registry):
    code = "doc = Document()\ntable = doc.getChild(NodeType.TABLE, 0, True)\ntable.getRows()"
    assert run_rule(registry, "TR002", java_block(code, label="python")) == []


def test_positions_hold_when_lower_case_changes_a_characters_length(registry):
    text = FRONT + "\nİstanbul: Apose.Words converts DOCX to DWG.\n"
    [name] = run_rule(registry, "TR001", text)
    assert (name.line, name.column) == (6, 11)
    assert "İstanbul: Aspose.Words converts" in _fixed(text, [name])
    [claim] = run_rule(registry, "TR003", text)
    assert (claim.column, claim.message) == (40, "Aspose.Words cannot save to DWG")
