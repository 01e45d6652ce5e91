"""What product API a code block uses, resolved against a family's truth table.

A block is read once, in any of the languages the products ship for (Java/Android, C#,
VB.NET, C++, Python, JavaScript/TypeScript, PHP, Go): strings and comments are blanked
(same length, so positions hold), imports and declarations give variable types, then every
call chain that starts at a product type or a typed variable is followed member by member
(`doc.getFirstSection().getBody()`, `doc->get_FirstSection()`, `$doc->save()`,
`doc.first_section.body`), using the table's return types where it has them.

What starts a chain, in every language:
- a product type, plain (`Document`), imported (`from aspose.words import Document`) or
  qualified by the product's namespace or a module alias (`aw.Document`,
  `Aspose::Words::Document`, `\\Aspose\\Words\\Document`, `new AsposeCells.Workbook`);
- a construction (`new X(...)`, `X(...)`, `MakeObject<X>(...)`, Go's `NewX(...)`);
- a variable typed by a declaration (`X x`, `SharedPtr<X> x`, `Dim x As X`, `x: X`) or by
  assignment of a construction or of a typed chain (`var`/`auto`/`let`/`$x =`/`x :=`/
  `with X() as x`).

Members are reported unknown only where the table can tell: a member the receiver's type
lacks that no type of the platform has either (a subclass, an interface or an overload
the table files elsewhere is never an invented method). Standard-library, third-party and
locally declared names are never product API; blocks of other libraries (interop, POI,
OpenXML ...) are skipped, and API in sections that present legacy API is marked `legacy`.

The platform of a block comes from its syntax (read from the text), the page (path, front
matter) and the label together, because real pages mislabel code.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from typing import NamedTuple

from chalicelib.engine.document import CodeBlock, ParsedDocument
from chalicelib.engine.truth.foreign import is_foreign_code
from chalicelib.engine.truth.inventory import FUNCTIONS, normalise_member
from chalicelib.engine.truth.syntax import c_like_guess, label_syntax, sniff_syntax
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
MAX_QUALIFIER_SEGMENTS = 8
NEAREST_CUTOFF = 70  # rapidfuzz ratio for "did you mean" a member
MIN_FUNCTIONS = 5  # a function-style API (free functions with a shared prefix) ...
MIN_FUNCTION_PREFIX = 6  # ... whose prefix is this long: a call with the prefix is an API call
MIN_ENUM_VALUES = 2  # an enum listed with fewer values was not extracted whole: it contradicts nothing
TYPE_SUGGEST_CUTOFF = 88  # an unknown type this close to a product type is a typo of it

# Every alternative ends where a scanner would give up (an unclosed string at its line's
# end, an unclosed comment or verbatim string at the end of the code) and its repetition is
# possessive, so no start position is scanned twice: masking is linear in the block.
_DQ = r'"(?:\\.|[^"\\\n])*+(?:"|$)'
_SQ = r"'(?:\\.|[^'\\\n])*+(?:'|$)"
_BLOCK_COMMENT = r"/\*.*?(?:\*/|\Z)"
_MASK_C = re.compile(r'@"(?:""|[^"])*+(?:"|\Z)|' + rf"{_DQ}|{_SQ}|//[^\n]*|{_BLOCK_COMMENT}", re.S | re.M)
_MASK_HASH = re.compile(
    r'"""(?:.*?)(?:"""|\Z)|' + r"'''(?:.*?)(?:'''|\Z)|" + rf"{_DQ}|{_SQ}|#[^\n]*|//[^\n]*|{_BLOCK_COMMENT}",
    re.S | re.M,
)
_MASK_VB = re.compile(r'"(?:""|[^"\n])*+(?:"|$)|\'[^\n]*|(?im:^\s*REM\b[^\n]*)', re.M)
_MASK_JS = re.compile(r"`(?:\\.|[^`\\])*+(?:`|\Z)|" + rf"{_DQ}|{_SQ}|//[^\n]*|{_BLOCK_COMMENT}", re.S | re.M)
# Lines that are not code although code blocks hold them: stack traces, command lines,
# program output (`WebExtension.Id: 95D7...`). Blanked before reading.
_NOT_CODE_LINE = re.compile(
    r"^[^\S\n]*(?:at\s+[\w.$<>]+\([^\n]*|Caused by:[^\n]*|Exception in thread[^\n]*|"
    r"(?:javac|java|mvn|gradle|pip3?|npm|yarn|npx|dotnet|nuget|composer|go\s+(?:get|run|build|mod)|node|python3?)\s+-?[^\n]*)$",
    re.M,
)
_OUTPUT_LINE = re.compile(r"^[^\S\n]*[A-Za-z_][\w.]*[^\S\n]*:[^\S\n]+[^\n]*$", re.M)  # `Name.Member: value`
_MASK_LINE_HASH = re.compile(r"^[^\S\n]*#[^\n]*", re.M)  # preprocessor lines, shell prompts in C-like code
_MASKS = {"python": _MASK_HASH, "php": _MASK_HASH, "vb": _MASK_VB, "js": _MASK_JS, "go": _MASK_JS}

_JAVA_IMPORT = re.compile(r"^[^\S\n]*import\s+(?:static\s+)?([\w.]+(?:\.\*)?)\s*;?", re.M)
_PY_FROM_IMPORT = re.compile(r"^[^\S\n]*from\s+([\w.]+)\s+import\s+\(?([\w, \t]+)", re.M)
_PY_IMPORT_AS = re.compile(r"^[^\S\n]*import\s+([\w.]+)\s+as\s+(\w+)", re.M)
_JS_ALIAS = re.compile(
    r"(?:\b(?:const|let|var)\s+(\w+)\s*=\s*require\s*\(|^[^\S\n]*import\s+(?:\*\s+as\s+)?(\w+)\s+from\b|"
    r"^[^\S\n]*import\s+(\w+)\s*=\s*require\b)",
    re.M,
)
_JS_NAMED = re.compile(r"\b(?:const|let|var|import)\s*\{([^}\n]*)\}\s*(?:=\s*require\b|from\b)")
_JS_NS_ASSIGN = re.compile(r"\b(\w+)\.(\w+)\s*=\s*require\s*\(")  # aspose.cells = require("aspose.cells")
_PHP_USE = re.compile(r"^[^\S\n]*use\s+\\?([\w\\]+)(?:\s+as\s+(\w+))?\s*;", re.M | re.I)
# Directives that name modules, not API uses: blanked once their names are read.
_DIRECTIVE = re.compile(
    r"^[^\S\n]*(?:import\b|from\s+[\w.]+\s+import\b|using\s+(?:static\s+)?[\w.= \t]+;|Imports\s|#\s*include\b|"
    r"use\s+\\?[\w\\]+|package\s|require_once\b|require\b)[^\n]*",
    re.M,
)
_DIRECTIVE_WORDS = ("import", "using", "Imports", "#", "use", "package", "require")  # one is in every directive
_SYSTEM_USING = re.compile(r"^[^\S\n]*(?:using|Imports)\s+System\.", re.M)
_GO_IMPORT = re.compile(r'^[^\S\n]*(?:import\s+)?(\w+\s+)?"([^"\n]*aspose[^"\n]*)"', re.M | re.I)

_TYPE_NAME = re.compile(r"[A-Z]\w*+")  # every type-like name; the rest is read around it
_NEW_BEFORE = re.compile(r"(?<![\w.$])(?:new|New|NEW)\s+$")
# `MakeObject<X>(...)` constructs an X; `ExplicitCast<X>(...)` and its kin yield one.
_MAKE_BEFORE = re.compile(
    r"(?:\bSystem\s*::\s*)?\b(?:MakeObject|ExplicitCast|DynamicCast|StaticCast|AsCast|static_cast|dynamic_cast)\s*<\s*$"
)
_CAST_BEFORE = re.compile(r"=\s*\(\s*$")  # `x = (Table)node`, `Table t = (Table) node`
_CAST_AFTER = re.compile(r"\s*\)\s*[\w$(]")
_AS_CAST_BEFORE = re.compile(r"(?<![\w.$])(\$?[A-Za-z_]\w*)\s*=\s*[\w.$\[\]]+\s+as\s+$")  # `var t = node as Table`
_OF_TYPE_LOOP = re.compile(r"foreach\s*\(\s*var\s+(\w+)\s+in\b[^;{\n]*?\.(?:OfType|Cast)\s*<\s*(?:[\w.]+\.)?(\w+)\s*>")
_CONVERSION = re.compile(r"^[aA]s_?([A-Za-z]\w*)$")  # `as_table()`, `asTable()`: the node as a Table
_WRAPPER_BEFORE = re.compile(r"(?:\bSystem\s*::\s*)?\b(?:SharedPtr|intrusive_ptr|shared_ptr|unique_ptr)\s*<\s*$")
_ASSIGNED_BEFORE = re.compile(r"(?<![\w.$>])(\$?[A-Za-z_]\w*)(?:\s*,\s*[A-Za-z_]\w*)?\s*(?::=|=)\s*$")
_AS_BEFORE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s+[Aa]s\s+$")  # VB: Dim x As [New] T, ByVal x As T
_HINT_BEFORE = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)\s*\??:\s*$")  # Python / TypeScript: x: T
_DECLARED_AFTER = re.compile(
    r"(\s*<[^<>;=()]*(?:<[^<>;=()]*>[^<>;=()]*)*>)?(?:\s*\[\s*\])*\s*[&*]?\s+(\$?[A-Za-z_]\w*)\s*(?=[=;,):]|\bin\b)"
)
_INITIALISER = re.compile(r"\s*=\s*(?:new|New)\s+(?:[\w.]+\.)?([A-Za-z_]\w*)")
_WRAPPED_AFTER = re.compile(r"\s*>\s*[&*]?\s*([A-Za-z_]\w*)\s*(?=[=;,)({:])")
_RUBY_NEW = re.compile(r"\s*(?:\.|::)\s*new\b\s*")
_MADE_AFTER = re.compile(r"\s*>\s*\(")
_WITH_AS_AFTER = re.compile(r"\s+as\s+([A-Za-z_]\w*)\s*:")
_MEMBER = re.compile(r"\s*(?:\?\.|!\.|\.|->|::)\s*([A-Za-z_]\w*)")
_GENERIC = re.compile(r"\s*<[^<>()]*(?:<[^<>()]*>[^<>()]*)*>")
_WS = re.compile(r"\s*")
_PAREN = re.compile(r"[()]")
_IDENTIFIER = re.compile(r"\w+")
_LOOK_BACK = 64

# Page markers: path segments, URLs and product names of a page, most specific first (matched
# against lower-cased text: without re.I the regex engine skips branches on their first character).
_PAGE_MARKERS = (
    (
        "python-java",
        re.compile(
            r"python[-_ ]?java|java[-_ ]for[-_ ]python|python[-\w]*[-_]for[-_]java|python via java|jpype|jython"
        ),
    ),
    ("python", re.compile(r"(?:^|[/\-_ ])python(?:[-_ ]?net)?(?:[/\-_ ]|$)|python via \.net")),
    ("nodejs-java", re.compile(r"node(?:js|\.js)?[-_ ]java|node\.js via java")),
    ("nodejs", re.compile(r"(?:^|[/\-_ ])(?:node(?:js|\.js)?|javascript)(?:[-_ ](?:net|cpp))?(?:[/\-_ ]|$)")),
    ("php", re.compile(r"(?:^|[/\-_ ])php(?:[-_ ]java)?(?:[/\-_ ]|$)|php via java")),
    ("go", re.compile(r"(?:^|[/\-_ ])go(?:[-_ ]cpp|lang)?(?:/|$)|for go\b|go via c\+\+")),
    ("android", re.compile(r"(?:^|[/\-_ ])android(?:java)?(?:[/\-_ ]|$)|android via java")),
    ("cpp", re.compile(r"(?:^|[/\-_ ])(?:cpp|c\+\+)(?:[/\-_ ]|$)")),
    ("java", re.compile(r"(?:^|[/\-_ ])java(?:[/\-_ ]|$)")),
    ("net", re.compile(r"(?:^|[/\-_ ])(?:net|\.net|dotnet|csharp)(?:[/\-_ ]|$)")),
)
# The language a page's undecided code is in (a C-like label on a Python page is a mislabel).
_PAGE_SYNTAX = {
    "python": "python",
    "python-java": "python",
    "nodejs": "js",
    "nodejs-java": "js",
    "php": "php",
    "go": "go",
    "cpp": "cpp",
    "java": "java",
    "android": "java",
    "net": "csharp",
}
# Table platforms that can hold the API of code written in a syntax, by page, best first.
_SYNTAX_PLATFORMS = {
    "java": ("java", "android"),
    "csharp": ("net",),
    "vb": ("net",),
    "cpp": ("cpp",),
    "python": ("python",),
    "js": ("nodejs",),
    "php": ("php", "java"),
    "go": ("go",),
}
# Code in another language on a Java page calls the Java API through a bridge (Jython,
# JPype, Node.js via Java, PHP via Java).
_PAGE_SYNTAX_PLATFORMS = {
    ("java", "android"): ("android", "java"),
    ("python", "python-java"): ("python-java", "java"),
    ("python", "java"): ("java",),
    ("js", "nodejs-java"): ("nodejs-java", "nodejs", "java"),
    ("js", "java"): ("java",),
}


class ApiRef(NamedTuple):
    """One use of product API in code: a type, a member of a type, or an enum value. (A named
    tuple, not a frozen dataclass: pages make dozens, and a tuple is built several times faster.)"""

    kind: str  # "type" | "member" | "enum" | "function"
    name: str  # the name as written
    owner: str | None  # the class/enum the member belongs to
    line: int  # 1-based document line
    column: int  # 1-based column
    resolved: bool
    nearest: str | None = None
    plugin: str | None = None
    legacy: bool = False  # in a section that presents legacy or deprecated API on purpose


def page_platform(doc: ParsedDocument, table: TruthTable) -> str | None:
    """What the page is written for: a table platform named by the front matter's product
    name, else a page marker from the path or URL (`python-java`, `nodejs-java`, `net` ...)."""
    data = doc.front_matter.data or {}
    for key in ("second_title", "title", "platform"):
        value = data.get(key)
        if isinstance(value, str):
            lowered = value.lower()
            for platform, spec in table.spec.platforms.items():
                if spec.product.lower() in lowered:
                    return platform
    where = " ".join(str(value) for value in (doc.path, data.get("url")) if value).lower()
    for marker, pattern in _PAGE_MARKERS:
        if pattern.search(where):
            return marker
    return None


def block_syntax(block: CodeBlock, page: str | None) -> str | None:
    """The language of a block: its text first (except weak Java/C# idioms against a label of
    another language), then its label; Java and C# code that no idiom decides follows a Java
    or .NET page, else how its members are cased."""
    sniffed = sniff_syntax(block.content)
    label = label_syntax(block.language)
    if sniffed is not None and not (sniffed in ("java", "csharp") and label not in (None, "java", "csharp")):
        return sniffed  # Java and C# idioms (getters, `;`) do not outvote a label of another language
    if page in _PAGE_SYNTAX and (label is None or label in ("java", "csharp")):
        return _PAGE_SYNTAX[page]
    if label in ("java", "csharp"):
        return c_like_guess(block.content)
    return label


def block_platform(block: CodeBlock, table: TruthTable, page: str | None) -> str | None:
    """The table platform whose API the block uses (None for non-code blocks and code the
    table has no platform for)."""
    return _platform_for(block, table, page)[0]


def _platform_for(block: CodeBlock, table: TruthTable, page: str | None) -> tuple[str | None, str | None]:
    """(table platform, syntax) of a block."""
    label = (block.language or "").lower()
    if label in NON_CODE_LABELS:
        return None, None
    declared = table.spec.platforms
    syntax = block_syntax(block, page)
    if syntax is None:
        fallback = page if page in declared else table.language_platforms.get(label)
        return fallback, None
    candidates = _PAGE_SYNTAX_PLATFORMS.get((syntax, page or ""), ())
    if page in declared and page in _SYNTAX_PLATFORMS[syntax]:
        candidates = (page, *candidates)
    for platform in (*candidates, *_SYNTAX_PLATFORMS[syntax]):
        if platform in declared:
            return platform, syntax
    return None, syntax


def _blank(match: re.Match[str]) -> str:
    text = match.group()
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def mask_code(code: str, syntax: str | None) -> str:
    """Strings, comments and lines that are not code blanked with spaces (newlines kept),
    so offsets still hold."""
    masked = _NOT_CODE_LINE.sub(_blank, _MASKS.get(syntax or "", _MASK_C).sub(_blank, code))
    if syntax == "python":
        return masked
    if ": " in masked or ":\t" in masked:  # the literal an output line needs, before its regex
        masked = _OUTPUT_LINE.sub(_blank, masked)
    return _MASK_LINE_HASH.sub(_blank, masked) if syntax not in ("php", "vb") and "#" in masked else masked


def _matching_parens(text: str) -> dict[int, int]:
    """Offset of every '(' -> offset just after its ')' (unbalanced ones are absent); one
    pass over the brackets, so following chains never rescans an argument list."""
    closing: dict[int, int] = {}
    opened: list[int] = []
    for match in _PAREN.finditer(text):
        if match.group() == "(":
            opened.append(match.start())
        elif opened:
            closing[opened.pop()] = match.end()
    return closing


def _previous_char(text: str, offset: int) -> str:
    """The last character before `offset` that is not a space or tab ("" at the start): a
    cheap test before the look-behind regexes (`new `, `<`, `(`, `as `)."""
    index = offset - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return text[index] if index >= 0 else ""


def _name_length(text: str, start: int) -> int:
    match = _IDENTIFIER.match(text, start)
    return match.end() - start if match else 0


def _function_calls(api: PlatformApi, table: TruthTable) -> tuple[frozenset[str], re.Pattern[str]] | None:
    """(function names, pattern of calls written with their shared prefix) for a platform
    whose API is free functions with one naming prefix (PDF for Node.js via C++:
    `AsposePdfOptimize`, `AsposePdfExtractText`); None for other platforms."""

    def build() -> tuple[frozenset[str], re.Pattern[str]] | None:
        functions = api.inventory.functions() if api.inventory is not None else {}
        if len(functions) < MIN_FUNCTIONS:
            return None
        prefix = os.path.commonprefix(sorted(functions))
        if len(prefix) < MIN_FUNCTION_PREFIX:
            return None
        return frozenset(functions), re.compile(rf"(?<![\w$]){re.escape(prefix)}\w+(?=\s*\()")

    return table.cached(f"function-calls:{api.platform}", build)


def _namespace_keys(api: PlatformApi) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(lower-cased dotted namespaces and their prefixes, lower-cased first components,
    lower-cased inner components such as `tables` and `saving`)."""
    prefixes: set[str] = set()
    roots: set[str] = {"aspose", "com"}
    parts_seen: set[str] = set()
    for namespace in api.namespaces:
        parts = [part for part in re.split(r"\.|::|\\", namespace.lower()) if part]
        if parts:
            roots.add(parts[0])
            parts_seen.update(parts[1:])
        for end in range(1, len(parts) + 1):
            prefixes.add(".".join(parts[:end]))
    return frozenset(prefixes), frozenset(roots), frozenset(parts_seen - roots)


@dataclass(slots=True)
class _Root:
    """A product type named in the code, and how the code around it uses it."""

    name: str
    start: int  # offset of the name
    construct_start: int  # offset of the whole expression (`new`, qualifier, MakeObject)
    chain_start: int  # where the member chain after it starts
    constructed: bool  # new X(...), X(...), MakeObject<X>(...), NewX(...)
    qualified: bool  # written with the product's namespace or a module alias


class _BlockReader:
    """Reads one block; collects ApiRefs in document coordinates."""

    def __init__(
        self, api: PlatformApi, table: TruthTable, code: str, line: int, syntax: str | None, legacy: bool
    ) -> None:
        self.api = api
        self.table = table
        self.syntax = syntax
        self.legacy = legacy
        self.raw = code[:MAX_BLOCK_CHARS]
        self.text = mask_code(self.raw, syntax)
        self.first_line = line
        self.line_starts = [0]
        newline = self.text.find("\n")
        while newline >= 0:
            self.line_starts.append(newline + 1)
            newline = self.text.find("\n", newline + 1)
        self.parens: dict[int, int] | None = None
        self.normalised: dict[str, frozenset[str]] = {}  # type -> its members' normalised names
        self.refs: list[ApiRef] = []
        self.product_imports: set[str] = set()
        self.namespace_imports: set[str] = set()  # imported from one of the platform's namespaces
        self.namesakes: set[str] = set()  # product type names that here mean another namespace's type
        self.stdlib_wildcard = False  # `import java.awt.*;`, `using System.Drawing;`: shared names are theirs
        self.aliases: set[str] = set()  # module aliases of the product (aw, slides, AsposeCells)
        # names that are never product API here: the page's own classes and names imported from
        # other libraries (the platform's standard-library names are asked of the API: see hides)
        self.hidden: set[str] = set()
        self.variables: dict[str, str] = {}
        self.roots: list[_Root] = []
        self.inferred: set[str] = set()  # variables typed from a chain's declared return type
        self.prefixes, self.namespace_roots, self.namespace_parts = table.cached(
            f"namespace-keys:{api.platform}", lambda: _namespace_keys(api)
        )

    def skip_parens(self, start: int) -> int:
        """Offset after the balanced (...) group opening at `start` (-1 if never closed)."""
        if self.parens is None:
            self.parens = _matching_parens(self.text)
        return self.parens.get(start, -1)

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return self.first_line + index, offset - self.line_starts[index] + 1

    def is_product_type(self, name: str) -> bool:
        return not self.hides(name) and self.api.has_type(name)

    def hides(self, name: str) -> bool:
        """A name the block uses for something else than product API: its own class, another
        library's import, or a standard-library name the block did not import from the product."""
        return name in self.hidden or (name in self.api.stdlib and name not in self.product_imports)

    def is_product_module(self, module: str) -> bool:
        lowered = module.lower().replace("::", ".").replace("\\", ".").replace("/", ".")
        return lowered.split(".")[0] in self.namespace_roots or "aspose" in lowered

    # --- names -------------------------------------------------------------------------

    def read_imports(self) -> None:
        """Product names imported one by one, module aliases, and names imported from
        other libraries (hidden)."""
        text, raw, syntax = self.text, self.raw, self.syntax
        if "import" in text and syntax in (None, "java", "python"):
            for match in _JAVA_IMPORT.finditer(text):
                package, _, name = match.group(1).rpartition(".")
                if name != "*":
                    self._imported(package, [name])
                elif not self.is_product_module(package):
                    self.stdlib_wildcard = True
        if "import" in text and syntax in (None, "python"):
            for match in _PY_FROM_IMPORT.finditer(text):
                self._imported(match.group(1), [name.strip() for name in match.group(2).split(",") if name.strip()])
            for match in _PY_IMPORT_AS.finditer(text):
                if self.is_product_module(match.group(1)):
                    self.aliases.add(match.group(2))
        if ("require" in text or "import" in text) and syntax in (None, "js"):
            for match in _JS_ALIAS.finditer(text):
                alias = match.group(1) or match.group(2) or match.group(3)
                if self._module_at(raw, match.end()) or "aspose" in alias.lower():
                    self.aliases.add(alias)
            for match in _JS_NAMED.finditer(text):
                names = [part.split(":")[0].split(" as ")[0].strip() for part in match.group(1).split(",")]
                target = self.product_imports if self._module_at(raw, match.end()) else self.hidden
                target.update(name for name in names if name)
            for match in _JS_NS_ASSIGN.finditer(text):
                if self._module_at(raw, match.end()):
                    self.aliases.add(match.group(1))
        if "System." in text and _SYSTEM_USING.search(text):
            self.stdlib_wildcard = True
        if syntax == "php" and "use" in text.lower():
            for match in _PHP_USE.finditer(text):
                path, alias = match.group(1), match.group(2)
                name = alias or path.rpartition("\\")[2]
                (self.product_imports if self.is_product_module(path) else self.hidden).add(name)
        if syntax == "go":
            for match in _GO_IMPORT.finditer(raw):
                self.aliases.add((match.group(1) or "").strip() or match.group(2).rstrip("/").split("/")[-1])
            self.aliases.update({"asposecells", "asposepdf", "asposewords", "asposeslides"})
        self.hidden -= self.product_imports
        if any(word in text for word in _DIRECTIVE_WORDS):
            self.text = _DIRECTIVE.sub(_blank, text)

    def _imported(self, module: str, names: list[str]) -> None:
        if not self.is_product_module(module):
            self.hidden.update(names)
            return
        self.product_imports.update(names)
        if module.lower() in self.prefixes:
            self.namespace_imports.update(names)
        for name in names:
            self._note_namespace(name, module)

    def _note_namespace(self, name: str, namespace: str) -> None:
        """A type written with (or imported from) another namespace than the one the table
        files it under is a namesake (`com.aspose.pdf.facades.Form` is not
        `com.aspose.pdf.Form`): its API still resolves, but it is no plugin's."""
        filed = self.api.inventory.namespace_of(name) if self.api.inventory is not None else None
        written = re.sub(r"::|\\", ".", namespace).strip(".").lower()
        if filed is not None and written and re.sub(r"::|\\", ".", filed).lower() != written:
            self.namesakes.add(name)

    def _module_at(self, raw: str, offset: int) -> bool:
        """Whether the string right after a require(/from names a product module."""
        window = raw[offset : offset + 120]
        quote = min((index for index in (window.find('"'), window.find("'")) if index >= 0), default=-1)
        if quote < 0:
            return False
        end = window.find(window[quote], quote + 1)
        module = window[quote + 1 : end if end > 0 else len(window)]
        return "aspose" in module.lower()

    def read_names(self) -> None:
        """Local classes (hidden), product types used as roots, and typed variables."""
        text = self.text
        matches = [
            match
            for match in _TYPE_NAME.finditer(text)
            if not match.start() or not (text[match.start() - 1].isalnum() or text[match.start() - 1] in "_$@")
        ]
        self.hidden.update(declared_classes(text))
        self.hidden -= self.product_imports
        if not self.product_imports and any(match.group() in self.api.third_party for match in matches):
            return  # another library's code (docx4j, Apache POI ...): nothing to check
        for match in matches:
            root = self._root(match.group(), match.start())
            if root is not None:
                self.roots.append(root)
        if "foreach" in text:
            for loop in _OF_TYPE_LOOP.finditer(text):
                if self.is_product_type(loop.group(2)):
                    self.variables.setdefault(loop.group(1), loop.group(2))

    def _qualifier(self, start: int) -> tuple[int, bool] | None:
        """(offset where the name's qualifier starts, qualified) when the name at `start`
        can start a chain; None when it is a member of something else (`doc.Range`,
        `System.Drawing.Color`)."""
        text = self.text
        segments: list[str] = []
        position = start
        qualifier_start = start
        while len(segments) < MAX_QUALIFIER_SEGMENTS:
            cursor = position
            while cursor > 0 and text[cursor - 1] in " \t":
                cursor -= 1
            separator = text[cursor - 2 : cursor] if cursor >= 2 else ""
            if separator in ("::", "?."):
                cursor -= 2
            elif separator == "->":
                return None
            elif cursor >= 1 and text[cursor - 1] in ".\\" and separator != "..":
                separator = text[cursor - 1]
                cursor -= 1
            else:
                break
            while cursor > 0 and text[cursor - 1] in " \t" and separator != "\\":
                cursor -= 1
            end = cursor
            while cursor > 0 and (text[cursor - 1].isalnum() or text[cursor - 1] in "_$"):
                cursor -= 1
            if cursor == end:
                if separator == "\\":
                    qualifier_start = cursor
                    break  # PHP's leading `\Aspose\...`
                return None  # `foo().Bar`, `list[0].Bar`, a chain continued on a new line
            segments.insert(0, text[cursor:end])
            position = qualifier_start = cursor
        if not segments:
            return start, False
        first = segments[0]
        if not (
            all(segment.lower() in self.namespace_parts for segment in segments)  # `Tables::Table`, `Saving.X`
            or first in self.aliases
            or first.lower() in self.namespace_roots
            or (self.syntax in ("python", "js") and first[:1].islower() and first not in self.variables)
            or (self.syntax == "python" and segments == ["self"])  # bridged classes kept on self (JPype)
        ):
            return None
        path = ""
        for segment in segments:
            path = f"{path}.{segment.lower()}" if path else segment.lower()
            if segment[:1].isupper() and self.api.has_type(segment) and path not in self.prefixes:
                return None  # `aw.Document.Foo`: a member of a type
        if first not in self.aliases and first != "self":
            self._note_namespace(text[start : start + _name_length(text, start)], text[qualifier_start:start])
        return qualifier_start, True

    def _root(self, name: str, start: int) -> _Root | None:
        text = self.text
        qualified = self._qualifier(start)
        if qualified is None:
            return None
        construct_start, is_qualified = qualified
        end = start + len(name)
        before_from = max(0, construct_start - _LOOK_BACK)
        previous = _previous_char(text, construct_start)
        new = _NEW_BEFORE.search(text, before_from, construct_start) if previous in "wW" else None
        type_name = name
        go_type = self._go_constructed(name) if self.syntax == "go" and not self.is_product_type(name) else None
        if go_type:
            type_name = go_type
        elif not self.is_product_type(name):
            if self.hides(name) or not (name in self.product_imports or is_qualified or new):
                return None
            return _Root(name, start, construct_start, end, bool(new), is_qualified)
        elif name in self.api.ambiguous and not (
            is_qualified
            or name in self.product_imports
            or (not self.stdlib_wildcard and (new or self._constructed_declaration(name, end)))
        ):
            return None  # `Path.of`, `Path p = Paths.get(...)`: the standard library's class
        after_angle = previous == "<"
        made = _MAKE_BEFORE.search(text, before_from, construct_start) if after_angle else None
        wrapped = _WRAPPER_BEFORE.search(text, before_from, construct_start) if after_angle else None
        chain_start = end
        constructed = type_name != name
        if new:
            if _MEMBER.match(text, end):
                return None  # `new Row.Builder()`: a nested class of something else
            construct_start, constructed = new.start(), True
        elif made and (made_after := _MADE_AFTER.match(text, end)):
            construct_start, constructed = made.start(), True
            chain_start = made_after.end() - 1
        generic = None if made else _GENERIC.match(text, chain_start)
        if generic:
            chain_start = generic.end()
        after = _WS.match(text, chain_start).end()  # type: ignore[union-attr]  # the pattern matches the empty string: never None
        if not wrapped and after < len(text) and text[after] == "(":
            constructed, chain_start = True, after
        elif not constructed and (ruby_new := _RUBY_NEW.match(text, chain_start)):
            constructed, chain_start = True, ruby_new.end()  # Ruby `Document.new(...)`, Java `Document::new`
        if (
            not constructed
            and previous == "("
            and _CAST_BEFORE.search(text, before_from, construct_start)
            and _CAST_AFTER.match(text, end)
        ):
            self._assign(construct_start - 1, type_name)  # `(Table)node` assigned: the variable is a Table
        elif not constructed and previous == "s":
            as_cast = _AS_CAST_BEFORE.search(text, before_from, construct_start)
            if as_cast:
                self.variables.setdefault(as_cast.group(1), type_name)
        if constructed and chain_start < len(text) and text[chain_start] == "(":
            chain_start = self.skip_parens(chain_start)
            if chain_start < 0:
                chain_start = len(text)
        self._declare(type_name, construct_start, end, constructed, wrapped, chain_start)
        return _Root(type_name, start, construct_start, chain_start, constructed, is_qualified)

    def _assign(self, before: int, type_name: str) -> None:
        """Type the variable an expression starting at `before` is assigned to."""
        text = self.text
        cast_start = text.rfind("(", 0, before + 1)
        assigned = _ASSIGNED_BEFORE.search(text, max(0, cast_start - _LOOK_BACK), cast_start)
        if assigned:
            self.variables.setdefault(assigned.group(1), type_name)

    def _go_constructed(self, name: str) -> str | None:
        """The type a Go constructor function returns: `NewWorkbook_String` makes a Workbook;
        a package function of an API with a single type (`asposepdf.Open`) makes that type."""
        made = name[3:].split("_")[0] if name.startswith("New") else ""
        if made and self.is_product_type(made):
            return made
        inventory = self.api.inventory
        if inventory is None or name not in inventory.functions():
            return None
        types = [type_name for type_name in inventory.type_names if type_name != FUNCTIONS]
        return types[0] if len(types) == 1 else None

    def _constructed_declaration(self, name: str, end: int) -> bool:
        """`Shape shape = new Shape(...)`: a declaration initialised by constructing the type."""
        declared = _DECLARED_AFTER.match(self.text, end)
        if declared is None:
            return False
        initialiser = _INITIALISER.match(self.text, declared.end())
        return initialiser is not None and initialiser.group(1) == name

    def _declare(
        self,
        type_name: str,
        construct_start: int,
        end: int,
        constructed: bool,
        wrapped: re.Match[str] | None,
        chain_start: int,
    ) -> None:
        """Variables this use of a product type declares or assigns."""
        text = self.text
        before_from = max(0, construct_start - _LOOK_BACK)
        if wrapped:
            declared = _WRAPPED_AFTER.match(text, end)
            if declared:
                self.variables[declared.group(1)] = type_name
            return
        previous = _previous_char(text, construct_start)
        if constructed:
            if _MEMBER.match(text, chain_start):
                return  # `x = new X().foo()`: the chain's result decides x
            assigned = None
            if previous == "=":
                assigned = _ASSIGNED_BEFORE.search(text, before_from, construct_start)
            elif previous in "sS":
                assigned = _AS_BEFORE.search(text, before_from, construct_start)
            if assigned:
                self.variables.setdefault(assigned.group(1), type_name)
            elif self.syntax == "python":
                with_as = _WITH_AS_AFTER.match(text, chain_start)
                if with_as:
                    self.variables[with_as.group(1)] = type_name
            return
        declared = _DECLARED_AFTER.match(text, end)
        if declared and declared.group(2) not in ("in", "as", "is", "instanceof"):
            self.variables[declared.group(2)] = type_name
            return
        typed = None
        if self.syntax == "vb" and previous in "sS":
            typed = _AS_BEFORE.search(text, before_from, construct_start)
        elif self.syntax in ("python", "js") and previous == ":":
            typed = _HINT_BEFORE.search(text, before_from, construct_start)
        if typed:
            self.variables[typed.group(1)] = type_name

    # --- chains ------------------------------------------------------------------------

    def add(
        self, kind: str, name: str, owner: str | None, offset: int, resolved: bool, nearest: str | None = None
    ) -> None:
        line, column = self.position(offset)
        subject = owner or name
        plugin = self.api.plugin_of(subject) if resolved and subject not in self.namesakes else None
        self.refs.append(ApiRef(kind, name, owner, line, column, resolved, nearest, plugin, self.legacy))

    def _variable_roots(self, variables: dict[str, int]) -> list[tuple[int, str]]:
        """(offset, name) for uses of typed variables from the given offsets on."""
        text = self.text
        roots: list[tuple[int, str]] = []
        for variable, since in variables.items():
            start = text.find(variable, since)
            while start >= 0:
                end = start + len(variable)
                before = text[start - 1] if start else " "
                if not (
                    before.isalnum() or before in "_$@." or (before == ">" and text[start - 2 : start] == "->")
                ) and (end == len(text) or not (text[end].isalnum() or text[end] == "_")):
                    roots.append((start, variable))
                start = text.find(variable, end)
        return roots

    def read_chains(self) -> None:
        """Follow every chain; variables assigned a chain's result (`var s = doc.getFirstSection()`)
        get its type, and their later uses are followed in one more pass. Such an inferred type
        is only the declared return type (the object may be a subclass: `getChild` returns a
        Node that is a Table); members no type of the platform has are still reported there."""
        learned: dict[str, tuple[str, int]] = {}
        for root in self.roots:
            self._read_root(root, learned)
        variable_roots = sorted(self._variable_roots(dict.fromkeys(self.variables, 0)))
        for start, name in variable_roots:
            result = self.follow(self.variables[name], False, start + len(name), certain=True)
            self._learn(learned, start, result)
        if learned:
            fresh = {name: since for name, (_, since) in learned.items() if name not in self.variables}
            self.variables.update((name, type_name) for name, (type_name, _) in learned.items())
            self.inferred.update(fresh)
            for start, name in sorted(self._variable_roots(fresh)):
                self.follow(self.variables[name], False, start + len(name), certain=False)

    def _read_root(self, root: _Root, learned: dict[str, tuple[str, int]]) -> None:
        name = root.name
        if not self.is_product_type(name):
            self.unknown_type(root)
            return
        self.add("type", name, None, root.start, True)
        result = self.follow(name, not root.constructed, root.chain_start)
        self._learn(learned, root.construct_start, result)

    def unknown_type(self, root: _Root) -> None:
        """A type-like name that is not product API: a finding only on a complete table and
        when it is evidently meant to be product API (imported from the product's namespace,
        or written with it or constructed, and close to a real type name)."""
        name, inventory = root.name, self.api.inventory
        if not self.api.complete or inventory is None or self.hides(name) or name in self.variables:
            return
        if name.isupper():
            return
        nearest = inventory.nearest_type(name, TYPE_SUGGEST_CUTOFF)
        if nearest and (nearest in name or name in nearest):
            nearest = None  # `FilePathProvider` implements `IFilePathProvider`: a class of the page's own
        if name in self.namespace_imports or ((root.qualified or root.constructed) and nearest):
            self.add("type", name, None, root.start, False, nearest)

    def _learn(self, learned: dict[str, tuple[str, int]], start: int, result: str | None) -> None:
        if result is None:
            return
        if _previous_char(self.text, start) != "=":
            return
        assigned = _ASSIGNED_BEFORE.search(self.text, max(0, start - _LOOK_BACK), start)
        if assigned and assigned.group(1) not in self.variables:
            learned.setdefault(assigned.group(1), (result, start))

    def follow(self, current: str | None, static: bool, position: int, certain: bool = True) -> str | None:
        """Check each member along the chain; the type the chain ends with, if known. A member
        the type lacks is reported when no type of the platform has it (an invented name);
        when the starting type is not `certain` the member must also be unknown everywhere."""
        text, api = self.text, self.api
        while current is not None:
            step = _MEMBER.match(text, position)
            if not step:
                return current if not static else None
            member = step.group(1)
            offset = step.start(1)
            position = step.end()
            if static and current in api.enums:
                if api.has_member(current, member):
                    self.add("enum", member, current, offset, True)
                elif api.complete and len(api.enums[current]) >= MIN_ENUM_VALUES:
                    self.add("enum", member, current, offset, False, self.nearest_value(current, member))
                return None
            if not api.has_member(current, member) and not self.known_by_another_name(current, member):
                if certain or api.has_type(current):
                    self.report_member(current, member, offset)
                return None
            self.add("member", member, current, offset, True)
            current, static = api.member_type(current, member) or self.converted(member), False
            position = self.after_call(position)
            if current is None:
                current, position = self.conversion_after(position)
        return None

    def after_call(self, position: int) -> int:
        """Past the argument list that may follow a member (the end of text if unbalanced)."""
        after = _WS.match(self.text, position).end()  # type: ignore[union-attr]  # the pattern matches the empty string: never None
        if after < len(self.text) and self.text[after] == "(":
            end = self.skip_parens(after)
            return end if end >= 0 else len(self.text)
        return position

    def conversion_after(self, position: int) -> tuple[str | None, int]:
        """A chain whose type is lost regains it at a conversion (`.get_child(...).as_table()`)."""
        step = _MEMBER.match(self.text, position)
        converted = self.converted(step.group(1)) if step else None
        return (converted, self.after_call(step.end())) if converted and step else (None, position)

    def converted(self, member: str) -> str | None:
        """The type a conversion method names (`as_table()` / `asTable()` return a Table)."""
        conversion = _CONVERSION.match(member)
        if conversion is None:
            return None
        name = conversion.group(1).replace("_", "")
        for candidate in (name, name[:1].upper() + name[1:]):
            if self.is_product_type(candidate):
                return candidate
        inventory = self.api.inventory
        if inventory is None:
            return None
        lowered = name.lower()
        return next((type_name for type_name in inventory.type_names if type_name.lower() == lowered), None)

    def known_by_another_name(self, owner: str, member: str) -> bool:
        """The receiver's type has the member under another spelling of the same name: a
        property read as a field (`options.PartsEmbeddingMode` for `getPartsEmbeddingMode`),
        the getter of an `is` property (`getCenterWindow` for `isCenterWindow`), a Java name
        called from Python (`doc.pageCount`). Plausible, so never reported."""
        inventory = self.api.inventory
        if inventory is None:
            return False
        key = normalise_member(member)
        keys = self.normalised.get(owner)
        if keys is None:
            keys = self.normalised[owner] = frozenset(map(normalise_member, inventory.members(owner)))
        return key in keys

    def read_function_calls(self) -> None:
        """Calls of a function-style API, whatever object they are called on."""
        calls = _function_calls(self.api, self.table)
        if calls is None:
            return
        functions, pattern = calls
        for match in pattern.finditer(self.text):
            name = match.group()
            if name in functions:
                self.add("function", name, None, match.start(), True)
            elif self.api.complete:
                self.add("function", name, None, match.start(), False, self.nearest_function(name))

    def nearest_function(self, name: str) -> str | None:
        inventory = self.api.inventory
        return inventory.nearest_member(FUNCTIONS, name, NEAREST_CUTOFF) if inventory is not None else None

    def report_member(self, owner: str, member: str, offset: int) -> None:
        """Report a member only a complete table contradicts (a partial table
        cannot tell an invented name from one it lacks)."""
        if not self.api.complete:
            return
        inventory = self.api.inventory
        nearest = inventory.nearest_member(owner, member, NEAREST_CUTOFF) if inventory is not None else None
        self.add("member", member, owner, offset, False, nearest)

    def nearest_value(self, enum: str, value: str) -> str | None:
        inventory = self.api.inventory
        return inventory.nearest_enum_value(enum, value, NEAREST_CUTOFF) if inventory is not None else None


_COMMENT = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)|^[^\S\n]*(?:#|')[^\n]*", re.S | re.M)
_DECLARATION_KEYWORDS = ("class", "interface", "enum", "struct", "record", "Class", "Structure", "Module")
# `[ \t]+`, not `\s+`: "// Instantiate Presentation class" followed by a line starting with
# `Presentation pres = ...` declares nothing.
_DECLARED_CLASS = re.compile(rf"\b(?:{'|'.join(_DECLARATION_KEYWORDS)})[ \t]+([A-Z]\w*)")


def declared_classes(code: str) -> list[str]:
    """Classes (interfaces, enums, structs ...) the code declares; the keywords are looked for
    as plain substrings first, so most blocks cost a few substring scans and no regex."""
    if not any(keyword in code for keyword in _DECLARATION_KEYWORDS):
        return []
    return _DECLARED_CLASS.findall(code)


def page_classes(doc: ParsedDocument) -> frozenset[str]:
    """Classes the page's code declares (in any block, comments left out): the page's own,
    never product API."""
    names: set[str] = set()
    for block in doc.code_blocks:
        if declared_classes(block.content):  # cheap first; comments are stripped only then
            names.update(declared_classes(_COMMENT.sub("", block.content)))
    return frozenset(names)


def block_api_refs(
    block: CodeBlock,
    api: PlatformApi,
    table: TruthTable,
    syntax: str | None = None,
    legacy: bool = False,
    own_classes: frozenset[str] = frozenset(),
) -> list[ApiRef]:
    """Every product API use in one block, in order (none for another library's code)."""
    if is_foreign_code(block.content) and "aspose" not in _COMMENT.sub("", block.content).lower():
        return []  # another library's code; the product named only in a comment does not count
    reader = _BlockReader(api, table, block.content, block.content_start_line, syntax, legacy)
    reader.hidden.update(own_classes)
    reader.read_imports()
    reader.read_names()
    reader.read_chains()
    reader.read_function_calls()
    return sorted(reader.refs, key=lambda ref: (ref.line, ref.column))


def analyse_block(
    block: CodeBlock,
    table: TruthTable,
    page: str | None,
    legacy: bool = False,
    own_classes: frozenset[str] = frozenset(),
) -> list[ApiRef]:
    """The product API a block uses, read in its language against its platform's API."""
    platform, syntax = _platform_for(block, table, page)
    api = table.api(platform)
    if api is None:
        return []
    return block_api_refs(block, api, table, syntax, legacy, own_classes)
