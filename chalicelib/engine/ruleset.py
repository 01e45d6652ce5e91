"""The ruleset: every registered rule, the profiles and family overrides in `config/`,
project overrides and the truth tables, resolved into per-rule settings, with a version
hash that changes whenever any of them changes (it keys the result cache).

Resolution for one rule, later steps winning: the rule's own metadata (severity, params)
-> the profile (`config/profiles/<name>.yaml`) -> the family (`config/families/<family>.yaml`)
-> the project (`.tbcv.yaml`, passed in as `overrides`). The profile used is the one asked
for, else the project's, else the family's, else `default`.

A profile or override file has this shape (every key optional):

    description: what the profile is for
    extends: default          # start from another profile's settings
    categories: {seo: off}    # switch whole categories off (or back on)
    levels: {info: off}       # re-level rules by their severity so far
    rules:                    # by id or alias: a level, or a mapping of level and params
      MD009: off
      MD024: {level: warning, siblings_only: true}

A family file may also name `profile:`. The version also covers the engine's source code,
so a changed check never reuses results cached under the old one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chalicelib.engine import rules as _rules  # noqa: F401 - registers every rule
from chalicelib.engine.markdownlint_config import config_digest
from chalicelib.engine.markdownlint_names import MARKDOWNLINT_CATEGORY, markdownlint_names, rule_params
from chalicelib.engine.model import CATEGORIES, SEVERITIES, Severity
from chalicelib.engine.rules.registry import REGISTRY, Rule, RuleParams, RuleParamsError
from chalicelib.engine.sources import config_dir, engine_source_digest
from chalicelib.engine.truth import TruthRegistry, load_truth_registry

DEFAULT_PROFILE = "default"
OFF = "off"
_LEVELS = (*SEVERITIES, OFF)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SETTINGS_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """One enabled rule as a profile/family/project resolved it."""

    rule: Rule
    severity: Severity
    params: RuleParams


@dataclass(frozen=True, slots=True)
class ResolvedRules:
    """The rules one profile and family resolve to (with the markdownlint configuration of a
    page): each enabled rule with its severity and params."""

    profile: str
    family: str | None
    rules: tuple[RuleSetting, ...]
    # markdownlint rules switched off by configuration: an inline `markdownlint-enable`
    # comment can switch them back on for part of a page (markdownlint's semantics).
    dormant: tuple[RuleSetting, ...] = ()


@dataclass(slots=True)
class _Layer:
    """One configuration layer, normalised: categories/levels/rules -> 'off' or severity."""

    categories: dict[str, bool] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {level?, params}


@dataclass
class Ruleset:
    version: str
    profiles: dict[str, _Layer]
    families: dict[str, _Layer]
    family_profiles: dict[str, str]
    project: _Layer
    project_profile: str | None
    project_family: str | None
    truth: TruthRegistry
    _cache: dict[tuple[str, str | None, str], ResolvedRules] = field(default_factory=dict, repr=False)

    @property
    def profile_names(self) -> list[str]:
        return sorted(self.profiles)

    def profile_for(self, profile: str | None, family: str | None) -> str:
        name = profile or self.project_profile or self.family_profiles.get(family or "") or DEFAULT_PROFILE
        if name not in self.profiles:
            raise ValueError(f"unknown profile {name!r}; known profiles: {', '.join(self.profile_names)}")
        return name

    def settings(
        self, profile: str | None = None, family: str | None = None, markdownlint: Mapping[str, Any] | None = None
    ) -> ResolvedRules:
        """The enabled rules with their severity and params for this profile and family, with a
        markdownlint config object (from `.markdownlint*` files and `markdownlint-configure-file`
        comments) layered between the family and the project's `.tbcv.yaml`."""
        name = self.profile_for(profile, family)
        key = (name, family, config_digest(markdownlint))
        cached = self._cache.get(key)
        if cached is None:
            md_layer = markdownlint_layer(markdownlint) if markdownlint else _Layer()
            layers = [self.profiles[name], self.families.get(family or "", _Layer()), md_layer, self.project]
            resolved = [_resolve(rule, layers) for rule in _ordered_rules()]
            cached = ResolvedRules(
                name,
                family,
                tuple(setting for setting in resolved if setting.severity != OFF),
                tuple(
                    RuleSetting(setting.rule, setting.rule.meta.severity, setting.params)
                    for setting in resolved
                    if setting.severity == OFF and setting.rule.meta.category == MARKDOWNLINT_CATEGORY
                ),
            )
            if len(self._cache) >= _SETTINGS_CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = cached
        return cached


def load_ruleset(config_dir_path: Path | None = None, *, overrides: dict[str, Any] | None = None) -> Ruleset:
    """The ruleset from `config_dir_path` (default: `config_dir()`) plus project overrides;
    without overrides the default ruleset is loaded once per process."""
    if config_dir_path is None and not overrides:
        return _default_ruleset(str(config_dir()))
    return _load(config_dir_path or config_dir(), overrides or {})


@lru_cache(maxsize=4)
def _default_ruleset(directory: str) -> Ruleset:
    return _load(Path(directory), {})


def reload_default_ruleset() -> Ruleset:
    """Forget the per-process default ruleset and read the configuration folder again
    (the reload_rules operation, through its context's `rules` port)."""
    _default_ruleset.cache_clear()
    return load_ruleset()


def _load(directory: Path, overrides: dict[str, Any]) -> Ruleset:
    digest = hashlib.sha256(engine_source_digest().encode())
    for rule in _ordered_rules():
        meta = rule.meta
        digest.update(
            json.dumps(
                [
                    meta.id,
                    meta.alias,
                    meta.category,
                    meta.severity,
                    meta.description,
                    meta.good,
                    meta.bad,
                    meta.fixable,
                    meta.params.model_dump(mode="json"),
                    meta.source,
                    meta.other_aliases,
                ],
                sort_keys=True,
                default=str,
            ).encode()
        )
    profile_data = _read_folder(directory / "profiles", digest)
    family_data = _read_folder(directory / "families", digest)
    if DEFAULT_PROFILE not in profile_data:
        raise ValueError(f"profile {DEFAULT_PROFILE!r} is missing from {directory / 'profiles'}")
    profiles = {name: _profile_layer(name, profile_data, ()) for name in profile_data}
    families = {name: _layer(data, f"families/{name}.yaml") for name, data in family_data.items()}
    family_profiles = {}
    for name, data in family_data.items():
        chosen = data.get("profile")
        if chosen is not None:
            if chosen not in profiles:
                raise ValueError(
                    f"families/{name}.yaml: unknown profile {chosen!r}; known profiles: {', '.join(sorted(profiles))}"
                )
            family_profiles[name] = chosen
    if not isinstance(overrides, dict):
        raise ValueError("project configuration must be a mapping")
    project = _layer(overrides, "project configuration")
    project_profile = overrides.get("profile")
    if project_profile is not None and project_profile not in profiles:
        raise ValueError(
            f"project configuration: unknown profile {project_profile!r}; known profiles: {', '.join(sorted(profiles))}"
        )
    truth = load_truth_registry(directory)
    digest.update(truth.fingerprint.encode())
    digest.update(json.dumps(overrides, sort_keys=True, default=str).encode())
    return Ruleset(
        version=digest.hexdigest()[:16],
        profiles=profiles,
        families=families,
        family_profiles=family_profiles,
        project=project,
        project_profile=project_profile,
        project_family=overrides.get("family"),
        truth=truth,
    )


def _ordered_rules() -> tuple[Rule, ...]:
    """Every rule, grouped by category (in the model's order), then by id."""
    return tuple(sorted(REGISTRY.values(), key=lambda rule: (CATEGORIES.index(rule.meta.category), rule.meta.id)))


def _read_folder(folder: Path, digest: Any) -> dict[str, dict[str, Any]]:
    """Every `*.yaml` in a folder as name -> mapping, hashed into the version."""
    data: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return data
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode())
        try:
            loaded = yaml.load(text, Loader=_LOADER) or {}  # nosec B506  # _LOADER is yaml's (C)SafeLoader
        except yaml.YAMLError as error:
            raise ValueError(f"{folder.name}/{path.name}: not valid YAML: {error}") from error
        if not isinstance(loaded, dict):
            raise ValueError(f"{folder.name}/{path.name}: must be a mapping")
        data[path.stem] = loaded
    return data


def _profile_layer(name: str, profiles: dict[str, dict[str, Any]], seen: tuple[str, ...]) -> _Layer:
    data = profiles[name]
    parent = data.get("extends")
    layer = _layer(data, f"profiles/{name}.yaml")
    if parent is None:
        return layer
    if parent not in profiles or parent in seen:
        raise ValueError(f"profiles/{name}.yaml: cannot extend {parent!r}")
    base = _profile_layer(parent, profiles, (*seen, name))
    merged = _Layer(
        {**base.categories, **layer.categories},
        {**base.levels, **layer.levels},
        {rule_id: dict(setting) for rule_id, setting in base.rules.items()},
    )
    for rule_id, setting in layer.rules.items():
        _merge_rule(merged.rules, rule_id, setting)
    return merged


def _layer(data: dict[str, Any], where: str) -> _Layer:
    layer = _Layer()
    for category, value in (data.get("categories") or {}).items():
        if category not in CATEGORIES:
            raise ValueError(f"{where}: unknown category {category!r}; known: {', '.join(CATEGORIES)}")
        layer.categories[category] = _level(value, where, category) != OFF
    for severity, value in (data.get("levels") or {}).items():
        if severity not in SEVERITIES:
            raise ValueError(f"{where}: 'levels' keys are severities ({', '.join(SEVERITIES)}), not {severity!r}")
        layer.levels[severity] = _level(value, where, severity)
    for key, value in (data.get("rules") or {}).items():
        rule = _find_rule(str(key), where)
        setting: dict[str, Any] = {"params": {}}
        if isinstance(value, dict):
            params = rule.meta.param_names
            for name, item in value.items():
                if name == "level" and not (name in params and type(item) is int):
                    # markdownlint's MD025/MD041 have a `level` param (a heading level, a number)
                    setting["level"] = _level(item, where, key)
                elif name == "enabled":
                    setting["level"] = rule.meta.severity if item else OFF
                elif name in params:
                    setting["params"][name] = item
                else:
                    known = ", ".join(sorted(params)) or "none"
                    raise ValueError(f"{where}: rule {key} has no param {name!r}; params: {known}")
            try:
                rule.meta.resolve_params(setting["params"])
            except RuleParamsError as error:
                raise ValueError(f"{where}: {error}") from None
        else:
            setting["level"] = _level(value, where, key)
        _merge_rule(layer.rules, rule.meta.id, setting)
    return layer


def _merge_rule(rules: dict[str, dict[str, Any]], rule_id: str, setting: dict[str, Any]) -> None:
    current = rules.setdefault(rule_id, {"params": {}})
    if "level" in setting:
        current["level"] = setting["level"]
    current["params"] = {**current["params"], **setting["params"]}


def _level(value: Any, where: str, key: Any) -> str:
    if value is False or value is None:  # YAML reads a bare `off` as false
        return OFF
    if value is True:
        value = "on"
    level = str(value).lower()
    if level not in _LEVELS and level != "on":
        raise ValueError(f"{where}: {key}: level must be one of {', '.join(_LEVELS)}, not {value!r}")
    return level


def _find_rule(key: str, where: str) -> Rule:
    rule = REGISTRY.get(key.upper())
    if rule is None:
        rule = next((candidate for candidate in REGISTRY.values() if key in candidate.meta.names), None)
    if rule is None:
        raise ValueError(f"{where}: unknown rule {key!r}")
    return rule


def _severity(rule: Rule, layers: list[_Layer]) -> str:
    """The rule's level after every layer; 'on' restores the default severity."""
    level: str = rule.meta.severity
    for layer in layers:
        if layer.categories.get(rule.meta.category) is False:
            level = OFF
        elif layer.categories.get(rule.meta.category) is True and level == OFF:
            level = rule.meta.severity
        if level != OFF and level in layer.levels:
            level = layer.levels[level]
        setting = layer.rules.get(rule.meta.id)
        if setting and "level" in setting:
            level = setting["level"]
        if level == "on":
            level = rule.meta.severity
    return level


def _resolve(rule: Rule, layers: list[_Layer]) -> RuleSetting:
    """The rule's severity and params after every layer (each layer's params were validated
    when it loaded; a `null` resets a param to its default)."""
    params: dict[str, Any] = {}
    for layer in layers:
        setting = layer.rules.get(rule.meta.id)
        if setting:
            params.update(setting["params"])
    return RuleSetting(rule, _severity(rule, layers), rule.meta.resolve_params(params))  # type: ignore[arg-type]


def markdownlint_layer(config: Mapping[str, Any]) -> _Layer:
    """A markdownlint `config` object as a ruleset layer, with markdownlint's reading of it:
    `default` (true/false/"warning") sets every markdownlint rule first; then each key naming
    rules (id, alias or markdownlint tag, any case) is `false`/`null` (off), `true` (on), `"warning"`/`"error"`
    (on at that level) or an object of params with optional `enabled` and `severity`. Keys
    naming no rule and params a rule does not have are ignored, as markdownlint ignores them.
    A plain `true` keeps tbcv's severity for the rule; only an explicit level changes it."""
    names = markdownlint_names()
    layer = _Layer()
    default = next((value for key, value in config.items() if str(key).upper() == "DEFAULT"), None)
    if default is not None:
        level = ("warning" if default == "warning" else "on") if default else OFF
        for rule_ids in names.values():
            for rule_id in rule_ids:
                layer.rules[rule_id] = {"level": level, "params": {}}
    params = {(key, rule_id): values for key, rule_id, values in rule_params(config)}
    for key, value in config.items():
        for rule_id in names.get(str(key).upper(), ()):
            setting: dict[str, Any] = {"params": {}}
            if isinstance(value, dict):
                enabled = bool(value.get("enabled", True))
                severity = value.get("severity")
                setting["level"] = (severity if severity in ("warning", "error") else "on") if enabled else OFF
                setting["params"] = params[str(key), rule_id]
                try:
                    REGISTRY[rule_id].meta.resolve_params(setting["params"])
                except RuleParamsError as error:
                    raise ValueError(f"markdownlint configuration {key!r}: {error}") from None
            elif value in ("warning", "error"):
                setting["level"] = value
            else:
                setting["level"] = "on" if value else OFF
            layer.rules[rule_id] = setting
    return layer
