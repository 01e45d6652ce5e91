"""Code block rules (CDxxx): fenced blocks and Hugo `highlight` blocks alike.

Gists (`{{< gist >}}`) are external references: nothing is checked inside them. A fence with no
language is MD040's finding; CD001 covers the `highlight` shortcode written without one.
Secrets are never shown: messages and contexts carry the masked text (`mask_secrets`), and the
values found are left in `memo["secret_values"]` so the pipeline can mask them anywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pydantic import Field

from chalicelib.engine.document import CodeBlock
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.registry import CheckContext, Finding, NoParams, RuleParams, rule

SECRET_MASK = "********"
SECRETS_MEMO = "secret_values"

# Labels normalised to one name per language, so `cs` and `c#` both mean csharp.
LANGUAGE_ALIASES = {
    "cs": "csharp",
    "c#": "csharp",
    "csharp": "csharp",
    "java": "java",
    "py": "python",
    "python": "python",
    "python3": "python",
    "py3": "python",
    "sh": "bash",
    "bash": "bash",
    "shell": "bash",
    "zsh": "bash",
    "console": "bash",
    "shell-session": "bash",
    "xml": "xml",
    "rb": "ruby",
    "ruby": "ruby",
}
# Labels that say "not a programming language": never called mismatched.
NEUTRAL_LABELS = frozenset({"text", "txt", "plain", "plaintext", "none", "output", "nohighlight"})

KNOWN_LANGUAGES = (
    "actionscript",
    "actionscript3",
    "apache",
    "asp",
    "aspx",
    "bash",
    "bat",
    "batch",
    "c",
    "c#",
    "c++",
    "clojure",
    "cmake",
    "cmd",
    "coffeescript",
    "console",
    "cpp",
    "cs",
    "csharp",
    "css",
    "csv",
    "cxx",
    "dart",
    "diff",
    "docker",
    "dockerfile",
    "elixir",
    "erlang",
    "fortran",
    "fsharp",
    "f#",
    "go",
    "golang",
    "gradle",
    "graphql",
    "groovy",
    "h",
    "haskell",
    "hcl",
    "hpp",
    "html",
    "http",
    "ini",
    "java",
    "javascript",
    "js",
    "json",
    "json5",
    "jsx",
    "julia",
    "kotlin",
    "kt",
    "latex",
    "less",
    "lisp",
    "lua",
    "make",
    "makefile",
    "markdown",
    "matlab",
    "md",
    "nginx",
    "none",
    "nohighlight",
    "objc",
    "objective-c",
    "objectivec",
    "ocaml",
    "output",
    "pascal",
    "perl",
    "php",
    "plain",
    "plaintext",
    "powershell",
    "properties",
    "protobuf",
    "ps",
    "ps1",
    "py",
    "py3",
    "python",
    "python3",
    "r",
    "razor",
    "rb",
    "regex",
    "rst",
    "ruby",
    "rust",
    "sass",
    "scala",
    "scheme",
    "scss",
    "sh",
    "shell",
    "shell-session",
    "sql",
    "svg",
    "swift",
    "tex",
    "text",
    "toml",
    "ts",
    "tsx",
    "txt",
    "typescript",
    "vb",
    "vb.net",
    "vbnet",
    "vbscript",
    "vue",
    "xaml",
    "xml",
    "xquery",
    "xsl",
    "xslt",
    "yaml",
    "yml",
    "zsh",
)
_KNOWN_SET = frozenset(KNOWN_LANGUAGES)

# A statement ending in `;`: shared by Java and C#, it separates them from Python, Ruby and shell.
_STATEMENT_END = r";[ \t]*(?://[^\n]*)?$"
_SHELL_COMMANDS = (
    "sudo",
    "apt-get",
    "apt",
    "yum",
    "brew",
    "wget",
    "curl",
    "mkdir",
    "chmod",
    "export",
    "npm",
    "pip",
    "pip3",
    "mvn",
    "gradle",
    "git",
    "cd",
    "ls",
    "cp",
    "mv",
    "rm",
    "tar",
    "unzip",
    "docker",
)
# Cheap language signals: (substrings one of which must occur, pattern, weight). A pattern only runs
# when its hint occurs in the block (a fast substring test), and counts at most 3 hits.
_SIGNAL_SOURCE: dict[str, list[tuple[tuple[str, ...], str, int]]] = {
    "java": [
        (("System.",), r"\bSystem\.(?:out|err)\.print", 4),
        (("throws",), r"\bthrows\s+[A-Z]\w*", 3),
        (("import",), r"(?m)^\s*import\s+(?:java|javax|com|org)\.[\w.]+(?:\.\*)?\s*;", 4),
        ((".get", ".set"), r"\.[gs]et[A-Z]\w*\(", 2),
        (("(",), r"\.[a-z]\w*\(", 1),
        (("String",), r"\bString\s*\[\]", 2),
        (("@Override",), r"@Override\b", 3),
        (("boolean", "ArrayList<", "HashMap<"), r"\b(?:boolean|ArrayList<|HashMap<)", 2),
        ((".equals(", ".length()", ".size()"), r"\.(?:equals|length|size)\(\)", 1),
        ((".class",), r"\b\w+\.class\b", 2),
        (("extends", "implements"), r"\b(?:extends|implements)\s+[A-Z]", 1),
        (("final",), r"\bfinal\s+[A-Za-z]", 1),
        (
            ("public", "private", "protected"),
            r"\b(?:public|private|protected)\s+(?:static\s+)?(?:final\s+)?[\w<>\[\]]+\s+[a-z]\w*\s*\(",
            2,
        ),
        ((";",), "(?m)" + _STATEMENT_END, 1),
    ],
    "csharp": [
        (("using",), r"(?m)^\s*using\s+(?:System|Aspose)[\w.]*\s*;", 4),
        (("Console.",), r"\bConsole\.Write(?:Line)?\(", 4),
        (("namespace",), r"\bnamespace\s+\w", 3),
        (("get;",), r"\{\s*get;", 3),
        (("foreach",), r"\bforeach\s*\(", 2),
        (("string", "bool"), r"\b(?:string|bool)\s+\w+\s*[=;,)]", 2),
        (('@"', '$"'), r"(?:@|\$)\"", 2),
        (("(",), r"\.[A-Z][a-z]\w*\(", 2),
        (("var",), r"\bvar\s+\w+\s*=", 1),
        (("new",), r"\bnew\s+\w+(?:<[^>\n]*>)?\s*\{", 1),
        (
            ("public", "private", "protected", "internal"),
            r"\b(?:public|private|protected|internal)\s+(?:static\s+)?[\w<>\[\]]+\s+[A-Z]\w*\s*\(",
            2,
        ),
        ((";",), "(?m)" + _STATEMENT_END, 1),
    ],
    "python": [
        (("import",), r"(?m)^\s*from\s+[\w.-]+\s+import\s+\w", 4),
        (("def",), r"(?m)^\s*def\s+\w+\s*\(.*\)\s*(?:->.*)?:\s*$", 4),
        (("class",), r"(?m)^\s*class\s+\w+\s*(?:\([^)]*\))?\s*:\s*$", 4),
        (("self",), r"\bself\b", 2),
        ((":",), r"(?m)^\s*(?:if|elif|while|for|with|try|except|else)\b[^;{}\n]*:\s*$", 2),
        (("None", "print"), r"(?m)\bis (?:not )?None\b|^\s*print[ (]", 2),
        (("import",), r"(?m)^\s*import\s+[\w.]+\s*$", 1),
    ],
    "ruby": [
        (("Rjb::",), r"\bRjb::import\b", 6),
        (("def",), r"(?m)^\s*def\s+\w+[?!]?\s*(?:\([^)]*\))?\s*$", 3),
        (("end",), r"(?m)^\s*end\s*$", 2),
        ((".each", "puts", "require"), r"(?m)\.each\s+do\b|\bputs\s|^\s*require\s+['\"]", 3),
    ],
    "bash": [
        (_SHELL_COMMANDS, r"(?m)^\s*(?:\$\s+)?(?:" + "|".join(_SHELL_COMMANDS) + r")\s", 3),
        (("$",), r"(?m)^\s*\$\s+\w", 2),
    ],
    "xml": [
        (("<?xml",), r"^\s*<\?xml\b", 4),
        (("<",), r"(?m)^\s*</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>\s*$", 1),
    ],
}
_SIGNALS = {
    language: [(hints, re.compile(pattern), weight) for hints, pattern, weight in signals]
    for language, signals in _SIGNAL_SOURCE.items()
}
_DETECT_LIMIT = 2000  # characters of a block looked at for its language
_MIN_DETECTION_SCORE = 4  # below this a block is too short or too plain to judge


def detect_language(code: str) -> tuple[str | None, int, dict[str, int]]:
    """(best language, its score, all scores) from cheap signals; (None, 0, …) when unsure."""
    sample = code[:_DETECT_LIMIT]
    scores: dict[str, int] = {}
    counted: dict[re.Pattern[str], int] = {}  # a signal shared by languages is counted once
    for language, signals in _SIGNALS.items():
        score = 0
        for hints, pattern, weight in signals:
            hits = counted.get(pattern)
            if hits is None:
                hits = 0
                for hint in hints:  # a loop, not any(<generator>): this runs per signal per block
                    if hint in sample:
                        for _ in pattern.finditer(sample):
                            hits += 1
                            if hits == 3:
                                break
                        break
                counted[pattern] = hits
            score += hits * weight
        scores[language] = score
    best = max(scores, key=scores.__getitem__)
    if scores[best] < _MIN_DETECTION_SCORE:
        return None, 0, scores
    return best, scores[best], scores


def _block_detection(ctx: CheckContext, block: CodeBlock) -> tuple[str | None, int, dict[str, int]]:
    """Detection shared by CD001 and CD003 (computed once per block)."""
    cache: dict[int, tuple[str | None, int, dict[str, int]]] = ctx.memo.setdefault("code_language_detection", {})
    key = block.content_start
    if key not in cache:
        cache[key] = detect_language(block.content)
    return cache[key]


def _code_blocks(ctx: CheckContext) -> list[CodeBlock]:
    return ctx.doc.code_blocks


@rule(
    "CD001",
    "code-language-missing",
    "code",
    "warning",
    "A highlight shortcode should name its language, so the page highlights the code and the code "
    "rules can check it (fenced blocks: see MD040).",
    why="Unlabelled code renders as plain text, and no code rule can check code whose language is unknown.",
    good='{{< highlight java >}}\nimport com.aspose.words.Document;\n\nDocument doc = new Document("in.docx");\n'
    "System.out.println(doc.getText());\n{{< /highlight >}}",
    bad='{{< highlight >}}\nimport com.aspose.words.Document;\n\nDocument doc = new Document("in.docx");\n'
    "System.out.println(doc.getText());\n{{< /highlight >}}",
    fixable=True,
)
def highlight_language_missing(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    for block in _code_blocks(ctx):
        if block.kind != "highlight" or block.language:
            continue
        language, score, _ = _block_detection(ctx, block)
        fix = None
        if language and block.label_start is not None:
            fix = (TextEdit(block.label_start, block.label_start, " " + language),)
        yield Finding(
            "Highlight block has no language",
            block.start_line,
            suggestion=f"Label it {language}" if language else "Add the code's language",
            fix=fix,
            confidence=1.0,
        )


class LanguageUnknownParams(RuleParams):
    """Params of CD002 (code-language-unknown). The labels the site's highlighter knows."""

    languages: tuple[str, ...] = KNOWN_LANGUAGES


@rule(
    "CD002",
    "code-language-unknown",
    "code",
    "warning",
    "The code's language label should be one the site's highlighter knows (typos and made-up labels "
    "leave code unhighlighted).",
    why="A label the highlighter does not know leaves the sample uncoloured and hides it from the language- "
    "specific checks.",
    good="```java\nDocument doc = new Document();\n```",
    bad="```jvaa\nDocument doc = new Document();\n```",
    params=LanguageUnknownParams,
)
def language_unknown(ctx: CheckContext, params: LanguageUnknownParams) -> Iterable[Finding]:
    languages = params.languages
    known = _KNOWN_SET if languages is KNOWN_LANGUAGES else frozenset(label.lower() for label in languages)
    for block in _code_blocks(ctx):
        if block.language and block.language not in known:
            line, column = _label_position(ctx, block)
            yield Finding(
                f"Unknown code language '{block.language}'",
                line,
                column,
                end_column=column + len(block.language) - 1 if column > 1 else None,
            )


def _label_position(ctx: CheckContext, block: CodeBlock) -> tuple[int, int]:
    if block.label_start is not None and block.label_end and block.label_end > block.label_start:
        return ctx.doc.position(block.label_start)
    return block.start_line, 1


class LanguageMismatchParams(RuleParams):
    """Params of CD003 (code-language-mismatch). `min_margin`: how much more the detected language
    must score than the labelled one."""

    min_margin: int = Field(2, ge=0)


@rule(
    "CD003",
    "code-language-mismatch",
    "code",
    "warning",
    "The language label should match the code: Java labelled csharp (or Python labelled ruby) is "
    "highlighted wrongly and checked against the wrong API. Detected from cheap signals such as "
    "`System.out.println`, `throws`, getX()/setX() calls and `import com.…;` (Java) versus `using …;`, "
    "`Console.WriteLine` and PascalCase method calls (C#).",
    why="Code under the wrong label is coloured wrongly and checked against another language's API, so real "
    "mistakes slip through.",
    good='{{< highlight java >}}\nDocument doc = new Document("in.docx");\ndoc.save("out.pdf");\n'
    "doc.getFirstSection().getBody();\n{{< /highlight >}}",
    bad='{{< highlight csharp >}}\nDocument doc = new Document("in.docx");\ndoc.save("out.pdf");\n'
    "doc.getFirstSection().getBody();\n{{< /highlight >}}",
    fixable=True,
    params=LanguageMismatchParams,
)
def language_mismatch(ctx: CheckContext, params: LanguageMismatchParams) -> Iterable[Finding]:
    margin = params.min_margin
    for block in _code_blocks(ctx):
        label = block.language
        if not label or label in NEUTRAL_LABELS or label not in _KNOWN_SET:
            continue
        language, score, scores = _block_detection(ctx, block)
        declared = LANGUAGE_ALIASES.get(label)
        if language is None or declared == language:
            continue
        declared_score = scores.get(declared, 0) if declared is not None else 0
        if score - declared_score < margin or (declared and scores[declared] * 2 > score):
            continue
        line, column = _label_position(ctx, block)
        fix = None
        if block.label_start is not None and block.label_end and block.label_end > block.label_start:
            fix = (TextEdit(block.label_start, block.label_end, language),)
        yield Finding(
            f"Code is labelled '{label}' but looks like {language}",
            line,
            column,
            end_column=column + len(label) - 1,
            suggestion=f"Label it {language}",
            fix=fix,
            confidence=min(1.0, 0.5 + score / 20),
        )


@rule(
    "CD004",
    "code-block-empty",
    "code",
    "warning",
    "A code block should hold code; an empty block renders as an empty box.",
    why="An empty block is a promised sample that is not there; readers see an empty box.",
    good="```java\nDocument doc = new Document();\n```",
    bad="```java\n\n```",
)
def block_empty(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    for block in _code_blocks(ctx):
        if not block.content.strip():
            yield Finding("Code block is empty", block.start_line)


class BlockTooLongParams(RuleParams):
    """Params of CD005 (code-block-too-long)."""

    max_lines: int = Field(100, ge=1)


@rule(
    "CD005",
    "code-block-too-long",
    "code",
    "info",
    "Long code blocks are hard to follow on a page; split them or link a full sample.",
    why="Readers copy samples; a very long block is hard to follow and usually mixes several tasks.",
    good='```java\nDocument doc = new Document("in.docx");\ndoc.save("out.pdf");\n```',
    bad='```java\nDocument doc = new Document("in.docx");\ndoc.updateFields();\ndoc.save("out.pdf");\n```',
    example_params={"max_lines": 2},
    params=BlockTooLongParams,
)
def block_too_long(ctx: CheckContext, params: BlockTooLongParams) -> Iterable[Finding]:
    limit = params.max_lines
    for block in _code_blocks(ctx):
        lines = block.content.count("\n") + (0 if block.content.endswith("\n") or not block.content else 1)
        if lines > limit:
            yield Finding(f"Code block has {lines} lines (max {limit})", block.start_line)


# Windows drive paths (`C:\`, also as `C:\\` in string literals) and well-known home/web roots.
_LOCAL_PATH = re.compile(r"(?<![\w/])(?:[A-Za-z]:\\{1,2}(?=[\w .$-])|/(?:home|Users|var/www)/(?=\w))")
# Paths written with a placeholder are the docs' convention for "your folder" and are fine.
_PATH_PLACEHOLDER = re.compile(
    r"your[ _-]?(?:dir|path|folder|directory)|path[/\\]to[/\\]|<[^<>]*>|\{[^{}]*\}|[/\\]_\w+_[/\\]|username", re.I
)
_STRING_AROUND = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
_PATH_WINDOW = 300


@rule(
    "CD006",
    "code-hardcoded-path",
    "code",
    "warning",
    "Samples should not hard-code a machine's folders (`C:\\Users\\me`, `/home/me`): readers cannot run "
    'them. Paths containing a placeholder such as "YOUR DIR", `path/to/`, `<folder>` or `_username_` '
    "follow the docs' convention and are accepted. Reported once per block, at the first such path.",
    why="A sample that hard-codes the writer's folders fails on every reader's machine.",
    good='{{< highlight java >}}\nDocument doc = new Document(dataDir + "Input.docx");\n{{< /highlight >}}',
    bad='{{< highlight java >}}\nDocument doc = new Document("C:\\\\Users\\\\me\\\\Input.docx");\n{{< /highlight >}}',
)
def hardcoded_path(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    for block in _code_blocks(ctx):
        content = block.content
        if "\\" not in content and "/" not in content:
            continue
        for match in _LOCAL_PATH.finditer(content):
            if _is_placeholder_path(content, match.start()):
                continue
            line, column = doc.position(block.content_start + match.start())
            yield Finding(
                f"Hard-coded local path '{_path_at(content, match.start())}' in code",
                line,
                column,
                suggestion='Use a folder variable or a placeholder such as "YOUR DIR"',
            )
            break


def _path_at(content: str, start: int) -> str:
    end = start
    while end < len(content) and content[end] not in "\"'\n;,)":
        end += 1
    return content[start:end][:80]


def _is_placeholder_path(content: str, offset: int) -> bool:
    """Whether the string literal holding the path (or, outside a literal, the text after it)
    carries a placeholder. Looks at most _PATH_WINDOW characters either side, so a huge
    one-line block costs no more than a normal one."""
    window_start = max(0, offset - _PATH_WINDOW)
    line_start = content.rfind("\n", window_start, offset) + 1 or window_start
    line_end = content.find("\n", offset, offset + _PATH_WINDOW)
    line = content[line_start : line_end if line_end >= 0 else offset + _PATH_WINDOW]
    column = offset - line_start
    for string in _STRING_AROUND.finditer(line):
        if string.start() <= column < string.end():
            return bool(_PATH_PLACEHOLDER.search(string.group()))
    return bool(_PATH_PLACEHOLDER.search(line[column : column + 120]))


# Assignments or calls that hand a literal to something named like a secret, and token formats.
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)(password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|"
    r"access[_-]?token|token|client[_-]?secret|private[_-]?key|licen[cs]e[_-]?key)\w{0,40}[ \t]{0,8}"
    r"(?:[:=]|\([ \t]*)[ \t]{0,8}[\"']([^\"'\n]{4,200})[\"']"
)
_SECRET_TOKEN = re.compile(
    r"\b(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[baprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}|"
    r"AIza[0-9A-Za-z_-]{35})\b|-----BEGIN (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----"
)
# Substrings without which neither pattern can match, tested first (one regex scan each: the
# pipeline runs find_secrets on every string of every issue).
_SECRET_WORD = re.compile("pass|pwd|secret|key|token|licen")  # in the lower-cased text
_TOKEN_HINT = re.compile("AKIA|gh|xox|sk_live_|AIza|PRIVATE KEY")
# Values that are obviously stand-ins, not secrets.
_SECRET_PLACEHOLDER = re.compile(
    r"(?i)^(?:\W*|.*(?:your|example|sample|dummy|placeholder|changeme|\*\*\*|xxx|\.\.\.|<|\{|\$).*|"
    r"password\d*|passw0rd|pass|pwd|secret|token|key|api[_-]?key|test|qwerty|1234\d*|abc\d*)$"
)


def _secret_kind(name: str) -> str:
    name = name.lower()
    for word, kind in (("pass", "password"), ("pwd", "password"), ("token", "token"), ("secret", "secret")):
        if word in name:
            return kind
    return "key"


def find_secrets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of secret values in `text`; obvious placeholders are not secrets."""
    found: list[tuple[int, int, str]] = []
    if not text:
        return found
    if _SECRET_WORD.search(text.lower()):
        for match in _SECRET_ASSIGNMENT.finditer(text):
            value = match.group(2)
            if not _SECRET_PLACEHOLDER.match(value):
                found.append((match.start(2), match.end(2), _secret_kind(match.group(1))))
    if not _TOKEN_HINT.search(text):
        return found
    for match in _SECRET_TOKEN.finditer(text):
        if not any(start < match.end() and match.start() < end for start, end, _ in found):
            found.append((match.start(), match.end(), "token" if match.group(1) else "private key"))
    return found


# A fragment of a secret this long (or the whole secret, if shorter) counts as showing it.
SECRET_FRAGMENT = 6


class SecretMasker:
    """Masks every stretch of a text that overlaps a known secret value: a whole value, or a
    fragment of SECRET_FRAGMENT characters of one (a truncated context, a path cut at 80
    characters, an edit that covers half a value), plus any secret the text itself shows.

    Linear in the text: the values' fragments are indexed once, and a text is scanned with a
    window per fragment length (at most SECRET_FRAGMENT of them), never value by value."""

    def __init__(self, values: Iterable[str] = ()):
        self._fragments: dict[int, set[str]] = {}
        for value in values:
            size = min(len(value), SECRET_FRAGMENT)
            if size:
                self._fragments.setdefault(size, set()).update(
                    value[i : i + size] for i in range(len(value) - size + 1)
                )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Merged (start, end) ranges of `text` that overlap a secret."""
        marked = [(start, end) for start, end, _ in find_secrets(text)]
        for size, fragments in self._fragments.items():
            marked.extend((i, i + size) for i in range(len(text) - size + 1) if text[i : i + size] in fragments)
        merged: list[tuple[int, int]] = []
        for start, end in sorted(marked):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def reveals(self, text: str) -> bool:
        return bool(self.spans(text))

    def changes_none(self, texts: list[str]) -> bool:
        """True when `mask` would change none of `texts` (nor `reveals` find anything): no
        secret values to mask and no text holds a word or token prefix that `find_secrets`
        needs. One scan of the texts joined by line breaks (no word or prefix spans one),
        instead of one per text."""
        if self._fragments:
            return False
        joined = "\n".join(texts)
        return not _SECRET_WORD.search(joined.lower()) and not _TOKEN_HINT.search(joined)

    def mask(self, text: str) -> str:
        parts, position = [], 0
        for start, end in self.spans(text):
            parts += [text[position:start], SECRET_MASK]
            position = end
        return "".join(parts) + text[position:] if parts else text


def mask_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret value (found in it, or given) and any fragment of one replaced
    by SECRET_MASK."""
    return SecretMasker(secrets).mask(text)


def page_secrets(ctx: CheckContext) -> set[str]:
    """The secret values in the page's code blocks, found once per page (whether or not CD007
    is enabled: the pipeline masks them in every issue)."""
    values = ctx.memo.get(SECRETS_MEMO)
    if values is None:
        values = {
            block.content[start:end] for block in _code_blocks(ctx) for start, end, _ in find_secrets(block.content)
        }
        ctx.memo[SECRETS_MEMO] = values
    return values


_CONTEXT_WINDOW = 120  # characters of a long line shown either side of a finding


@rule(
    "CD007",
    "code-secret",
    "code",
    "error",
    "Code must not contain real passwords, API keys, tokens or private keys. The value is never "
    'shown: messages and context carry it masked. Obvious stand-ins ("password", "YOUR_API_KEY", '
    '"<token>") are accepted.',
    why="A published secret is leaked to everyone who reads or crawls the page, and stays in caches after it "
    "is removed.",
    good='{{< highlight java >}}\nloadOptions.setPassword("password");\n{{< /highlight >}}',
    bad='{{< highlight java >}}\nString apiKey = "9f8e7d6c5b4a39281706";\n{{< /highlight >}}',
)
def secret_in_code(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    doc = ctx.doc
    masker = SecretMasker(page_secrets(ctx))
    for block in _code_blocks(ctx):
        for start, _end, kind in find_secrets(block.content):
            line, column = doc.position(block.content_start + start)
            text = doc.lines[line - 1]
            window = text[max(0, column - 1 - _CONTEXT_WINDOW) : column - 1 + _CONTEXT_WINDOW]
            yield Finding(
                f"Possible {kind} in code: {SECRET_MASK}",
                line,
                column,
                context=masker.mask(window.strip()),
                suggestion="Read the value from configuration or use a placeholder",
            )


# Where a comment starts on a line (C-style, shell/Python, HTML, SQL); a marker counts only after it.
_COMMENT_START = re.compile(r"//|#|/\*|<!--|^\s*\*|--")


@lru_cache(maxsize=8)
def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(marker) for marker in markers) + r")\b")


class PlaceholderCommentParams(RuleParams):
    """Params of CD008 (code-placeholder-comment)."""

    markers: tuple[str, ...] = ("TODO", "FIXME", "XXX", "HACK")


@rule(
    "CD008",
    "code-placeholder-comment",
    "code",
    "info",
    "Published samples should not carry TODO/FIXME/XXX/HACK comments: they read as unfinished.",
    why="A TODO in a published sample tells readers the code is unfinished and may not work.",
    good='{{< highlight java >}}\n// Save the document as PDF.\ndoc.save("Out.pdf");\n{{< /highlight >}}',
    bad='{{< highlight java >}}\n// TODO: handle errors\ndoc.save("Out.pdf");\n{{< /highlight >}}',
    params=PlaceholderCommentParams,
)
def placeholder_comment(ctx: CheckContext, params: PlaceholderCommentParams) -> Iterable[Finding]:
    markers = tuple(params.markers)
    pattern = _marker_pattern(markers)
    doc = ctx.doc
    for block in _code_blocks(ctx):
        content = block.content
        if not any(marker in content for marker in markers):
            continue
        offset = 0
        for line in content.split("\n"):
            if any(marker in line for marker in markers):
                opener = _COMMENT_START.search(line)
                hit = pattern.search(line, opener.end()) if opener else None
                if hit:
                    number, column = doc.position(block.content_start + offset + hit.start(1))
                    yield Finding(
                        f"Placeholder comment '{hit.group(1)}' in code",
                        number,
                        column,
                        end_column=column + len(hit.group(1)) - 1,
                    )
            offset += len(line) + 1


class InlineCodeTooLongParams(RuleParams):
    """Params of CD009 (inline-code-too-long)."""

    max_chars: int = Field(80, ge=1)


@rule(
    "CD009",
    "inline-code-too-long",
    "code",
    "info",
    "Inline code longer than `max_chars` is hard to read in a sentence; use a code block.",
    why="Long inline code breaks the line it sits in and cannot be copied comfortably.",
    good='Call `doc.save("Out.pdf")` to save.',
    bad="Call `doc.getFirstSection().getBody().getFirstParagraph().getRuns().get(0).getFont().getName()` to read it.",
    params=InlineCodeTooLongParams,
)
def inline_code_too_long(ctx: CheckContext, params: InlineCodeTooLongParams) -> Iterable[Finding]:
    limit = params.max_chars
    doc = ctx.doc
    for start, end in doc.code_spans:
        if end - start - 2 > limit:
            body = doc.text[start:end].strip("`").strip()
            if len(body) > limit:
                line, column = doc.position(start)
                yield Finding(f"Inline code is {len(body)} characters long (max {limit})", line, column)
