"""A validated truth table plus the lookup structures the checks need, built once.

`TruthTable` wraps the schema model (`spec`) and lazily derives indexes: plugins by id,
the API of each platform (classes with inherited members, enums), formats and product
names. Other modules keep their own compiled artefacts (regexes, matchers) on the table
through `cached`, so each is built once per table, never per page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from chalicelib.engine.truth.schema import PluginSpec, StdlibSpec, TruthTableSpec

T = TypeVar("T")

_GETTER = re.compile(r"^(?:get|set|is)(?=[A-Z_])|^(?:get_|set_|is_)")


def normalise_member(name: str) -> str:
    """A naming-neutral key: `getText`, `Text`, `text`, `get_text` all become `text`."""
    return _GETTER.sub("", name).replace("_", "").lower()


def normalise_enum_value(name: str) -> str:
    """`FLAT_OPC`, `FlatOpc` and `flat_opc` all become `flatopc`."""
    return name.replace("_", "").lower()


@dataclass(slots=True)
class ClassInfo:
    name: str
    plugin: str
    extends: str | None
    members: dict[str, str | None] = field(default_factory=dict)  # member -> returned class


def _parse_member(written: str) -> tuple[str, str | None]:
    """`getRange:Range` -> ("getRange", "Range"); `save` -> ("save", None)."""
    name, _, returns = written.partition(":")
    return name, returns or None


@dataclass(slots=True)
class PlatformApi:
    """The API of one platform. `exact` is False for platforms that borrow another
    platform's data under a different naming convention: lookups then compare
    normalised names."""

    platform: str
    exact: bool
    namespaces: tuple[str, ...]
    classes: dict[str, ClassInfo]
    enums: dict[str, set[str]]
    enum_plugins: dict[str, str]
    stdlib: frozenset[str]  # standard-library names that are not product types
    ambiguous: frozenset[str]  # names both in the standard library and the product
    third_party: frozenset[str]  # classes of other libraries (their blocks are not product code)
    _keys_cache: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def _key(self, member: str) -> str:
        return member if self.exact else normalise_member(member)

    def class_names(self) -> list[str]:
        return sorted(set(self.classes) | set(self.enums))

    def has_type(self, name: str) -> bool:
        return name in self.classes or name in self.enums

    def plugin_of(self, name: str) -> str | None:
        info = self.classes.get(name)
        return info.plugin if info else self.enum_plugins.get(name)

    def members_of(self, name: str) -> dict[str, str | None]:
        """Own and inherited members with their returned class (own definitions win)."""
        members: dict[str, str | None] = {}
        seen: set[str] = set()
        current: str | None = name
        while current and current not in seen and current in self.classes:
            seen.add(current)
            info = self.classes[current]
            for member, returns in info.members.items():
                if members.get(member) is None:
                    members[member] = returns
            current = info.extends
        return members

    def member_type(self, class_name: str, member: str) -> str | None:
        """The class a member returns, when the table says so."""
        return self._member_map(class_name).get(self._key(member))

    def has_member(self, class_name: str, member: str) -> bool:
        if class_name in self.enums:
            key = member if self.exact else normalise_enum_value(member)
            values = self.enums[class_name]
            if key in values or member in {"values", "toString", "fromName", "getName", "name"}:
                return True
        return self._key(member) in self._member_map(class_name)

    def _member_map(self, class_name: str) -> dict[str, str | None]:
        cache = self._keys_cache
        keys = cache.get(class_name)
        if keys is None:
            keys = {self._key(member): returns for member, returns in self.members_of(class_name).items()}
            cache[class_name] = keys
        return keys


class TruthTable:
    """One family's truth data with derived indexes (built lazily, once)."""

    def __init__(self, spec: TruthTableSpec, stdlib: StdlibSpec) -> None:
        self.spec = spec
        self.stdlib = stdlib
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"TruthTable({self.spec.family!r}, plugins={len(self.spec.plugins)})"

    @property
    def family(self) -> str:
        return self.spec.family

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Artefacts other modules derive from the table (compiled once per table)."""
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = build()
        return value

    @cached_property
    def plugins(self) -> dict[str, PluginSpec]:
        return {plugin.id: plugin for plugin in self.spec.plugins}

    def plugin_link(self, plugin_id: str, platform: str | None) -> str | None:
        """The plugin's documentation page for a platform; None when the template depends on
        the platform and the page's platform is unknown (no link rather than another
        platform's: a .NET page is never sent to the Java documentation)."""
        folder = self.spec.docs_platforms.get(platform) if platform else None
        if "{platform}" in self.spec.link_template and folder is None:
            return None
        return self.spec.link_template.format(slug=self.plugins[plugin_id].slug, id=plugin_id, platform=folder)

    @cached_property
    def product_names(self) -> frozenset[str]:
        names = {self.spec.product_name}
        names.update(platform.product for platform in self.spec.platforms.values())
        return frozenset(names)

    @cached_property
    def load_formats(self) -> frozenset[str]:
        return frozenset(self.spec.formats.load)

    @cached_property
    def save_formats(self) -> frozenset[str]:
        return frozenset(self.spec.formats.save)

    @cached_property
    def embed_formats(self) -> frozenset[str]:
        return frozenset(self.spec.formats.embed)

    @cached_property
    def language_platforms(self) -> dict[str, str]:
        """Code label -> platform (first declared platform wins for shared labels)."""
        mapping: dict[str, str] = {}
        for name, platform in self.spec.platforms.items():
            for language in platform.languages:
                mapping.setdefault(language.lower(), name)
        return mapping

    def api(self, platform: str | None) -> PlatformApi | None:
        """The API of a platform (None when the table does not cover it)."""
        if platform is None or platform not in self.spec.platforms:
            return None
        return self.cached(f"api:{platform}", lambda: self._build_api(platform))

    def _build_api(self, platform: str) -> PlatformApi:
        declared = self.spec.platforms[platform]
        source = declared.api_from or platform
        exact = declared.api_from is None or declared.naming == "same"
        classes: dict[str, ClassInfo] = {}
        enums: dict[str, set[str]] = {}
        enum_plugins: dict[str, str] = {}
        namespaces = list(declared.namespaces)
        for plugin in self.spec.plugins:
            api = plugin.api.get(source)
            if api is None:
                continue
            namespaces.extend(api.namespaces if source == platform else ())
            for name, spec in api.classes.items():
                info = classes.get(name)
                if info is None:
                    info = classes[name] = ClassInfo(name, plugin.id, spec.extends)
                elif spec.extends and not info.extends:
                    info.extends = spec.extends
                for written in spec.members:
                    member, returns = _parse_member(written)
                    if info.members.get(member) is None:
                        info.members[member] = returns
            for name, values in api.enums.items():
                keyed = values if exact else [normalise_enum_value(value) for value in values]
                enums.setdefault(name, set()).update(keyed)
                enum_plugins.setdefault(name, plugin.id)
        stdlib_names = self.stdlib.classes.get(platform) or self.stdlib.classes.get(source) or []
        product_types = set(classes) | set(enums)
        third_party = self.stdlib.third_party.get(platform) or self.stdlib.third_party.get(source) or []
        return PlatformApi(
            platform,
            exact,
            tuple(dict.fromkeys(namespaces)),
            classes,
            enums,
            enum_plugins,
            frozenset(stdlib_names) - product_types,
            frozenset(stdlib_names) & product_types,
            frozenset(third_party) - product_types,
        )
