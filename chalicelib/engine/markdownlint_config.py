"""markdownlint configuration as its users already write it: `.markdownlint.*` and
`.markdownlint-cli2.*` files (with `extends`), and the markdownlint `config` object they hold.

Files are found from the checked file's folder upwards, with markdownlint-cli2's rules:

- in one folder the first of `.markdownlint.jsonc`, `.json`, `.yaml`, `.yml` is that folder's
  *config file*, and the first of `.markdownlint-cli2.jsonc`, `.yaml` its *options file*
  (only the options file's `config` object is used: globs, plugins and formatters are
  Node-specific);
- the nearest folder that has either kind decides: its config file wins over its options
  file; options files' `config` objects merge (top-level keys, nearer wins) with the ones of
  parent folders; a config file of a parent folder is used only when no nearer folder gave a
  config file or an options `config`;
- `extends` (in either kind) names another file, relative to the one that names it; the
  extended object is read (recursively) and the extending object's keys replace its keys.

The search stops after the project's root: the first folder (going up) that holds `.git`
or `.tbcv.yaml`, so a stray file above the project never applies.

Malformed files, and files that give a rule a param value it cannot use (`"MD013":
{"line_length": "wide"}`), raise `MarkdownlintConfigError`, which names the file and the line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import json5
import yaml

from chalicelib.engine.markdownlint_names import params_problems

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CONFIG_FILES = (".markdownlint.jsonc", ".markdownlint.json", ".markdownlint.yaml", ".markdownlint.yml")
OPTIONS_FILES = (".markdownlint-cli2.jsonc", ".markdownlint-cli2.yaml")
PROJECT_ROOT_MARKERS = (".git", ".tbcv.yaml")
MAX_CONFIG_BYTES = 256 * 1024
MAX_EXTENDS_DEPTH = 16
_JSON5_LINE = re.compile(r"^<string>:(\d+)\s*(.*)$", re.DOTALL)


class MarkdownlintConfigError(ValueError):
    """A configuration that cannot be used: `where` names the file (or comment), `line` its line."""

    def __init__(self, where: str, line: int, problem: str):
        super().__init__(f"{where}:{line}: {problem}")
        self.where = where
        self.line = line
        self.problem = problem


def parse_config_text(text: str, where: str, *, yaml_syntax: bool) -> dict[str, Any]:
    """A configuration object from JSONC (comments and trailing commas allowed) or YAML text;
    a value that is not an object reads as `{}` (as markdownlint's parseConfiguration does)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_CONFIG_BYTES:
        raise MarkdownlintConfigError(where, 1, f"larger than {MAX_CONFIG_BYTES // 1024} KB")
    if yaml_syntax:
        try:
            loaded = yaml.load(text, Loader=_LOADER)  # nosec B506  # _LOADER is yaml's (C)SafeLoader
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            raise MarkdownlintConfigError(
                where, 1 + (mark.line if mark else 0), f"not valid YAML: {_one_line(error.problem or str(error))}"
            ) from None
        except (yaml.YAMLError, RecursionError) as error:
            raise MarkdownlintConfigError(where, 1, f"not valid YAML: {type(error).__name__}") from None
    else:
        loaded = parse_jsonc(text, where)
    return loaded if isinstance(loaded, dict) else {}


def parse_jsonc(text: str, where: str) -> Any:
    """JSON with comments and trailing commas, as markdownlint-cli2 reads `.jsonc` files."""
    try:
        return json5.loads(text)
    except ValueError as error:
        match = _JSON5_LINE.match(str(error))
        line, problem = (int(match.group(1)), match.group(2)) if match else (1, str(error))
        raise MarkdownlintConfigError(where, line, f"not valid JSON: {_one_line(problem)}") from None
    except RecursionError:
        raise MarkdownlintConfigError(where, 1, "not valid JSON: nested too deeply") from None


def read_config_file(path: Path, *, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A `.markdownlint.*` (or extended) file's config object, with its `extends` resolved."""
    if len(seen) > MAX_EXTENDS_DEPTH or path in seen:
        raise MarkdownlintConfigError(str(seen[-1]), 1, f"extends {path} in a cycle (or more than 16 deep)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        where = str(seen[-1]) if seen else str(path)
        raise MarkdownlintConfigError(where, 1, f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise MarkdownlintConfigError(str(path), 1, "not UTF-8 text") from None
    config = parse_config_text(text, str(path), yaml_syntax=path.suffix in (".yaml", ".yml"))
    _check_params(config, path)
    return _extended(config, path, (*seen, path))


def _extended(config: dict[str, Any], path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    extends = config.get("extends")
    if not extends:
        return config
    if not isinstance(extends, str):
        raise MarkdownlintConfigError(str(path), _key_line(path, "extends"), "extends must be a file path")
    target = (path.parent / os.path.expanduser(extends)).resolve()
    base = read_config_file(target, seen=seen)
    merged = {**base, **config}
    merged.pop("extends", None)
    return merged


def _read_options_config(path: Path) -> dict[str, Any] | None:
    """The `config` object of a `.markdownlint-cli2.*` file (None when it has none)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise MarkdownlintConfigError(str(path), 1, f"cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise MarkdownlintConfigError(str(path), 1, "not UTF-8 text") from None
    options = parse_config_text(text, str(path), yaml_syntax=path.suffix == ".yaml")
    config = options.get("config")
    if config is None:
        return None
    if not isinstance(config, dict):
        raise MarkdownlintConfigError(str(path), _key_line(path, "config"), "config must be an object")
    _check_params(config, path)
    return _extended(config, path, (path,))


def _check_params(config: dict[str, Any], path: Path) -> None:
    """Raise for the first rule param of the file's own config object that its rule cannot use."""
    problems = params_problems(config)
    if problems:
        key, error = problems[0]
        raise MarkdownlintConfigError(str(path), _key_line(path, key), str(error))


def _key_line(path: Path, key: str) -> int:
    """The line where `key` first appears in a file (for messages), else 1."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if re.search(rf"""(^|["'\s{{]){re.escape(key)}["']?\s*:""", line):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return 1


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]


class MarkdownlintConfigFinder:
    """The markdownlint config object that applies to each checked file, each folder read once
    and each folder's result remembered (a docs tree has thousands of folders)."""

    def __init__(self, fixed: dict[str, Any] | None = None) -> None:
        """`fixed`: one config object for every file instead of searching (`tbcv check --config`)."""
        self._fixed = fixed
        self._folders: dict[str, tuple[dict[str, Any] | None, dict[str, Any] | None, bool]] = {}
        self._effective: dict[str, dict[str, Any] | None] = {}
        self._options: dict[str, dict[str, Any] | None] = {}

    def config_for(self, file_path: str | os.PathLike[str]) -> dict[str, Any] | None:
        """The config object for a file (None when no markdownlint file applies)."""
        if self._fixed is not None:
            return self._fixed
        return self._effective_for(os.path.dirname(os.path.abspath(file_path)))

    def _folder(self, folder: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool]:
        """(config file object, options `config` object, is the project root) of one folder."""
        found = self._folders.get(folder)
        if found is None:
            try:
                names = set(os.listdir(folder))
            except OSError:
                names = set()
            config = next((read_config_file(Path(folder, n)) for n in CONFIG_FILES if n in names), None)
            options = next((_read_options_config(Path(folder, n)) for n in OPTIONS_FILES if n in names), None)
            root = any(marker in names for marker in PROJECT_ROOT_MARKERS)
            found = self._folders[folder] = (config, options, root)
        return found

    def _parent(self, folder: str) -> str | None:
        """The folder above, or None at the project root or the file system's root."""
        parent = os.path.dirname(folder)
        return None if parent == folder or self._folder(folder)[2] else parent

    def _effective_for(self, folder: str) -> dict[str, Any] | None:
        """The nearest folder with a file decides: its config file, else the options files'
        merged `config` objects (that folder's and its parents')."""
        if folder not in self._effective:
            config, options, _ = self._folder(folder)
            parent = self._parent(folder)
            result: dict[str, Any] | None
            if config is not None:
                result = config
            elif options is not None:
                result = self._options_for(folder)
            else:
                result = self._effective_for(parent) if parent is not None else None
            self._effective[folder] = result
        return self._effective[folder]

    def _options_for(self, folder: str) -> dict[str, Any] | None:
        """The `config` objects of every options file from the project root down to `folder`,
        merged by top-level key (nearer folders win)."""
        if folder not in self._options:
            options = self._folder(folder)[1]
            parent = self._parent(folder)
            inherited = self._options_for(parent) if parent is not None else None
            if options is None:
                self._options[folder] = inherited
            else:
                self._options[folder] = {**(inherited or {}), **options}
        return self._options[folder]


def config_digest(config: Mapping[str, Any] | None) -> str:
    """A stable text form of a config object (part of the ruleset version of a file)."""
    return "" if config is None else json.dumps(config, sort_keys=True, default=str)


def read_named_file(path: Path) -> dict[str, Any]:
    """The config object of a file named on the command line: a `*markdownlint-cli2*` file's
    `config` object, else the whole object of a `.markdownlint*`-style file."""
    if "markdownlint-cli2" in path.name:
        return _read_options_config(path) or {}
    return read_config_file(path)
