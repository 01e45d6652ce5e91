"""A validated truth table plus the lookup structures the checks need, built once.

`TruthTable` wraps the schema model (`spec`) and lazily derives indexes: plugins by id,
the API of each platform (`PlatformApi`: the platform's generated table, read on first use,
with the hand-written hints), formats and product names. Other modules keep their own
compiled artefacts (regexes, matchers) on the table through `cached`, so each is built once per table, never per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from chalicelib.engine.truth.errors import TruthTableError
from chalicelib.engine.truth.inventory import (
    ENUM_HELPERS,
    ApiTable,
    TableInfo,
    load_api_table,
    load_family_names,
    normalise_member,
    table_path,
)
from chalicelib.engine.truth.schema import PlatformId, PluginSpec, StdlibSpec, TruthTableSpec, is_platform

T = TypeVar("T")
MAX_REMEMBERED_MEMBERS = 50_000  # (type, member) answers kept per platform before starting over


def _remembered(answers: dict[tuple[str, str], T], key: tuple[str, str], answer: Callable[[str, str], T]) -> T:
    """`answer(*key)`, kept in `answers`; bounded: a flood of invented names starts it over."""
    if key in answers:
        return answers[key]
    if len(answers) >= MAX_REMEMBERED_MEMBERS:
        answers.clear()
    found = answers[key] = answer(*key)
    return found


class _EnumView(Mapping[str, frozenset[str]]):
    """The platform's enums (and constant classes) as a read-only mapping, built per name on
    demand: enum name -> its values as written."""

    def __init__(self, api: PlatformApi) -> None:
        self._api = api
        self._values: dict[str, frozenset[str]] = {}

    def __contains__(self, name: object) -> bool:
        inventory = self._api.inventory
        return isinstance(name, str) and inventory is not None and inventory.is_enum(name)

    def __getitem__(self, name: str) -> frozenset[str]:
        if name not in self:
            raise KeyError(name)
        values = self._values.get(name)
        if values is None:
            values = self._values[name] = self._api.inventory.enum_values(name)  # type: ignore[union-attr]
        return values

    def __iter__(self) -> Iterator[str]:
        inventory = self._api.inventory
        return iter(name for name in (inventory.type_names if inventory else ()) if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class PlatformApi:
    """The product API on one platform, as the code checks see it: the generated table
    (`inventory`) plus the hand-written hints a table cannot hold (which plugin a type
    belongs to, what a member returns, standard-library and third-party names).

    `complete` is True only when the platform's table is complete: then a type or member the
    table lacks is a finding. On an incomplete platform nothing is contradicted: every member
    of a known type resolves. (A table derived from other platforms' inventories, such as
    Slides .NET/C++ from Python via .NET and Java, compares names normalised: see ApiTable.)
    A member counts as present when any type of the platform lists it, because the tables
    record no inheritance: an invented method is one that exists nowhere.
    """

    def __init__(
        self,
        platform: str,
        inventory: ApiTable | None,
        type_plugins: Mapping[str, str],
        returns: Mapping[tuple[str, str], str],
        stdlib: Iterable[str],
        third_party: Iterable[str],
        object_members: Iterable[str] = (),
    ) -> None:
        self.platform = platform
        self.inventory = inventory
        self.complete = bool(inventory is not None and inventory.complete)
        self.namespaces: tuple[str, ...] = inventory.namespaces if inventory else ()
        self._type_plugins = type_plugins
        self._returns = returns
        product_types = set(inventory.type_names) if inventory else set()
        stdlib_names = set(stdlib)
        self.stdlib = frozenset(stdlib_names - product_types)  # standard-library names that are not product types
        self.ambiguous = frozenset(stdlib_names & product_types)  # in both the standard library and the product
        self.third_party = frozenset(set(third_party) - product_types)  # other libraries (their blocks are skipped)
        self.object_members = frozenset(object_members)  # every object's (`getClass`, `.class`)
        self.enums: Mapping[str, frozenset[str]] = _EnumView(self)
        self._members_seen: dict[tuple[str, str], bool] = {}
        self._types_seen: dict[tuple[str, str], str | None] = {}

    def __repr__(self) -> str:
        return f"PlatformApi({self.platform!r}, {self.inventory!r})"

    def class_names(self) -> list[str]:
        """Every product type name of the platform, sorted."""
        return list(self.inventory.type_names) if self.inventory else []

    def has_type(self, name: str) -> bool:
        return self.inventory is not None and self.inventory.has_type(name)

    def plugin_of(self, name: str) -> str | None:
        """The plugin a type belongs to (hand-written in the family table), if any."""
        return self._type_plugins.get(name)

    def members_of(self, name: str) -> dict[str, str | None]:
        """The members the table lists on a type, with the returned type where known."""
        if self.inventory is None:
            return {}
        return {member: self.member_type(name, member) for member in self.inventory.members(name)}

    def member_type(self, class_name: str, member: str) -> str | None:
        """`_member_type`, remembered per platform like `has_member`."""
        return _remembered(self._types_seen, (class_name, member), self._member_type)

    def _member_type(self, class_name: str, member: str) -> str | None:
        """The type a member returns, when the family table says so (for following chains),
        or the nested type a member names (`ExcelSaveOptions.ExcelFormat`)."""
        if self.inventory is not None and member[:1].isupper():
            nested = self.inventory.nested_type(class_name, member)
            if nested:
                return nested
        key = normalise_member(member)
        return self._returns.get((class_name, key)) or self._returns.get(("", key))

    def has_member(self, class_name: str, member: str) -> bool:
        """Whether the table lets `class_name.member` stand (see `_has_member`); remembered per
        platform, since code asks about the same few members on every page."""
        return _remembered(self._members_seen, (class_name, member), self._has_member)

    def _has_member(self, class_name: str, member: str) -> bool:
        """The member exists on the (known) type, or on any type of the platform (it may be
        inherited), or is a nested type, or every object has it (`getClass`), or the table
        cannot contradict it: the platform's table is incomplete, or it names the type without
        listing any member. Enum values are never inherited: only the enum's own count."""
        inventory = self.inventory
        if inventory is None or not inventory.has_type(class_name):
            return False
        if not self.complete or member in self.object_members or not inventory.members(class_name):
            return True
        if inventory.nested_type(class_name, member):
            return True
        if inventory.is_enum(class_name):
            return inventory.has_member(class_name, member) or member in ENUM_HELPERS
        return inventory.has_member(class_name, member) or inventory.member_anywhere(member)


class TruthTable:
    """One family's truth data with derived indexes (built lazily, once)."""

    def __init__(
        self,
        spec: TruthTableSpec,
        stdlib: StdlibSpec,
        api_dir: Path | None = None,
        tables: Mapping[str, TableInfo] | None = None,
    ) -> None:
        self.spec = spec
        self.stdlib = stdlib
        self.api_dir = api_dir  # config/truth/api (generated tables)
        self.tables: Mapping[str, TableInfo] = tables or {}  # this family's generated tables by id
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"TruthTable({self.spec.family!r}, plugins={len(self.spec.plugins)})"

    @property
    def family(self) -> str:
        return self.spec.family

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Artefacts other modules derive from the table (compiled once per table)."""
        value: T | None = self._cache.get(key)
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
        folder = self.spec.docs_platforms.get(platform) if is_platform(platform) else None
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
        """The API of a platform (None when the table does not declare the platform). The
        platform's generated table is read on first use, then kept."""
        if not is_platform(platform) or platform not in self.spec.platforms:
            return None
        return self.cached(f"api:{platform}", lambda: self._build_api(platform))

    def inventory(self, table: str) -> ApiTable:
        """A generated table of this family by its id (`java`, `python-net`...), read once."""
        return self.cached(f"inventory:{table}", lambda: self._load_inventory(table))

    def _load_inventory(self, table: str) -> ApiTable:
        info = self.tables.get(table)
        if info is None or self.api_dir is None:
            raise TruthTableError(f"{self.family}.yaml", "platforms", f"no generated API table {table!r}")
        return load_api_table(table_path(self.api_dir, self.family, table), info)

    def platform_complete(self, platform: str) -> bool:
        """Whether the platform's API table is complete (known without reading the table)."""
        declared = self.spec.platforms.get(platform) if is_platform(platform) else None
        if declared is None or declared.api is None:
            return False
        info = self.tables.get(declared.api)
        return bool(info and info.complete)

    @cached_property
    def _type_plugins(self) -> dict[str, str]:
        """Type name -> the first plugin that names it."""
        owners: dict[str, str] = {}
        for plugin in self.spec.plugins:
            for name in plugin.types:
                owners.setdefault(name, plugin.id)
        return owners

    @cached_property
    def _returns(self) -> dict[tuple[str, str], str]:
        """(type, normalised member) -> returned type, plus ("", member) where every type
        that declares the member agrees on what it returns."""
        returns: dict[tuple[str, str], str] = {}
        by_member: dict[str, set[str]] = {}
        for written, returned in self.spec.returns.items():
            owner, _, member = written.rpartition(".")
            key = normalise_member(member)
            returns[(owner, key)] = returned
            by_member.setdefault(key, set()).add(returned)
        returns.update((("", key), next(iter(types))) for key, types in by_member.items() if len(types) == 1)
        return returns

    def _build_api(self, platform: PlatformId) -> PlatformApi:
        declared = self.spec.platforms[platform]
        inventory = self.inventory(declared.api) if declared.api else None
        return PlatformApi(
            platform,
            inventory,
            self._type_plugins,
            self._returns,
            self.stdlib.classes.get(platform, ()),
            self.stdlib.third_party.get(platform, ()),
            self.stdlib.object_members.get(platform, ()),
        )

    @cached_property
    def type_names(self) -> frozenset[str]:
        """Every type name of the family on any platform (the generated `_types.txt`): a real
        name is never reported as a misspelling of another."""
        if self.api_dir is None:
            return frozenset()
        return load_family_names(self.api_dir, self.family)
