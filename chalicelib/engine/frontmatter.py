"""YAML front matter: find the `---` block at the top of a page and load it safely.

Pages come from anywhere, so loading is bounded: a size limit, a limit on alias uses
(a "billion laughs" bomb is refused before it is loaded) and a limit on nesting depth
and on the number of values reached when walking the result (aliases share objects, so
a bomb that slips through is caught by the walk, never expanded into memory).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from chalicelib.engine.document import FrontMatter

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 256 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 32
MAX_VALUES = 20_000

_FENCE = re.compile(r"---[ \t]*\r?$")
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s\]},]+")
_TOP_LEVEL_KEY = re.compile(r"""(?:"([^"\n]+)"|'([^'\n]+)'|([^\s#'"\-?:][^:\n]*?))[ \t]*:(?:[ \t]|$)""")


def split_front_matter(lines: list[str], first_line_offset: int) -> FrontMatter:
    """Find the front matter block; `lines` have no terminators, the first may start
    after a BOM (`first_line_offset` is where the `---` starts)."""
    if not lines or not _FENCE.match(lines[0], first_line_offset):
        return FrontMatter(present=False)
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            raw = "\n".join(line.rstrip("\r") for line in lines[1:index])
            matter = FrontMatter(present=True, raw=raw, start_line=1, end_line=index + 1)
            _load_into(matter)
            return matter
    return FrontMatter(
        present=True,
        raw="\n".join(lines[1:]),
        start_line=1,
        end_line=0,
        error="front matter has no closing '---' line",
        error_line=1,
    )


def _load_into(matter: FrontMatter) -> None:
    """Fill data/error/error_line/key_lines of a front matter block that is closed."""
    raw = matter.raw
    matter.key_lines = _key_lines(raw)
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        matter.error = f"front matter is larger than {MAX_BYTES // 1024} KB"
        matter.error_line = 1
        return
    if "*" in raw and len(_ALIAS.findall(raw)) > MAX_ALIASES:
        matter.error = f"front matter uses more than {MAX_ALIASES} YAML aliases"
        matter.error_line = 1
        return
    try:
        data = yaml.load(raw, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        matter.error = _one_line(error.problem or error.context or str(error))
        matter.error_line = 2 + (mark.line if mark else 0)
        return
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as error:
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


def _key_lines(raw: str) -> dict[str, int]:
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


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]
