"""scripts/extract_slides_inventory.py on small packages built here: .pyi stubs (with base
classes, properties, overloads and enums) and a Node.js via Java d.ts become inventory rows."""

from __future__ import annotations

import importlib.util
import io
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

STUB = """
from enum import IntEnum
class Shape(NetObject):
    _TYPE_NAME: str
    @property
    def name(self) -> str: ...
    @name.setter
    def name(self, value: str) -> None: ...
    def remove(self) -> None: ...
class VideoFrame(Shape):
    @overload
    def __init__(self) -> None: ...
    @property
    def trim_from_end(self) -> float: ...
class ShapeType(IntEnum):
    BENT_CONNECTOR2: int
"""

DTS = """declare module "aspose.slides.via.java" {
    /**
     * A frame. export class NotAType {
     */
    export class VideoFrame {
        constructor();
        getTrimFromEnd(): number;
        static create(arg1: string): VideoFrame;
        Count: number;
    }

    export enum ShapeType {
        NotDefined = -1,
        BentConnector2 = 97,
    }
}
"""


@pytest.fixture(scope="module")
def extractor():
    spec = importlib.util.spec_from_file_location(
        "extract_slides_inventory", ROOT / "scripts" / "extract_slides_inventory.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_stubs_give_python_rows_with_inherited_members(extractor, tmp_path):
    wheel = tmp_path / "aspose_slides-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("aspose_slides-1.0.data/purelib/asposeslides/__init__.pyi", STUB)
        archive.writestr(
            "aspose_slides-1.0.data/purelib/asposeslides/export/__init__.pyi", "class PdfOptions:\n    pass\n"
        )
    rows = set(extractor.python_rows(wheel))
    assert ("aspose.slides", "VideoFrame", "class", "trim_from_end", "property") in rows
    assert ("aspose.slides", "VideoFrame", "class", "name", "property") in rows  # from Shape
    assert ("aspose.slides", "VideoFrame", "class", "VideoFrame", "constructor") in rows
    assert ("aspose.slides", "Shape", "class", "remove", "method") in rows
    assert ("aspose.slides", "ShapeType", "enum", "BENT_CONNECTOR2", "enum_value") in rows
    assert ("aspose.slides.export", "PdfOptions", "class", "", "") in rows
    assert not any(row[3].startswith("_") for row in rows)


def test_declarations_give_java_rows(extractor, tmp_path):
    package = tmp_path / "aspose.slides.via.java-1.0.tgz"
    data = DTS.encode()
    with tarfile.open(package, "w:gz") as archive:
        info = tarfile.TarInfo("package/lib/aspose.slides.d.ts")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    rows = set(extractor.java_rows(package))
    types = {row[1] for row in rows}
    assert types == {"VideoFrame", "ShapeType"}  # the type name inside a comment is not read
    members = {(row[1], row[3], row[4]) for row in rows}
    assert {("VideoFrame", "getTrimFromEnd", "method"), ("VideoFrame", "create", "method")} <= members
    assert ("VideoFrame", "VideoFrame", "constructor") in members
    assert {row[0] for row in rows} == {"com.aspose.slides"}
    assert ("VideoFrame", "Count", "field") in members
    assert {("ShapeType", "NotDefined", "enum_value"), ("ShapeType", "BentConnector2", "enum_value")} <= members
