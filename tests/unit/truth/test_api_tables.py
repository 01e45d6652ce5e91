"""Generated API tables: current with the inventories, validated whole, and the lookups the
code checks use (types, members anywhere, enums, "did you mean" that never turns one real
name into another, completeness per platform)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from chalicelib.engine.truth import TruthTableError, load_truth_registry
from chalicelib.engine.truth.inventory import (
    load_api_table,
    load_index,
    normalise_enum_value,
    normalise_member,
    table_path,
)
from tests.unit.truth.conftest import CONFIG_DIR, run_rule

ROOT = CONFIG_DIR.parent
API_DIR = CONFIG_DIR / "truth" / "api"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_api_tables", ROOT / "scripts" / "gen_api_tables.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return _generator()


def test_committed_tables_are_current_with_the_inventories(generator):
    outputs = generator.build()
    assert generator.stale(outputs) == [], "run .venv/bin/python scripts/gen_api_tables.py and commit"
    assert {path.parent.name for path in outputs if path.suffix == ".json"} >= {"words", "cells", "pdf", "slides"}


def _inventory(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "bad.tsv"
    path.write_text("namespace\ttype\tkind\tmember\tmember_kind\n" + "".join(f"{row}\n" for row in rows), "utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("com.x\tDocument\tclass\tsave", "row"),
        ("com.x\tDocument\tklass\tsave\tmethod", "kind"),
        ("com.x\tDocument\tclass\tsave\tverb", "member_kind"),
        ("com.x\t\tclass\tsave\tmethod", "type"),
        ("com.x\tDocument\tclass\ta,b\tmethod", "member"),
    ],
)
def test_a_malformed_inventory_row_names_file_line_and_field_and_writes_nothing(
    generator, tmp_path, monkeypatch, row, field
):
    path = _inventory(tmp_path, ["com.x\tDocument\tclass\tsave\tmethod", row])
    out = tmp_path / "api"
    monkeypatch.setattr(generator, "SOURCES", (generator.Source("words", "java", (path,), True, "test"),))
    monkeypatch.setattr(generator, "API_DIR", out)
    with pytest.raises(generator.InventoryError, match=rf"bad\.tsv:3: {field}: "):
        generator.build()
    assert generator.main([]) == 1
    assert not out.exists()


def _copy_config(tmp_path: Path) -> Path:
    target = tmp_path / "config" / "truth"
    shutil.copytree(CONFIG_DIR / "truth", target)
    return target


def _rewrite_table(truth_dir: Path, family: str, table: str, edit) -> None:
    """Edit one generated table and re-digest it in the index (as a careless hand edit would)."""
    path = table_path(truth_dir / "api", family, table)
    text = edit(path.read_text("utf-8"))
    path.write_text(text, "utf-8")
    index_path = truth_dir / "api" / "index.json"
    index = json.loads(index_path.read_text("utf-8"))
    for row in index["tables"]:
        if (row["family"], row["table"]) == (family, table):
            row["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    index_path.write_text(json.dumps(index), "utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        ('"class"', '"klass"', "types.Document[1]", "klass"),
        ('[0,"class"', '[99,"class"', "types.Document[0]", "out of range"),
        ('"accept,', '"accept,,', "types.Document[2].m", "empty member name"),
        ('"accept,', '" accept,', "types.Document[2].m", "empty member name"),
        ('{"c":', '{"z":', "types.Document[2].z", "unknown member kind code"),
    ],
)
def test_a_malformed_table_line_fails_the_load_naming_file_line_and_field(tmp_path, old, new, field, reason):
    truth_dir = _copy_config(tmp_path)
    lines: list[str] = []

    def break_document(text: str) -> str:
        lines.extend(text.split("\n"))
        return "\n".join(line.replace(old, new, 1) if line.startswith('"Document":') else line for line in lines)

    _rewrite_table(truth_dir, "words", "java", break_document)
    line = next(number for number, text in enumerate(lines, start=1) if text.startswith('"Document":'))
    table = load_truth_registry(tmp_path / "config").get("words")
    with pytest.raises(TruthTableError) as raised:
        table.api("java")
    assert raised.value.file.endswith("api/words/java.json")
    assert raised.value.field == f"line {line}: {field}"
    assert reason in raised.value.reason
    with pytest.raises(TruthTableError):  # never half-loaded: the next use fails the same way
        table.api("java")


def test_a_table_edited_without_regenerating_is_refused(tmp_path):
    truth_dir = _copy_config(tmp_path)
    path = table_path(truth_dir / "api", "words", "java")
    path.write_text(path.read_text("utf-8").replace("getFirstSection", "getFirstSectionX"), "utf-8")
    with pytest.raises(TruthTableError, match="digest"):
        load_truth_registry(tmp_path / "config").get("words").api("java")


def test_a_platform_naming_a_missing_table_fails_the_registry_load(tmp_path):
    truth_dir = _copy_config(tmp_path)
    path = truth_dir / "words.yaml"
    path.write_text(path.read_text("utf-8").replace("api: python-net}", "api: python-jvm}", 1), "utf-8")
    with pytest.raises(TruthTableError) as raised:
        load_truth_registry(tmp_path / "config")
    assert (raised.value.file, raised.value.field) == ("words.yaml", "platforms.python.api")


# --- lookups -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index():
    return load_index(API_DIR)


def _table(index, family: str, table: str):
    return load_api_table(table_path(API_DIR, family, table), index[(family, table)])


def test_lookups_answer_per_platform_names(index):
    java = _table(index, "words", "java")
    assert java.complete and "com.aspose.words" in java.namespaces
    assert java.has_type("Document") and java.type_kind("Document") == "class"
    assert java.has_member("Document", "getFirstSection") and not java.has_member("Document", "GetFirstSection")
    assert java.member_anywhere("getText") and not java.member_anywhere("getFirstSectionMagically")
    assert java.is_enum("SaveFormat") and "PDF" in java.enum_values("SaveFormat")
    python = _table(index, "words", "python-net")
    assert python.has_member("Document", "first_section") and python.namespace_of("Document") == "aspose.words"


def test_slides_tables_from_the_registry_packages_hold_the_names_the_reference_lists(index):
    java = _table(index, "slides", "java")
    assert java.complete
    assert java.has_member("VideoFrame", "setTrimFromEnd") and java.has_member("TiffOptions", "getInkOptions")
    assert java.has_type("InkOptions") and "BentConnector2" in java.enum_values("ShapeType")
    python = _table(index, "slides", "python-net")
    assert python.has_member("Presentation", "slides") and python.has_member("VideoFrame", "name")  # inherited


def test_did_you_mean_never_turns_a_real_name_into_another(index):
    cells = _table(index, "cells", "java")
    assert cells.nearest_type("OdsSaveOptions") is None  # real, though close to PdfSaveOptions
    assert cells.nearest_type("PdfSaveOption") == "PdfSaveOptions"
    words = _table(index, "words", "java")
    assert words.nearest_member("Document", "getFirstSectionn") == "getFirstSection"
    assert words.nearest_member("Document", "getLastSection") is None
    assert words.nearest_member("Run", "getFirstSection") is None  # real elsewhere: not "corrected"
    assert words.nearest_enum_value("SaveFormat", "PDFF") == "PDF"


def test_completeness_is_recorded_per_platform(registry):
    slides = registry.get("slides")
    assert slides.platform_complete("java") and slides.platform_complete("python")
    # .NET and C++ read the table derived from Python via .NET and Java, complete by derivation
    assert slides.platform_complete("net") and slides.platform_complete("cpp")
    assert slides.api("cpp").inventory.naming == "normalised"


# --- what the checks report --------------------------------------------------------------

SLIDES_PAGE = "content/slides/{}/page.md"


def _block(label: str, code: str) -> str:
    return f"---\ntitle: Slides\ndescription: Work with slides.\n---\n\n```{label}\n{code}\n```\n"


def test_an_invented_member_is_reported_on_a_complete_platform(registry):
    text = _block("python", "from aspose.slides import Presentation\npres = Presentation()\npres.add_magic()")
    findings = run_rule(registry, "TR002", text, path=SLIDES_PAGE.format("python-net"), family="slides")
    assert [f.message.split("'")[1] for f in findings] == ["add_magic"]


@pytest.mark.parametrize(
    ("label", "platform", "code"),
    [
        (
            "csharp",
            "net",
            "using Aspose.Slides;\nPresentation pres = new Presentation();\n"
            "pres.Slides.AddEmptySlide(pres.LayoutSlides[0]);\npres.Slides[0].Shapes.AddAutoShape("
            "ShapeType.BentConnector2, 0, 0, 9, 9);\npres.AddMagic();\nvar x = ShapeType.BentConector;",
        ),
        (
            "vb",
            "net",
            "Imports Aspose.Slides\nDim pres As New Presentation()\n"
            "pres.Slides.AddEmptySlide(pres.LayoutSlides(0))\npres.Slides(0).Shapes.AddAutoShape("
            "ShapeType.BentConnector2, 0, 0, 9, 9)\npres.AddMagic()\nDim x = ShapeType.BentConector",
        ),
        (
            "cpp",
            "cpp",
            "using namespace Aspose::Slides;\nauto pres = System::MakeObject<Presentation>();\n"
            "pres->get_Slides()->AddEmptySlide(pres->get_LayoutSlides()->idx_get(0));\n"
            "pres->get_Slides()->idx_get(0)->get_Shapes()->AddAutoShape(ShapeType::BentConnector2, 0, 0, 9, 9);\n"
            "pres->AddMagic();\nauto x = ShapeType::BentConector;",
        ),
    ],
)
def test_slides_net_and_cpp_names_meet_the_derived_table(registry, label, platform, code):
    """`AddEmptySlide`, `get_Slides`, `BentConnector2` are Python's `add_empty_slide`, `slides`,
    `BENT_CONNECTOR2` under the normalised comparison; invented names are still reported."""
    findings = run_rule(registry, "TR002", _block(label, code), path=SLIDES_PAGE.format(platform), family="slides")
    assert [re.split(r"\.|::", f.message.split("'")[1])[-1] for f in findings] == ["AddMagic", "BentConector"]


def test_net_only_members_of_the_reference_are_known_on_the_derived_table(registry):
    # Presentation.Print (System.Drawing printing) is in the .NET reference, not in Python or Java
    code = "Presentation pres = new Presentation();\npres.Print(new PrinterSettings());\npres.Printt();"
    findings = run_rule(registry, "TR002", _block("csharp", code), path=SLIDES_PAGE.format("net"), family="slides")
    assert [f.message.split("'")[1] for f in findings] == ["Printt"]


def test_normalised_names_meet_across_accessor_conventions():
    same = {
        "bold": ("get_IsBold", "SetIsBold", "IsBold", "is_bold", "isBold", "getBold"),
        "addemptyslide": ("AddEmptySlide", "addEmptySlide", "add_empty_slide"),
        "slides": ("get_Slides", "GetSlides", "getSlides", "Slides", "slides", "set_slides"),
    }
    for key, names in same.items():
        assert {normalise_member(name) for name in names} == {key}
    assert normalise_member("Issue") == "issue" and normalise_member("Settings") == "settings"
    assert normalise_enum_value("IsoA4") == normalise_enum_value("ISO_A4") == "isoa4"


def test_a_table_index_names_its_naming(tmp_path):
    (tmp_path / "index.json").write_text(
        json.dumps(
            {
                "tables": [
                    {
                        "family": "slides",
                        "table": "net",
                        "complete": True,
                        "sha256": "0",
                        "source": "s",
                        "types": 0,
                        "members": 0,
                        "naming": "guessed",
                    }
                ]
            }
        ),
        "utf-8",
    )
    with pytest.raises(TruthTableError, match=r"tables\[0\]\.naming"):
        load_index(tmp_path)


def test_real_members_the_hand_written_tables_lacked_are_quiet(registry):
    text = _block("java", "VideoFrame vf = (VideoFrame) shape;\nvf.setTrimFromEnd(1000f);\nvf.getCaptionTracks();")
    assert run_rule(registry, "TR002", text, path=SLIDES_PAGE.format("java"), family="slides") == []


def test_a_real_type_in_prose_is_not_a_misspelling_of_a_plugin_name(registry):
    text = "---\ntitle: Save\ndescription: Save as ODS.\n---\n\nUse OdsSaveOptions or PdfSaveOption here.\n"
    findings = run_rule(registry, "TR001", text, path="content/cells/java/page.md", family="cells")
    assert "OdsSaveOptions" not in " ".join(f.message for f in findings)


def test_a_real_type_of_another_family_is_not_a_misspelling_either(registry):
    # RtfSaveOptions is a Words type, within the fuzzy cut-off of the Cells plugin alias PdfSaveOptions
    text = "---\ntitle: Save\ndescription: Save.\n---\n\nAspose.Words has RtfSaveOptions; use PdfSaveOptionz.\n"
    findings = run_rule(registry, "TR001", text, path="content/cells/java/page.md", family="cells")
    assert [f.message.split("'")[1] for f in findings] == ["PdfSaveOptionz"]


def test_every_declared_platform_reads_a_table_of_its_own_names(registry):
    assert registry.get("cells").api("go").inventory.has_member("Workbook", "Save_String")  # Go names overloads apart
    assert registry.get("words").api("php").inventory.table == "java"  # PHP via Java calls the Java API
    assert registry.get("pdf").api("nodejs").inventory.functions()  # function-style API
    for family in registry.families:
        table = registry.get(family)
        for platform, declared in table.spec.platforms.items():
            api = table.api(platform)
            assert api.inventory is not None and api.inventory.table == declared.api
            assert api.complete == table.platform_complete(platform)


def test_hand_written_hints_name_real_api(registry):
    """Plugin types and `returns` entries are checked against the generated tables, so a
    hand-written hint can never invent API."""
    for family in registry.families:
        table = registry.get(family)
        java = table.api("java").inventory
        unknown = [name for plugin in table.spec.plugins for name in plugin.types if name not in table.type_names]
        assert unknown == [], f"{family}: plugin types that no platform has"
        for written, returned in table.spec.returns.items():
            owner, _, member = written.partition(".")
            assert java.has_member(owner, member) and returned in table.type_names, f"{family}: returns.{written}"


def test_a_type_named_without_members_never_contradicts_a_member(registry):
    # the PDF Java reference lacks com.aspose.pdf.plugins: its types come by name from .NET
    code = "OptimizeOptions opt = new OptimizeOptions();\nopt.addInput(new FileDataSource(path));\nopt.noSuchThing();"
    text = _block("java", code)
    assert run_rule(registry, "TR002", text, path="content/pdf/java/page.md", family="pdf") == []
    assert registry.get("pdf").api("java").inventory.namespace_of("OptimizeOptions") == "com.aspose.pdf.plugins"


def test_platform_extension_methods_on_product_collections_are_quiet(registry):
    code = (
        "Document doc = new Document();\nvar paragraphs = doc.GetChildNodes(NodeType.Paragraph, true)"
        ".Cast<Paragraph>().ToList();\ndoc.Sections.ToArray();"
    )
    text = _block("csharp", code)
    assert run_rule(registry, "TR002", text, path="content/words/net/page.md", family="words") == []
