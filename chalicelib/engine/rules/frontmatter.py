"""Front matter rules (FMxxx): the YAML block at the top of a page.

Required and recommended fields are generic (params), so a family or profile sets its own lists;
the family truth table's own required fields are checked by the truth rules. Fixes add missing
fields (a title from the H1, a marked placeholder description) or quote a value; they never edit
the value of a field listed as non-editable.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import Field

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.registry import CheckContext, Finding, NoParams, RuleParams, rule

# Fields FM002/FM003 reported missing on the page (ctx.memo key): TR008, which runs later
# (truth rules come after front matter rules), does not report the same missing field again.
MISSING_FIELDS_MEMO = "frontmatter-missing-fields"
DESCRIPTION_PLACEHOLDER = "TODO: describe this page in one or two sentences (50-160 characters)."
NON_EDITABLE_FIELDS = ("layout", "categories", "date", "draft", "lastmod", "title", "weight", "author")
# Hugo's own front matter variables plus the ones documentation sites of this kind use.
KNOWN_FIELDS = (
    "aliases",
    "articleTitle",
    "author",
    "authors",
    "build",
    "cascade",
    "categories",
    "date",
    "description",
    "draft",
    "expiryDate",
    "headless",
    "images",
    "isCJKLanguage",
    "is_root",
    "keywords",
    "lastmod",
    "layout",
    "linktitle",
    "markup",
    "menu",
    "outputs",
    "params",
    "plugins",
    "plugin_ids",
    "publishDate",
    "resources",
    "second_title",
    "sitemap",
    "slug",
    "summary",
    "tags",
    "timestamp",
    "title",
    "toc",
    "translationKey",
    "type",
    "url",
    "weight",
)
_KNOWN_SET = frozenset(KNOWN_FIELDS)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_LINE_BREAK = re.compile(r"\r?\n")


def _data(ctx: CheckContext) -> dict[str, Any] | None:
    matter = ctx.doc.front_matter
    return matter.data if matter.present and isinstance(matter.data, dict) else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _key_line(ctx: CheckContext, key: str) -> int:
    return ctx.doc.front_matter.key_lines.get(key, ctx.doc.front_matter.start_line or 1)


@rule(
    "FM001",
    "frontmatter-valid",
    "frontmatter",
    "error",
    "The front matter must be YAML that loads into a mapping, between a `---` line at the top and a "
    "closing `---` line; otherwise no field can be read.",
    why="Broken front matter hides every field from the site: the page loses its title, menus and metadata.",
    good="---\ntitle: Convert a Document to PDF\n---",
    bad="---\ntitle: Convert: a Document to PDF\n---",
)
def frontmatter_valid(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    matter = ctx.doc.front_matter
    if not matter.present:
        return
    if matter.error:
        yield Finding(f"Front matter is not valid YAML: {matter.error}", matter.error_line or 1)


def _line_ending(text: str) -> str:
    match = _LINE_BREAK.search(text)
    return match.group() if match else "\n"


def _insertion(doc: ParsedDocument, field: str, quoted: str) -> TextEdit | None:
    """An edit adding `field` (with a JSON-quoted value, valid in all three formats) to the
    front matter in its own format, or creating a YAML block: YAML appends before the closing
    `---`; TOML goes first (a key after a `[table]` would belong to the table); JSON goes
    first, with a comma when other keys follow."""
    newline = _line_ending(doc.text)
    matter = doc.front_matter
    if not matter.present:
        start = 1 if doc.text.startswith("\ufeff") else 0
        return TextEdit(start, start, f"---{newline}{field}: {quoted}{newline}---{newline}")
    if not matter.end_line or matter.data is None:
        return None  # unclosed or unreadable: fix the front matter first
    if matter.format == "yaml":
        closing = doc.line_starts[matter.end_line - 1]
        return TextEdit(closing, closing, f"{field}: {quoted}{newline}")
    first = doc.line_starts[1] if len(doc.line_starts) > 1 else len(doc.text)
    if matter.format == "toml":
        return TextEdit(first, first, f"{field} = {quoted}{newline}")
    comma = "," if matter.data else ""
    return TextEdit(first, first, f"  {json.dumps(field)}: {quoted}{comma}{newline}")


def _title_from_h1(doc: ParsedDocument) -> str | None:
    for heading in doc.headings:
        if heading.level == 1 and heading.text.strip():
            return heading.text.strip()
    return None


def _missing(ctx: CheckContext, fields: Iterable[str]) -> list[str]:
    data = _data(ctx)
    matter = ctx.doc.front_matter
    if matter.present and (matter.error or matter.data is None and matter.raw.strip()):
        return []  # FM001 reports it; nothing can be said about its fields
    data = data or {}
    missing = [field for field in fields if _blank(data.get(field))]
    ctx.memo.setdefault(MISSING_FIELDS_MEMO, set()).update(missing)
    return missing


def _add_field_fix(ctx: CheckContext, field: str) -> tuple[TextEdit, ...] | None:
    if field == "title":
        title = _title_from_h1(ctx.doc)
        value = title
    elif field == "description":
        value = DESCRIPTION_PLACEHOLDER
    else:
        return None
    if not value:
        return None
    quoted = json.dumps(value, ensure_ascii=False)
    data = _data(ctx)
    if data is not None and field in data:  # present but empty: fill the value in place
        if ctx.doc.front_matter.format != "yaml":
            return None  # the in-place edit reads YAML's `key: value` lines
        line = ctx.doc.front_matter.key_lines.get(field)
        scalar = _scalar_value(ctx.doc.lines[line - 1]) if line else None
        if not line or scalar is None or scalar[1] not in ("", "''", '""', "~", "null"):
            return None
        column, value = scalar
        start = ctx.doc.line_starts[line - 1] + column
        separator = "" if ctx.doc.lines[line - 1][column - 1 : column].isspace() else " "
        return (TextEdit(start, start + len(value), separator + quoted),)
    edit = _insertion(ctx.doc, field, quoted)
    return (edit,) if edit else None


class RequiredFieldsParams(RuleParams):
    """Params of FM002 (frontmatter-required-fields)."""

    fields: tuple[str, ...] = ("title",)


@rule(
    "FM002",
    "frontmatter-required-fields",
    "frontmatter",
    "error",
    "Fields the site cannot render a page without (by default `title`) must be present and not "
    "empty. A missing title is fixed from the page's H1 when it has one.",
    why="Without its required fields the site cannot render the page properly (no title in the tab, menus or search).",
    good="---\ntitle: Convert a Document to PDF\n---",
    bad="---\nweight: 10\n---\n\n# Convert a Document to PDF\n",
    fixable=True,
    params=RequiredFieldsParams,
)
def required_fields(ctx: CheckContext, params: RequiredFieldsParams) -> Iterable[Finding]:
    for field in _missing(ctx, params.fields):
        yield Finding(
            f"Front matter has no '{field}'",
            _key_line(ctx, field),
            suggestion=f"Add a '{field}' field",
            fix=_add_field_fix(ctx, field),
        )


class RecommendedFieldsParams(RuleParams):
    """Params of FM003 (frontmatter-recommended-fields)."""

    fields: tuple[str, ...] = ("description",)


@rule(
    "FM003",
    "frontmatter-recommended-fields",
    "frontmatter",
    "warning",
    "Fields search engines and listings use (by default `description`) should be present. The fix "
    "adds a clearly marked placeholder description for an author to replace.",
    why="Search engines and listings show the description; without it they pick an arbitrary snippet.",
    good="---\ntitle: Convert a Document to PDF\ndescription: Learn how to convert a Word document to PDF "
    "in Java with Aspose.Words.\n---",
    bad="---\ntitle: Convert a Document to PDF\n---",
    fixable=True,
    params=RecommendedFieldsParams,
)
def recommended_fields(ctx: CheckContext, params: RecommendedFieldsParams) -> Iterable[Finding]:
    for field in _missing(ctx, params.fields):
        yield Finding(
            f"Front matter has no '{field}'",
            _key_line(ctx, field),
            suggestion=f"Add a '{field}' field",
            fix=_add_field_fix(ctx, field),
        )


_KEY_PREFIX = re.compile(r"[ \t]*[\w-]+[ \t]*:[ \t]*")
_COMMENT = re.compile(r"(?:^|[ \t])#")


def _scalar_value(line: str) -> tuple[int, str] | None:
    """(column offset, text) of a one-line `key: value` value, without a trailing comment or
    blanks; None when the line is not `key: ...`."""
    prefix = _KEY_PREFIX.match(line)
    if prefix is None:
        return None
    rest = line[prefix.end() :]
    comment = _COMMENT.search(rest)
    if comment is not None:
        rest = rest[: comment.start()]
    return prefix.end(), rest.rstrip(" \t\r")


class StringFieldsParams(RuleParams):
    """Params of FM004 (frontmatter-string-fields). `non_editable`: fields the fix never rewrites."""

    fields: tuple[str, ...] = ("title", "description", "author", "linktitle", "second_title", "articleTitle")
    non_editable: tuple[str, ...] = NON_EDITABLE_FIELDS


@rule(
    "FM004",
    "frontmatter-string-fields",
    "frontmatter",
    "error",
    "Text fields must be strings: `title: 2024` or `title: yes` load as a number or a boolean. The "
    "fix quotes the value, unless the field is non-editable.",
    why="A title that YAML reads as a number or a boolean renders as `2024` or `true`, or breaks templates "
    "that expect text.",
    good='---\ntitle: Release Notes\nlinktitle: "2024"\n---',
    bad="---\ntitle: Release Notes\nlinktitle: 2024\n---",
    fixable=True,
    params=StringFieldsParams,
)
def string_fields(ctx: CheckContext, params: StringFieldsParams) -> Iterable[Finding]:
    data = _data(ctx)
    if not data:
        return
    protected = set(params.non_editable)
    for field in params.fields:
        value = data.get(field)
        if value is None or isinstance(value, str):
            continue
        line = _key_line(ctx, field)
        fix = None if field in protected else _quote_fix(ctx.doc, line)
        yield Finding(
            f"Front matter '{field}' should be text, not {_type_name(value)}",
            line,
            suggestion="Quote the value",
            fix=fix,
        )


def _quote_fix(doc: ParsedDocument, line: int) -> tuple[TextEdit, ...] | None:
    if doc.front_matter.format != "yaml":
        return None  # the edit reads YAML's `key: value` lines
    scalar = _scalar_value(doc.lines[line - 1])
    if scalar is None or not scalar[1] or scalar[1][0] in "[{|>&*!'\"":
        return None
    column, value = scalar
    start = doc.line_starts[line - 1] + column
    return (TextEdit(start, start + len(value), json.dumps(value, ensure_ascii=False)),)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


class ListFieldsParams(RuleParams):
    """Params of FM005 (frontmatter-list-fields)."""

    fields: tuple[str, ...] = ("tags", "categories", "keywords", "aliases")


@rule(
    "FM005",
    "frontmatter-list-fields",
    "frontmatter",
    "warning",
    "Fields that hold several values (tags, categories, keywords, aliases) must be YAML lists.",
    why="Templates iterate over these fields; a plain string is split into characters or dropped.",
    good="---\ntags: [pdf, conversion]\n---",
    bad="---\ntags: pdf, conversion\n---",
    params=ListFieldsParams,
)
def list_fields(ctx: CheckContext, params: ListFieldsParams) -> Iterable[Finding]:
    data = _data(ctx)
    if not data:
        return
    for field in params.fields:
        value = data.get(field)
        if value is not None and not isinstance(value, list):
            yield Finding(
                f"Front matter '{field}' should be a list, not {_type_name(value)}",
                _key_line(ctx, field),
                suggestion=f"Write it as a list: {field}: [a, b]",
            )


class DateFieldsParams(RuleParams):
    """Params of FM006 (frontmatter-date-fields)."""

    fields: tuple[str, ...] = ("date", "lastmod", "publishDate", "expiryDate", "published_date", "updated_date")


@rule(
    "FM006",
    "frontmatter-date-fields",
    "frontmatter",
    "warning",
    "Date fields must be ISO 8601 dates (`2024-01-27` or `2024-01-27T14:07:04Z`), which Hugo and feeds read reliably.",
    why="Dates Hugo and feed readers cannot parse sort pages wrongly or drop them from feeds.",
    good="---\ndate: 2024-01-27\n---",
    bad="---\ndate: 27/01/2024\n---",
    params=DateFieldsParams,
)
def date_fields(ctx: CheckContext, params: DateFieldsParams) -> Iterable[Finding]:
    data = _data(ctx)
    if not data:
        return
    for field in params.fields:
        value = data.get(field)
        if value is None or isinstance(value, (datetime.date, datetime.datetime)):
            continue
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            continue
        yield Finding(
            f"Front matter '{field}' is not an ISO date: {str(value)[:40]!r}",
            _key_line(ctx, field),
            suggestion="Write it as YYYY-MM-DD",
        )


def _length_findings(ctx: CheckContext, field: str, minimum: int, maximum: int) -> Iterable[Finding]:
    data = _data(ctx)
    value = data.get(field) if data else None
    if not isinstance(value, str) or not value.strip():
        return
    length = len(value.strip())
    if length < minimum:
        yield Finding(f"Front matter '{field}' is {length} characters long (min {minimum})", _key_line(ctx, field))
    elif length > maximum:
        yield Finding(f"Front matter '{field}' is {length} characters long (max {maximum})", _key_line(ctx, field))


class TitleLengthParams(RuleParams):
    """Params of FM007 (frontmatter-title-length)."""

    min_length: int = Field(10, ge=0)
    max_length: int = Field(100, ge=1)


@rule(
    "FM007",
    "frontmatter-title-length",
    "frontmatter",
    "warning",
    "A title should be long enough to say what the page is about and short enough to show in full "
    "in search results (10-100 characters by default; strict publishing uses 70).",
    why="Search results cut long titles and short ones do not say what the page is about.",
    good="---\ntitle: Convert a Document to PDF in Java\n---",
    bad="---\ntitle: Convert\n---",
    params=TitleLengthParams,
)
def title_length(ctx: CheckContext, params: TitleLengthParams) -> Iterable[Finding]:
    return _length_findings(ctx, "title", params.min_length, params.max_length)


class DescriptionLengthParams(RuleParams):
    """Params of FM008 (frontmatter-description-length)."""

    min_length: int = Field(50, ge=0)
    max_length: int = Field(160, ge=1)


@rule(
    "FM008",
    "frontmatter-description-length",
    "frontmatter",
    "info",
    "A description of 50-160 characters is what search engines show as the page summary.",
    why="The description is the summary search engines show; too short says nothing, too long is cut.",
    good="---\ndescription: Learn how to convert a Word document to PDF in Java with Aspose.Words.\n---",
    bad="---\ndescription: PDF conversion.\n---",
    params=DescriptionLengthParams,
)
def description_length(ctx: CheckContext, params: DescriptionLengthParams) -> Iterable[Finding]:
    return _length_findings(ctx, "description", params.min_length, params.max_length)


class ForbiddenFieldsParams(RuleParams):
    """Params of FM009 (frontmatter-forbidden-fields)."""

    fields: tuple[str, ...] = ()


@rule(
    "FM009",
    "frontmatter-forbidden-fields",
    "frontmatter",
    "error",
    "Fields a site bans (param `fields`, empty by default; for example `draft` on a release branch) "
    "must not be present.",
    why="Some fields must never reach a published branch (a `draft: true` hides the page).",
    good="---\ntitle: Convert a Document to PDF\n---",
    bad="---\ntitle: Convert a Document to PDF\ndraft: true\n---",
    example_params={"fields": ["draft"]},
    params=ForbiddenFieldsParams,
)
def forbidden_fields(ctx: CheckContext, params: ForbiddenFieldsParams) -> Iterable[Finding]:
    data = _data(ctx)
    if not data or not params.fields:
        return
    for field in params.fields:
        if field in data:
            yield Finding(f"Front matter field '{field}' is not allowed", _key_line(ctx, field))


class UnknownFieldsParams(RuleParams):
    """Params of FM010 (frontmatter-unknown-fields). `fields`: the fields a page may have."""

    fields: tuple[str, ...] = KNOWN_FIELDS


@rule(
    "FM010",
    "frontmatter-unknown-fields",
    "frontmatter",
    "info",
    "Fields the site does not know are usually typos (`descripton`) and are silently ignored. Known "
    "fields are Hugo's own plus param `fields`.",
    why="An unknown field is usually a typo of a known one, so the value the writer meant is silently ignored.",
    good="---\ntitle: Convert a Document to PDF\ndescription: How to convert a document.\n---",
    bad="---\ntitle: Convert a Document to PDF\ndescripton: How to convert a document.\n---",
    params=UnknownFieldsParams,
)
def unknown_fields(ctx: CheckContext, params: UnknownFieldsParams) -> Iterable[Finding]:
    data = _data(ctx)
    if not data:
        return
    known = _KNOWN_SET if params.fields is KNOWN_FIELDS else frozenset(params.fields)
    for field in data:
        if isinstance(field, str) and field not in known:
            yield Finding(f"Unknown front matter field '{field}'", _key_line(ctx, field))
