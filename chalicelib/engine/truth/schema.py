"""The shape of a truth table file (config/truth/<family>.yaml), as pydantic models.

Every model forbids unknown keys so a typo in a table fails at load instead of being
silently ignored. Cross-references (dependencies, combinations, returns keys) are checked by
`cross_reference_errors`, which returns (field path, reason) pairs for the loader.
"""

from __future__ import annotations

import re
from typing import Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Field, field_validator

# "python" and "nodejs" are the products' main Python and Node.js flavours (via .NET or C++,
# see each family's product names); "python-java" and "nodejs-java" are the "via Java" ones,
# which call the Java API by its Java names.
PlatformId = Literal["net", "java", "cpp", "python", "nodejs", "android", "php", "go", "python-java", "nodejs-java"]
PLATFORMS: tuple[PlatformId, ...] = (
    "net",
    "java",
    "cpp",
    "python",
    "nodejs",
    "android",
    "php",
    "go",
    "python-java",
    "nodejs-java",
)


def is_platform(name: str | None) -> TypeGuard[PlatformId]:
    """Whether `name` is a platform id (for the tables keyed by one)."""
    return name in PLATFORMS


_ID = r"^[a-z][a-z0-9_]*$"
_FORMAT = re.compile(r"^[A-Z0-9][A-Z0-9_]*$")
_RETURNS_KEY = re.compile(r"^[A-Za-z_]\w*\.[A-Za-z_]\w*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"invalid regular expression {value!r}: {error}") from None
    return value


def _check_formats(values: list[str]) -> list[str]:
    for value in values:
        if not _FORMAT.match(value):
            raise ValueError(f"format {value!r} must be upper-case letters, digits or _")
    return values


class PlatformSpec(_Model):
    """How a product ships on one platform."""

    product: str  # canonical product name, e.g. "Aspose.Words for Java"
    languages: list[str] = Field(min_length=1)  # code labels written for this platform
    namespaces: list[str] = Field(default_factory=list)  # import/using names that mark the platform's code
    # The generated API table (config/truth/api/<family>/<api>.json, by scripts/gen_api_tables.py);
    # none: the platform's API is unknown and never checked.
    api: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")


class PluginSpec(_Model):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=2)
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: Literal["processor", "feature"] = "feature"
    description: str = ""
    aliases: list[str] = Field(default_factory=list)
    platforms: list[PlatformId] = Field(default_factory=lambda: list(PLATFORMS))
    types: list[str] = Field(default_factory=list)  # product types this plugin is about (detection)
    load_formats: list[str] = Field(default_factory=list)
    save_formats: list[str] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list)

    _formats = field_validator("load_formats", "save_formats")(_check_formats)


class CombinationSpec(_Model):
    """Plugins used together; a trigger match raises each member's detection confidence."""

    name: str
    plugins: list[str] = Field(min_length=2)
    triggers: list[str] = Field(default_factory=list)
    confidence_boost: float = Field(default=0.1, ge=0, le=1)
    required_all: bool = True

    @field_validator("triggers")
    @classmethod
    def _triggers_compile(cls, values: list[str]) -> list[str]:
        return [_check_regex(value) for value in values]


class ForbiddenPattern(_Model):
    id: str = Field(pattern=_ID)
    pattern: str
    message: str
    replacement: str | None = None  # literal replacement text (the fix)
    scope: Literal["prose", "code", "all"] = "all"
    ignore_case: bool = False

    _pattern = field_validator("pattern")(_check_regex)


class PlatformFormatsSpec(_Model):
    """Formats of the family that one platform lacks (its LoadFormat/SaveFormat enums)."""

    not_load: list[str] = Field(default_factory=list)
    not_save: list[str] = Field(default_factory=list)

    _formats = field_validator("not_load", "not_save")(_check_formats)


class FormatsSpec(_Model):
    load: list[str] = Field(min_length=1)
    save: list[str] = Field(min_length=1)
    embed: list[str] = Field(default_factory=list)  # content formats taken in (images)
    aliases: dict[str, str] = Field(default_factory=dict)  # spelling in prose -> format id
    platforms: dict[PlatformId, PlatformFormatsSpec] = Field(default_factory=dict)

    _formats = field_validator("load", "save", "embed")(_check_formats)


class TruthTableSpec(_Model):
    family: str = Field(pattern=_ID)
    version: str
    product_name: str  # e.g. "Aspose.Words"
    misspellings: list[str] = Field(default_factory=list)
    platforms: dict[PlatformId, PlatformSpec] = Field(min_length=1)
    formats: FormatsSpec
    plugins: list[PluginSpec] = Field(min_length=1)
    # What a member returns, for following call chains (`Type.member: ReturnType`, Java names;
    # other platforms match by normalised name). The generated tables hold no return types.
    returns: dict[str, str] = Field(default_factory=dict)
    combinations: list[CombinationSpec] = Field(default_factory=list)
    required_fields: list[str] = Field(default_factory=list)
    forbidden_patterns: list[ForbiddenPattern] = Field(default_factory=list)
    # The documentation site folder of each platform ("python-net"), for `{platform}` in link_template.
    docs_platforms: dict[PlatformId, str] = Field(default_factory=dict)
    link_template: str  # a plugin page: {slug}, {id} and optionally {platform}

    @field_validator("link_template")
    @classmethod
    def _template_has_slug(cls, value: str) -> str:
        if "{slug}" not in value:
            raise ValueError("link_template must contain {slug}")
        return value


class StdlibSpec(_Model):
    """Shared names that belong to no family (config/truth/_stdlib.yaml): standard-library
    classes per platform (never product API), third-party classes (a block using them is
    that library's code), file formats of the wider
    world (so a claim about one the family lacks is recognised as a format claim), the
    correctly spelled names of other products (never "misspellings"), and the members every
    object has from the language (`getClass`, `GetType`), which API tables do not list."""

    classes: dict[PlatformId, list[str]] = Field(default_factory=dict)
    third_party: dict[PlatformId, list[str]] = Field(default_factory=dict)
    formats: list[str] = Field(default_factory=list)
    format_aliases: dict[str, str] = Field(default_factory=dict)
    products: list[str] = Field(default_factory=list)
    object_members: dict[PlatformId, list[str]] = Field(default_factory=dict)  # toString, GetType, `.class`...

    _formats = field_validator("formats")(_check_formats)


def cross_reference_errors(spec: TruthTableSpec) -> list[tuple[str, str]]:
    """(field path, reason) for references inside a table that point nowhere."""
    errors: list[tuple[str, str]] = []
    ids = [plugin.id for plugin in spec.plugins]
    seen: set[str] = set()
    for index, plugin_id in enumerate(ids):
        if plugin_id in seen:
            errors.append((f"plugins[{index}].id", f"duplicate plugin id {plugin_id!r}"))
        seen.add(plugin_id)
    for index, plugin in enumerate(spec.plugins):
        for dep_index, dependency in enumerate(plugin.dependencies):
            if dependency not in seen:
                errors.append((f"plugins[{index}].dependencies[{dep_index}]", f"unknown plugin id {dependency!r}"))
    for index, combination in enumerate(spec.combinations):
        for member_index, member in enumerate(combination.plugins):
            if member not in seen:
                errors.append((f"combinations[{index}].plugins[{member_index}]", f"unknown plugin id {member!r}"))
    for written in spec.returns:
        if not _RETURNS_KEY.match(written):
            errors.append((f"returns.{written}", "the key must be written Type.member"))
    for platform, lacks in spec.formats.platforms.items():
        if platform not in spec.platforms:
            errors.append((f"formats.platforms.{platform}", f"platform {platform!r} is not declared in platforms"))
        for field_name, listed, known in (
            ("not_load", lacks.not_load, spec.formats.load),
            ("not_save", lacks.not_save, spec.formats.save),
        ):
            for index, fmt in enumerate(listed):
                if fmt not in known:
                    errors.append(
                        (f"formats.platforms.{platform}.{field_name}[{index}]", f"{fmt!r} is not a family format")
                    )
    for platform in spec.docs_platforms:
        if platform not in spec.platforms:
            errors.append((f"docs_platforms.{platform}", f"platform {platform!r} is not declared in platforms"))
    if "{platform}" in spec.link_template and not spec.docs_platforms:
        errors.append(("link_template", "{platform} needs docs_platforms"))
    for fmt_alias, target in spec.formats.aliases.items():
        if target not in {*spec.formats.load, *spec.formats.save, *spec.formats.embed}:
            errors.append((f"formats.aliases.{fmt_alias}", f"{target!r} is not a load, save or embed format"))
    return errors
