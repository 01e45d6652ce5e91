"""What product API a code block uses, resolved against a family's truth table.

A block is read once: strings and comments are blanked (same length, so positions hold),
imports and declarations give variable types, then every call chain that starts at a
product type or a typed variable is followed member by member (`doc.getFirstSection()
.getBody()` uses the table's return types). Each step is an `ApiRef`, resolved or not;
unresolved ones carry the nearest real name. Standard-library, third-party and
locally declared names are never product API.

The platform of a block comes from its content (imports of a platform's namespace,
language idioms), then the page (path, front matter), then the label, because real
pages label Java code `csharp`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from chalicelib.engine.document import CodeBlock, ParsedDocument
from chalicelib.engine.truth.table import PlatformApi, TruthTable

NON_CODE_LABELS = frozenset(
    {
        "xml",
        "json",
        "text",
        "txt",
        "html",
        "htm",
        "csv",
        "yaml",
        "yml",
        "bash",
        "sh",
        "shell",
        "console",
        "powershell",
        "ps1",
        "sql",
        "ini",
        "properties",
        "css",
        "markdown",
        "md",
        "toml",
        "diff",
        "plaintext",
        "http",
        "dockerfile",
        "makefile",
        "bat",
        "cmd",
    }
)
MAX_BLOCK_CHARS = 200_000  # longer blocks are analysed up to this point (bounded time)
MAX_CHAIN_SKIP = 4_000  # an argument list longer than this ends the chain
NEAREST_CUTOFF = 70  # rapidfuzz ratio for "did you mean"
TYPE_SUGGEST_CUTOFF = 88  # an unknown type this close to a product type is a typo of it

# Every alternative ends where a scanner would give up (an unclosed string at its line's end,
# an unclosed comment at the end of the code), so no start position is scanned twice.
_MASK = re.compile(
    r'"(?:[^"\\\n]|\\[^\n]?)*+(?:"|$)|\'(?:[^\'\\\n]|\\[^\n]?)*+(?:\'|$)|//[^\n]*|/\*.*?(?:\*/|\Z)|^[^\S\n]*#[^\n]*',
    re.S | re.M,
)
_IMPORT = re.compile(
    r"^[^\S\n]*(?:import\s+(?:static\s+)?([\w.]+(?:\.\*)?)\s*;?|from\s+([\w.\-]+)\s+import\s+"
    r"([\w, \t]+))",
    re.M,
)
_TYPE_NAME = re.compile(r"[A-Z]\w*+")  # every type-like name; the rest is read around it
_TYPE_KEYWORD_BEFORE = re.compile(r"(?:class|interface|enum|record|struct)\s+$")
_NEW_BEFORE = re.compile(r"(?<![\w.])new\s+$")
_ASSIGNED_BEFORE = re.compile(r"(?<![\w.])([a-z_]\w*)\s*=\s*(?:new\s+)?$")
_DECLARED_AFTER = re.compile(
    r"(\s*<[^<>;=()]*(?:<[^<>;=()]*>[^<>;=()]*)*>)?(?:\s*\[\s*\])*\s+([A-Za-z_]\w*)\s*(?=[=;,):])"
)
_CALLED_AFTER = re.compile(r"\s*(?:<[^<>()]*>)?\s*\(")
_LOOK_BACK = 64
_MEMBER = re.compile(r"\s*\.\s*([A-Za-z_]\w*)")
_GENERIC = re.compile(r"\s*<[^<>()]*(?:<[^<>()]*>[^<>()]*)*>")
_WS = re.compile(r"\s*")

_JAVA_GETTER_CALL = re.compile(r"\.get[A-Z]\w*\(\)")
_NET_VAR_NEW = re.compile(r"\bvar\s+\w+\s*=\s*new\b")
_NET_PROPERTY_SET = re.compile(r"\.[A-Z]\w*\s*=[^=]")
_PYTHON_DEF = re.compile(r"^\s*def\s+\w+\(.*\):", re.M)


def _looks_like_java(head: str) -> bool:
    return (
        "System.out.print" in head
        or "throws " in head
        or "public static void main" in head
        or "import java." in head
        or bool(_JAVA_GETTER_CALL.search(head))
    )


def _looks_like_dotnet(head: str) -> bool:
    return (
        "using System" in head
        or "Console.Write" in head
        or "foreach (var" in head
        or ("var " in head and bool(_NET_VAR_NEW.search(head)))
        or bool(_NET_PROPERTY_SET.search(head))
    )


def _looks_like_python(head: str) -> bool:
    return "import aspose." in head or "print(" in head or ("def " in head and bool(_PYTHON_DEF.search(head)))


_IDIOMS = (("java", _looks_like_java), ("net", _looks_like_dotnet), ("python", _looks_like_python))
_PAGE_PLATFORM_MARKERS = (
    ("nodejs", re.compile(r"(?:^|[/\-_ ])node(?:js|\.js)?(?:[/\-_ ]|$)|node\.js via \.net", re.I)),
    ("python", re.compile(r"(?:^|[/\-_ ])python(?:[/\-_ ]|$)|python via \.net", re.I)),
    ("android", re.compile(r"(?:^|[/\-_ ])android(?:java)?(?:[/\-_ ]|$)|android via java", re.I)),
    ("cpp", re.compile(r"(?:^|[/\-_ ])(?:cpp|c\+\+)(?:[/\-_ ]|$)", re.I)),
    ("java", re.compile(r"(?:^|[/\-_ ])java(?:[/\-_ ]|$)", re.I)),
    ("net", re.compile(r"(?:^|[/\-_ ])(?:net|\.net|dotnet|csharp)(?:[/\-_ ]|$)", re.I)),
)


@dataclass(frozen=True, slots=True)
class ApiRef:
    """One use of product API in code: a type, a member of a type, or an enum value."""

    kind: str  # "type" | "member" | "enum"
    name: str  # the name as written
    owner: str | None  # the class/enum the member belongs to
    line: int  # 1-based document line
    column: int  # 1-based column
    resolved: bool
    nearest: str | None = None
    plugin: str | None = None


def page_platform(doc: ParsedDocument, table: TruthTable) -> str | None:
    """The platform the page is written for: front matter product names, then the path."""
    data = doc.front_matter.data or {}
    for key in ("second_title", "title", "platform"):
        value = data.get(key)
        if isinstance(value, str):
            lowered = value.lower()
            for platform, spec in table.spec.platforms.items():
                if spec.product.lower() in lowered:
                    return platform
    where = " ".join(str(value) for value in (doc.path, data.get("url")) if value)
    for platform, marker in _PAGE_PLATFORM_MARKERS:
        if platform in table.spec.platforms and marker.search(where):
            return platform
    return None


def _namespace_imports(table: TruthTable) -> list[tuple[str, str, re.Pattern[str]]]:
    """(platform, namespace, import statement pattern) in declaration order: Java's
    `com.aspose.words` is tried before Python's `aspose.words`, which it contains."""
    return table.cached(
        "namespace-imports",
        lambda: [
            (platform, namespace, re.compile(rf"(?:import|from|using|require)\W[^\n]*{re.escape(namespace)}"))
            for platform, spec in table.spec.platforms.items()
            for namespace in spec.namespaces
        ],
    )


def _sniff_platform(code: str, table: TruthTable) -> str | None:
    head = code[:4000]
    for platform, namespace, pattern in _namespace_imports(table):
        if namespace in head and pattern.search(head):
            return platform
    for platform, looks_like in _IDIOMS:
        if platform in table.spec.platforms and looks_like(head):
            return platform
    return None


def block_platform(block: CodeBlock, table: TruthTable, page: str | None) -> str | None:
    """Content first, then the page's platform, then the label; None for non-code blocks."""
    label = (block.language or "").lower()
    if label in NON_CODE_LABELS:
        return None
    return _sniff_platform(block.content, table) or page or table.language_platforms.get(label)


def _blank(match: re.Match[str]) -> str:
    text = match.group()
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _mask(code: str) -> str:
    """Strings and comments blanked with spaces (newlines kept), so offsets still hold."""
    return _MASK.sub(_blank, code)


def _skip_parens(text: str, start: int) -> int:
    """Index after the balanced (...) group starting at text[start] == '(' (-1 if too long)."""
    depth = 0
    limit = min(len(text), start + MAX_CHAIN_SKIP)
    for index in range(start, limit):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return -1


def _nearest(name: str, choices: list[str], cutoff: int = NEAREST_CUTOFF) -> str | None:
    if not choices:
        return None
    found = process.extractOne(name, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else None


class _BlockReader:
    """Reads one block; collects ApiRefs in document coordinates."""

    def __init__(self, api: PlatformApi, table: TruthTable, code: str, line: int) -> None:
        self.api = api
        self.table = table
        self.text = _mask(code[:MAX_BLOCK_CHARS])
        self.first_line = line
        self.line_starts = [0]
        newline = self.text.find("\n")
        while newline >= 0:
            self.line_starts.append(newline + 1)
            newline = self.text.find("\n", newline + 1)
        self.refs: list[ApiRef] = []
        self.product_imports: set[str] = set()
        self.hidden: set[str] = set(api.stdlib)
        self.variables: dict[str, str] = {}
        self.names: list[re.Match[str]] = []
        self.inferred: set[str] = set()  # variables typed from a chain's declared return type

    def position(self, offset: int) -> tuple[int, int]:
        low, high = 0, len(self.line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return self.first_line + low, offset - self.line_starts[low] + 1

    def is_product_type(self, name: str) -> bool:
        return name not in self.hidden and self.api.has_type(name)

    def read_names(self) -> None:
        """Imports, local classes and typed variables; collects the type-like names."""
        text, api = self.text, self.api
        namespaces = api.namespaces
        if "import" in text:
            for match in _IMPORT.finditer(text):
                java_path, from_module, from_names = match.groups()
                if java_path:
                    package, _, name = java_path.rpartition(".")
                    if name != "*":
                        (self.product_imports if package in namespaces else self.hidden).add(name)
                elif from_module:
                    names = [name.strip() for name in from_names.split(",") if name.strip()]
                    (self.product_imports if from_module in namespaces else self.hidden).update(names)
        self.names = [
            match
            for match in _TYPE_NAME.finditer(text)
            if not match.start() or not (text[match.start() - 1].isalnum() or text[match.start() - 1] in "_$@")
        ]
        for match in self.names:
            if _TYPE_KEYWORD_BEFORE.search(text, max(0, match.start() - _LOOK_BACK), match.start()):
                self.hidden.add(match.group())
        self.hidden -= self.product_imports
        if not self.product_imports and any(match.group() in api.third_party for match in self.names):
            self.names = []  # another library's code (docx4j, Apache POI ...): nothing to check
            return
        for match in self.names:
            type_name = match.group()
            if not self.is_product_type(type_name):
                continue
            declared = _DECLARED_AFTER.match(text, match.end())
            if declared and not (type_name in api.ambiguous and declared.group(1)):
                self.variables[declared.group(2)] = type_name
            elif _CALLED_AFTER.match(text, match.end()):
                assigned = _ASSIGNED_BEFORE.search(text, max(0, match.start() - _LOOK_BACK), match.start())
                if assigned:
                    self.variables.setdefault(assigned.group(1), type_name)

    def add(
        self, kind: str, name: str, owner: str | None, offset: int, resolved: bool, nearest: str | None = None
    ) -> None:
        line, column = self.position(offset)
        plugin = self.api.plugin_of(owner or name) if resolved else None
        self.refs.append(ApiRef(kind, name, owner, line, column, resolved, nearest, plugin))

    def unknown_type(self, name: str, offset: int) -> None:
        """A type-like name that is not product API: a finding only when it is evidently
        meant to be one (imported from the product namespace, or a near miss of a name)."""
        if name in self.hidden or name in self.variables:
            return
        nearest = _nearest(name, self.api.class_names(), TYPE_SUGGEST_CUTOFF)
        if name in self.product_imports or nearest:
            self.add("type", name, None, offset, False, nearest)

    def _type_roots(self) -> list[tuple[int, str, bool]]:
        """(offset, name, after `new`) for type names that may start a chain (standard-library
        and other hidden names never do)."""
        text, hidden, variables = self.text, self.hidden, self.variables
        roots = []
        for match in self.names:
            name, start = match.group(), match.start()
            if name not in hidden and name not in variables and (not start or text[start - 1] != "."):
                roots.append((start, name, bool(_NEW_BEFORE.search(text, max(0, start - 12), start))))
        return roots

    def _variable_roots(self, variables: dict[str, int]) -> list[tuple[int, str, bool]]:
        """(offset, name, False) for uses of typed variables from the given offsets on."""
        text = self.text
        roots: list[tuple[int, str, bool]] = []
        for variable, since in variables.items():
            start = text.find(variable, since)
            while start >= 0:
                end = start + len(variable)
                before = text[start - 1] if start else " "
                if not (before.isalnum() or before in "_$@.") and (
                    end == len(text) or not (text[end].isalnum() or text[end] == "_")
                ):
                    roots.append((start, variable, False))
                start = text.find(variable, end)
        return roots

    def read_chains(self) -> None:
        """Follow every chain; variables assigned a chain's result (`var s = doc.getFirstSection()`)
        get its type, and their later uses are followed in one more pass. Such an inferred type
        is only the declared return type (the object may be a subclass: `getChild` returns a
        Node that is a Table), so members it lacks are not reported there."""
        roots = self._type_roots() + self._variable_roots(dict.fromkeys(self.variables, 0))
        learned = self._read(sorted(roots))
        if learned:
            self.variables.update((name, type_name) for name, (type_name, _) in learned.items())
            self.inferred.update(learned)
            self._read(sorted(self._variable_roots({name: since for name, (_, since) in learned.items()})))

    def _read(self, roots: list[tuple[int, str, bool]]) -> dict[str, tuple[str, int]]:
        """Follow chains from the roots; returns untyped variables assigned a typed result."""
        text = self.text
        learned: dict[str, tuple[str, int]] = {}
        for start, name, is_new in roots:
            position = start + len(name)
            if name in self.variables and not is_new:
                result = self.follow(self.variables[name], False, position, certain=name not in self.inferred)
                self._learn(learned, start, result)
                continue
            if not self.is_product_type(name):
                if (is_new or _MEMBER.match(text, position)) and not name.isupper():
                    self.unknown_type(name, start)
                continue
            self.add("type", name, None, start, True)
            if is_new:
                generic = _GENERIC.match(text, position)
                if generic:
                    position = generic.end()
                position = _WS.match(text, position).end()
                if position < len(text) and text[position] == "(":
                    position = _skip_parens(text, position)
                    if position < 0:
                        continue
            self._learn(learned, start, self.follow(name, not is_new, position))
        return learned

    def _learn(self, learned: dict[str, tuple[str, int]], start: int, result: str | None) -> None:
        if result is None:
            return
        assigned = _ASSIGNED_BEFORE.search(self.text, max(0, start - _LOOK_BACK), start)
        if assigned and assigned.group(1) not in self.variables:
            learned.setdefault(assigned.group(1), (result, start))

    def follow(self, current: str | None, static: bool, position: int, certain: bool = True) -> str | None:
        """Check each member along the chain; the type the chain ends with, if known. When the
        starting type is not `certain`, a member it lacks ends the chain unreported."""
        text, api = self.text, self.api
        while current is not None:
            step = _MEMBER.match(text, position)
            if not step:
                return current if not static else None
            member = step.group(1)
            offset = step.start(1)
            position = step.end()
            if current in api.enums and static:
                if api.has_member(current, member):
                    self.add("enum", member, current, offset, True)
                else:
                    values = sorted(api.enums[current])
                    self.add("enum", member, current, offset, False, _nearest(member, values))
                return None
            if not api.has_member(current, member):
                if certain:
                    members = sorted(api.members_of(current))
                    self.add("member", member, current, offset, False, _nearest(member, members))
                return None
            self.add("member", member, current, offset, True)
            current, static = api.member_type(current, member), False
            after = _WS.match(text, position).end()
            if after < len(text) and text[after] == "(":
                position = _skip_parens(text, after)
                if position < 0:
                    return None
        return None


def block_api_refs(block: CodeBlock, api: PlatformApi, table: TruthTable) -> list[ApiRef]:
    """Every product API use in one block, in order."""
    reader = _BlockReader(api, table, block.content, block.content_start_line)
    reader.read_names()
    reader.read_chains()
    return reader.refs
