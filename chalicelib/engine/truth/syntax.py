"""Which programming language a code block is written in, read from its text.

The syntax of a block decides how it is read (comment markers, `->`/`::` member access,
`$` variables, module aliases), and together with the page it decides the platform whose
API the block is checked against. Labels are only a fallback: real pages label Java code
`csharp` and C# code `java`.

Every test here is a substring search or a regex without nested repetition over the first
`SNIFF_CHARS` characters, so sniffing is linear and bounded.
"""

from __future__ import annotations

import re

SNIFF_CHARS = 6000
SYNTAXES = ("java", "csharp", "vb", "cpp", "python", "js", "php", "go")

LABEL_SYNTAX = {
    "java": "java",
    "groovy": "java",
    "kotlin": "java",
    "scala": "java",
    "android": "java",
    "csharp": "csharp",
    "cs": "csharp",
    "c#": "csharp",
    "fsharp": "csharp",
    "vb": "vb",
    "vbnet": "vb",
    "vb.net": "vb",
    "visualbasic": "vb",
    "cpp": "cpp",
    "c++": "cpp",
    "cxx": "cpp",
    "hpp": "cpp",
    "c": "cpp",
    "h": "cpp",
    "python": "python",
    "py": "python",
    "python3": "python",
    "jython": "python",
    "javascript": "js",
    "js": "js",
    "typescript": "js",
    "ts": "js",
    "nodejs": "js",
    "node": "js",
    "jsx": "js",
    "tsx": "js",
    "php": "php",
    "go": "go",
    "golang": "go",
}

_PHP = re.compile(r"<\?php|\$[A-Za-z_]\w*\s*(?:->|=\s*new\b)|\bnew\s+\\[A-Z]")
_CPP = re.compile(
    r"^\s*#include\b|\bMakeObject\s*<|\bSharedPtr\s*<|\bintrusive_ptr\s*<|\busing\s+namespace\s+\w+\s*::|"
    r"\bSystem::|(?<=[(\s,+=])u\"|\bauto\s+\w+\s*=|\w\)?->[A-Za-z_]|\bstd::",
    re.M,
)
_GO = re.compile(r"^\s*package\s+\w+\s*$|^\s*func\s+\w*\s*\(|\w+(?:\s*,\s*\w+)?\s*:=|\bif\s+err\s*!=\s*nil\b", re.M)
_PYTHON = re.compile(
    r"^\s*import\s+[\w.]+(?:\s+as\s+\w+)?\s*$|^\s*from\s+[\w.]+\s+import\s|^\s*def\s+\w+\s*\(.*\)\s*(?:->[^\n:]*)?:\s*$|"
    r"^\s*(?:with|for|if|elif|while)\s[^\n;{]*:\s*$|^\s*print\s*\(",
    re.M,
)
_JS = re.compile(
    r"\brequire\s*\(|\bconsole\.log\b|^\s*(?:const|let)\s+\w+\s*(?::\s*[\w.<>\[\]]+\s*)?=|^\s*import\s+(?:\*\s+as\s+)?\w+\s+from\s|"
    r"^\s*import\s*\{[^}\n]*\}\s*from\s|\bfunction\s+\w*\s*\(",
    re.M,
)
_VB = re.compile(
    r"^\s*(?:Dim|Imports|End\s+(?:Sub|Function|Using|If)|Sub\s+\w+|For\s+Each)\b|\bAs\s+New\b", re.M | re.I
)
_CSHARP = re.compile(
    r"^\s*using\s+[A-Z][\w.]*\s*;|\bvar\s+\w+\s*=|\bConsole\.Write|\bforeach\s*\(|\bnamespace\s+[A-Z]|"
    r"\.[A-Z]\w*\s*=[^=]|\bstring\[\]|\bnew\s+[A-Z]\w*\s*\{",
    re.M,
)
_JAVA = re.compile(
    r"\bSystem\.out\.print|\bthrows\s+[A-Z]|^\s*import\s+(?:static\s+)?[a-z][\w.]*(?:\.\*)?\s*;|\bpublic\s+static\s+void\s+main\b|"
    r"\bString\[\]|\.get[A-Z]\w*\(\)|\.set[A-Z]\w*\(",
    re.M,
)
_STATEMENT_END = re.compile(r";[ \t]*$", re.M)  # C-like statements; Python lines do not end so
_CALL_PASCAL = re.compile(r"\.[A-Z]\w*\s*\(")
_CALL_CAMEL = re.compile(r"\.[a-z]\w*\s*\(")


def label_syntax(label: str | None) -> str | None:
    return LABEL_SYNTAX.get((label or "").lower())


def sniff_syntax(code: str) -> str | None:
    """The language the text is evidently written in, or None when nothing decides."""
    head = code[:SNIFF_CHARS]
    if _PHP.search(head):
        return "php"
    if _VB.search(head):
        return "vb"
    if _CPP.search(head) and "$" not in head:
        return "cpp"
    if _GO.search(head):
        return "go"
    if _PYTHON.search(head) and len(_STATEMENT_END.findall(head)) < 2:
        return "python"
    if _JS.search(head):
        return "js"
    java, csharp = _JAVA.search(head), _CSHARP.search(head)
    if java and not csharp:
        return "java"
    if csharp and not java:
        return "csharp"
    if java and csharp:
        return _by_member_case(head)
    return None


def _by_member_case(head: str) -> str:
    """Java calls camelCase members, C# PascalCase ones."""
    return "csharp" if len(_CALL_PASCAL.findall(head)) > len(_CALL_CAMEL.findall(head)) else "java"


def c_like_guess(code: str) -> str:
    """Java or C# for code no idiom decided, by how its members are cased."""
    return _by_member_case(code[:SNIFF_CHARS])
