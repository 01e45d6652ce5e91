"""Hugo front matter in its three formats: find the block at the top of a page and load it safely.

- YAML between `---` lines, TOML between `+++` lines (`tomllib`), JSON as an object whose
  first line is `{` alone and whose last line starts with `}` (the same blocks markdownlint's
  front matter pattern skips, so the Markdown rules never see them).

Pages come from anywhere, so loading is bounded: a size limit, a limit on YAML alias uses
(a "billion laughs" bomb is refused before it is loaded), recursion errors of deeply nested
TOML/JSON caught, and a limit on nesting depth and on the number of values reached when
walking the result (aliases share objects, so a bomb that slips through is caught by the
walk, never expanded into memory).
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any, Literal

import yaml

from chalicelib.engine.document import FrontMatter

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 256 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 32
MAX_VALUES = 20_000

# format -> (opening line, closing line); the JSON block's fences are its own braces
_FENCES: dict[Literal["yaml", "toml", "json"], tuple[re.Pattern[str], re.Pattern[str]]] = {
    "yaml": (re.compile(r"---[ \t]*\r?$"), re.compile(r"---[ \t]*\r?$")),
    "toml": (re.compile(r"\+\+\+[ \t]*\r?$"), re.compile(r"\+\+\+[ \t]*\r?$")),
    "json": (re.compile(r"\{[ \t]*\r?$"), re.compile(r"\}[ \t]*\r?$")),
}
_FENCE_TEXT = {"yaml": "---", "toml": "+++", "json": "}"}
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s\]},]+")
_TOP_LEVEL_KEY = re.compile(r"""(?:"([^"\n]+)"|'([^'\n]+)'|([^\s#'"\-?:][^:\n]*?))[ \t]*:(?:[ \t]|$)""")
_TOML_KEY = re.compile(r"""[ \t]*(?:"([^"\n]+)"|'([^'\n]+)'|([A-Za-z0-9_\-]+))[ \t]*[.=]""")
_TOML_LINE = re.compile(r"at line (\d+)")


def split_front_matter(lines: list[str], first_line_offset: int) -> FrontMatter:
    """Find the front matter block; `lines` have no terminators, the first may start
    after a BOM (`first_line_offset` is where the fence starts)."""
    fmt = next(
        (name for name, (opening, _) in _FENCES.items() if lines and opening.match(lines[0], first_line_offset)), None
    )
    if fmt is None:
        return FrontMatter(present=False)
    closing = _FENCES[fmt][1]
    for index in range(1, len(lines)):
        if closing.match(lines[index]):
            inner = lines[0 : index + 1] if fmt == "json" else lines[1:index]
            if fmt == "json":
                inner = [inner[0][first_line_offset:], *inner[1:]]
            raw = "\n".join(line.rstrip("\r") for line in inner)
            matter = FrontMatter(present=True, raw=raw, start_line=1, end_line=index + 1, format=fmt)
            _load_into(matter)
            return matter
    return FrontMatter(
        present=True,
        raw="\n".join(lines[1:]),
        start_line=1,
        end_line=0,
        error=f"front matter has no closing '{_FENCE_TEXT[fmt]}' line",
        error_line=1,
        format=fmt,
    )


def _load_into(matter: FrontMatter) -> None:
    """Fill data/error/error_line/key_lines of a front matter block that is closed."""
    raw = matter.raw
    matter.key_lines = _KEY_LINES[matter.format](raw)
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        matter.error = f"front matter is larger than {MAX_BYTES // 1024} KB"
        matter.error_line = 1
        return
    try:
        data = _LOADERS[matter.format](matter, raw)
    except _Refused:
        return
    except (RecursionError, ValueError, TypeError, OverflowError) as error:
        matter.error = _one_line(f"front matter cannot be read: {type(error).__name__}")
        matter.error_line = 1
        return
    if data is None:
        data = {}
    if not isinstance(data, dict):
        matter.error = f"front matter is a {type(data).__name__}, not a mapping of fields"
        matter.error_line = 2
        return
    problem = _too_complex(data)
    if problem:
        matter.error = problem
        matter.error_line = 1
        return
    matter.data = data


class _Refused(Exception):
    """The loader set the front matter's error itself."""


def _load_yaml(matter: FrontMatter, raw: str) -> Any:
    if "*" in raw and len(_ALIAS.findall(raw)) > MAX_ALIASES:
        matter.error = f"front matter uses more than {MAX_ALIASES} YAML aliases"
        matter.error_line = 1
        raise _Refused
    try:
        return yaml.load(raw, Loader=_LOADER)  # nosec B506  # _LOADER is yaml's (C)SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        matter.error = _one_line(error.problem or error.context or str(error))
        matter.error_line = 2 + (mark.line if mark else 0)
        raise _Refused from None
    except yaml.YAMLError as error:
        raise ValueError(type(error).__name__) from None


def _load_toml(matter: FrontMatter, raw: str) -> Any:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        matter.error = _one_line(f"TOML: {str(error)}")
        # tomllib says "(at line N, column M)" or "(at end of document)"
        matter.error_line = 1 + (int(found.group(1)) if found else raw.count("\n") + 1)
        raise _Refused from None


def _load_json(matter: FrontMatter, raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        matter.error = _one_line(f"JSON: {error.msg}")
        matter.error_line = error.lineno
        raise _Refused from None


_LOADERS = {"yaml": _load_yaml, "toml": _load_toml, "json": _load_json}


def _too_complex(data: Any) -> str | None:
    """Walk the loaded value iteratively, bounding depth and the values reached."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    reached = 0
    while stack:
        value, depth = stack.pop()
        reached += 1
        if reached > MAX_VALUES:
            return f"front matter expands to more than {MAX_VALUES} values"
        if depth > MAX_DEPTH:
            return f"front matter is nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
            stack.extend((key, depth + 1) for key in value if not isinstance(key, str))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


def _yaml_key_lines(raw: str) -> dict[str, int]:
    """Document line of every top-level key (the block starts on line 2)."""
    key_lines: dict[str, int] = {}
    for index, line in enumerate(raw.split("\n")):
        if not line or line[0] in " \t#-":
            continue
        match = _TOP_LEVEL_KEY.match(line)
        if match:
            key = (match.group(1) or match.group(2) or match.group(3)).strip()
            key_lines.setdefault(key, index + 2)
    return key_lines


def _toml_key_lines(raw: str) -> dict[str, int]:
    """Document line of every top-level key: `key = ...` (or a dotted `key.sub = ...`) before the
    first table header, and each `[table]` name (the block starts on line 2)."""
    key_lines: dict[str, int] = {}
    in_table = False
    for index, line in enumerate(raw.split("\n")):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = True
            name = stripped.strip("[] \t").split(".")[0].strip("\"'")
            if name:
                key_lines.setdefault(name, index + 2)
            continue
        if in_table:
            continue
        match = _TOML_KEY.match(line)
        if match:
            key_lines.setdefault(match.group(1) or match.group(2) or match.group(3), index + 2)
    return key_lines


def _json_key_lines(raw: str) -> dict[str, int]:
    """Document line of every key of the top-level object (the block, braces included,
    starts on line 1): one pass tracking nesting depth outside strings."""
    key_lines: dict[str, int] = {}
    depth = 0
    line = 1
    index = 0
    length = len(raw)
    while index < length:
        char = raw[index]
        if char == "\n":
            line += 1
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif char == '"':
            end = index + 1
            while end < length and raw[end] != '"':
                end += 2 if raw[end] == "\\" else 1
            if depth == 1:
                after = raw[end + 1 : end + 40].lstrip(" \t\r\n")
                if after.startswith(":"):
                    key = raw[index + 1 : end]
                    key_lines.setdefault(json.loads(f'"{key}"') if "\\" in key else key, line)
            line += raw.count("\n", index, end)
            index = end
        index += 1
    return key_lines


_KEY_LINES = {"yaml": _yaml_key_lines, "toml": _toml_key_lines, "json": _json_key_lines}


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]
