"""`.tbcv.yaml`: a project's profile, family, rule levels/params and exclude globs for `tbcv check`.

The file is found from the working directory upwards (or given with --config). Rules are keyed by
id or alias; a value is a level (`error`/`warning`/`info`), `off`/`on`, or a mapping with any of
`level`, `enabled`, `params`:

    profile: strict
    family: words
    exclude: ["drafts/*", "*.generated.md"]
    categories: {seo: off}
    levels: {info: off}
    rules:
      MD009: off
      no-trailing-spaces: warning
      CD004: {level: error, params: {max_lines: 80}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_NAME = ".tbcv.yaml"
_LEVELS = ("error", "warning", "info")
_TOP_LEVEL_KEYS = {"profile", "family", "exclude", "rules", "categories", "levels"}


class ConfigError(ValueError):
    """The project config cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class ProjectConfig:
    path: Path | None = None
    profile: str | None = None
    family: str | None = None
    exclude: tuple[str, ...] = ()
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    categories: dict[str, Any] = field(default_factory=dict)  # category -> off/on, as in profiles
    levels: dict[str, Any] = field(default_factory=dict)  # severity -> new severity/off

    def ruleset_overrides(self) -> dict[str, Any]:
        """The settings in the shape `load_ruleset(overrides=...)` reads (a profile layer)."""
        rules = {}
        for key, setting in self.rules.items():
            flat = {name: value for name, value in setting.items() if name != "params"}
            flat.update(setting.get("params", {}))
            rules[key] = flat
        overrides: dict[str, Any] = {"rules": rules, "categories": dict(self.categories), "levels": dict(self.levels)}
        if self.profile:
            overrides["profile"] = self.profile
        if self.family:
            overrides["family"] = self.family
        return {key: value for key, value in overrides.items() if value}


def find_config(start: Path) -> Path | None:
    """The nearest `.tbcv.yaml` in `start` or one of its parents."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def _rule_override(path: Path, key: str, value: Any) -> dict[str, Any]:
    if value is False or value == "off":
        return {"enabled": False}
    if value is True or value == "on":
        return {"enabled": True}
    if isinstance(value, str):
        if value not in _LEVELS:
            raise ConfigError(
                f"{path}: rules.{key}: level must be one of {', '.join(_LEVELS)}, off or on, not {value!r}"
            )
        return {"level": value}
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: rules.{key}: expected a level, off/on or a mapping")
    unknown = set(value) - {"level", "enabled", "params"}
    if unknown:
        raise ConfigError(f"{path}: rules.{key}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    override: dict[str, Any] = {}
    if "level" in value:
        if value["level"] not in _LEVELS:
            raise ConfigError(f"{path}: rules.{key}.level must be one of {', '.join(_LEVELS)}")
        override["level"] = value["level"]
    if "enabled" in value:
        if not isinstance(value["enabled"], bool):
            raise ConfigError(f"{path}: rules.{key}.enabled must be true or false")
        override["enabled"] = value["enabled"]
    if "params" in value:
        if not isinstance(value["params"], dict):
            raise ConfigError(f"{path}: rules.{key}.params must be a mapping")
        override["params"] = dict(value["params"])
    return override


def _optional_string(path: Path, data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: {key} must be a string")
    return value


def load_config(path: Path) -> ProjectConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: is not valid YAML ({' '.join(str(error).split())})") from None
    if data is None:
        return ProjectConfig(path=path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    unknown = set(data) - _TOP_LEVEL_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    exclude = data.get("exclude") or []
    if isinstance(exclude, str):
        exclude = [exclude]
    if not isinstance(exclude, list) or not all(isinstance(glob, str) for glob in exclude):
        raise ConfigError(f"{path}: exclude must be a list of glob strings")
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: rules must be a mapping of rule id or alias to a setting")
    for key in ("categories", "levels"):
        if not isinstance(data.get(key) or {}, dict):
            raise ConfigError(f"{path}: {key} must be a mapping")
    return ProjectConfig(
        path=path,
        profile=_optional_string(path, data, "profile"),
        family=_optional_string(path, data, "family"),
        exclude=tuple(exclude),
        rules={str(key): _rule_override(path, str(key), value) for key, value in rules.items()},
        categories=dict(data.get("categories") or {}),
        levels=dict(data.get("levels") or {}),
    )
