"""Which programming language a code block is written in, read from its text.

The syntax of a block decides how it is read (comment markers, `->`/`::` member access,
`$` variables, module aliases), and together with the page it decides the platform whose
API the block is checked against. Labels are only a fallback: real pages label Java code
`csharp` and C# code `java`.

Every test here is a substring search, then a regex that begins with that literal and has no
nested repetition, over the first `SNIFF_CHARS` characters, so sniffing is linear and bounded.
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
    "ruby": "python",  # read like Python (`#` comments, no `;`): Ruby via Rjb calls the Java API
    "rb": "python",
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

# Signs of each language: (substring, pattern that confirms it or None). The substring is
# searched first (fast); each pattern begins with a literal, so the regex engine skips ahead
# to it instead of trying every position.
Sign = tuple[str, "re.Pattern[str] | None"]
_M = re.M


def _signs(*pairs: tuple[str, str | None]) -> tuple[Sign, ...]:
    return tuple((literal, re.compile(pattern, _M) if pattern else None) for literal, pattern in pairs)


_PHP = _signs(("<?php", None), ("$", r"\$[A-Za-z_]\w*\s*(?:->|=\s*new\b)"), ("new \\", None))
_VB = _signs(
    ("Dim ", r"Dim\s+\w+\s+As\b"),
    ("As New ", None),
    ("End Sub", None),
    ("End Using", None),
    ("End Function", None),
    ("For Each ", None),
    ("Imports ", r"^[ \t]*Imports\s+[A-Z]"),
)
_CPP = _signs(
    ("#include", None),
    ("MakeObject", r"MakeObject\s*<"),
    ("SharedPtr", r"SharedPtr\s*<"),
    ("intrusive_ptr", r"intrusive_ptr\s*<"),
    ("System::", None),
    ("std::", None),
    ("using namespace", r"using\s+namespace\s+\w+\s*::"),
    ('u"', r'[(\s,+=]u"'),
    ("auto ", r"auto\s+\w+\s*="),
    ("->", r"[\w)]->[A-Za-z_]"),
)
_GO = _signs(
    ("package ", r"^[ \t]*package\s+\w+[ \t]*$"),
    ("func", r"func\s+\w*\s*\("),
    (":=", r"[\w\]]\s*:="),
    ("err != nil", None),
)
_PYTHON = _signs(
    ("import", r"import\s+[\w.]+(?:\s+as\s+\w+)?[ \t]*$"),
    ("from", r"from\s+[\w.]+\s+import\s"),
    ("def", r"def\s+\w+\s*\(.*\)\s*(?:->[^\n:]*)?:[ \t]*$"),
    (":", r":[ \t]*\n[ \t]+\S"),  # a block opened by a colon and indented
    ("print", r"^[ \t]*print\s*\("),
)
# Python written with Java habits (`;` line ends) on the Java products' "for Python via Java"
# / Jython pages: these decide Python however many lines end with `;`. No Java or C# line
# assigns an untyped name from `self.`, prints with a `print` statement or defines `def f(self`.
_PYTHON_DESPITE_SEMICOLONS = _signs(
    ("self.", r"^[ \t]*\w+[ \t]*=[ \t]*self\.[A-Za-z_]"),
    ("print ", r"^[ \t]*print[ \t]+[\"'A-Za-z_]"),
    ("def ", r"^[ \t]*def[ \t]+\w+[ \t]*\([ \t]*self\b"),
)
_JS = _signs(
    ("require", r"require\s*\("),
    ("console.log", None),
    ("const ", r"const\s+\w+\s*(?::\s*[\w.<>\[\]]+\s*)?="),
    ("let ", r"let\s+\w+\s*(?::\s*[\w.<>\[\]]+\s*)?="),
    ("import", r"import\s+(?:\*\s+as\s+)?\w+\s+from\s"),
    ("import", r"import\s*\{[^}\n]*\}\s*from\s"),
    ("function", r"function\s+\w*\s*\("),
)
_CSHARP = _signs(
    ("using", r"using\s+[A-Z][\w.]*\s*;"),
    ("var ", r"var\s+\w+\s*="),
    ("Console.Write", None),
    ("foreach", r"foreach\s*\("),
    ("namespace", r"namespace\s+[A-Z]"),
    (".", r"\.[A-Z]\w*\s*=[^=]"),
    ("string[]", None),
    ("new ", r"new\s+[A-Z]\w*\s*\{"),
)
_JAVA = _signs(
    ("System.out.print", None),
    ("throws", r"throws\s+[A-Z]"),
    ("import", r"import\s+(?:static\s+)?[a-z][\w.]*(?:\.\*)?\s*;"),
    ("public static void main", None),
    ("String[]", None),
    (".get", r"\.get[A-Z]\w*\(\)"),
    (".set", r"\.set[A-Z]\w*\("),
)
_STATEMENT_END = re.compile(r";[ \t]*$", re.M)  # C-like statements; Python lines do not end so
_CALL_PASCAL = re.compile(r"\.[A-Z]\w*\s*\(")
_CALL_CAMEL = re.compile(r"\.[a-z]\w*\s*\(")


def label_syntax(label: str | None) -> str | None:
    return LABEL_SYNTAX.get((label or "").lower())


def sniff_syntax(code: str) -> str | None:
    """The language the text is evidently written in, or None when nothing decides."""
    head = code[:SNIFF_CHARS]
    if _shows(head, _PHP):
        return "php"
    if _shows(head, _VB):
        return "vb"
    if "$" not in head and _shows(head, _CPP):
        return "cpp"
    if _shows(head, _GO):
        return "go"
    if _shows(head, _PYTHON_DESPITE_SEMICOLONS) or (_shows(head, _PYTHON) and len(_STATEMENT_END.findall(head)) < 2):
        return "python"
    if _shows(head, _JS):
        return "js"
    java, csharp = _shows(head, _JAVA), _shows(head, _CSHARP)
    if java and not csharp:
        return "java"
    if csharp and not java:
        return "csharp"
    if java and csharp:
        return _by_member_case(head)
    return None


def _shows(head: str, signs: tuple[Sign, ...]) -> bool:
    # A plain loop: this runs for every sign of every block, and a generator costs more
    # than the substring tests themselves.
    for literal, pattern in signs:  # noqa: SIM110 - see above
        if literal in head and (pattern is None or pattern.search(head)):
            return True
    return False


def _by_member_case(head: str) -> str:
    """Java calls camelCase members, C# PascalCase ones."""
    return "csharp" if len(_CALL_PASCAL.findall(head)) > len(_CALL_CAMEL.findall(head)) else "java"


def c_like_guess(code: str) -> str:
    """Java or C# for code no idiom decided, by how its members are cased."""
    return _by_member_case(code[:SNIFF_CHARS])
