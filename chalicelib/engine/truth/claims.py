"""Reading format claims in English prose: which formats a sentence says the product loads
or saves, and how sure we are that the sentence says so about this product.

A claim has a direction (load or save), a format and a certainty. The reader follows
three things a regex over the whole line cannot:

- direction: "convert X to Y" loads X and saves Y; "save/export/render ... as/to/into Y"
  saves Y; "load/open/import/read X files" loads X. Lists are read whole ("convert PDF to
  DOC, DOCX or XLSX"), sources only where they stand ("convert documents from DOCX to PDF").
- subject: a sentence whose agent is another product or program (another Aspose product,
  Microsoft Word, a PDF reader, WinZip, a browser...) is not this product's claim. Such a
  name is an agent when it comes before the claim verb or after "with/using/via/in/by";
  "convert PDF to Microsoft Word" names a target format, not an agent. Questions, negated
  sentences ("cannot", "not supported") and user actions ("rename the file") claim nothing.
- word sense: a token is a format when written in capitals or as an extension (`DWG`,
  `.dwg`), or when it is one of the family's own format names or aliases (`pdf`, `Excel`);
  words that are also plain English ("numbers", "text", "word", "pages", "key", "one")
  are formats only with a format noun after them ("Numbers files") or written in capitals.

A claim is *certain* when its verb pattern is direct (convert/save/export/load/open) and
its format token unambiguous; otherwise it is a doubtful claim, which TR003 reports at
most as a warning. The module is pure and line-based: `claims_in_line` reads one prose
line, once, with regexes compiled at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from chalicelib.engine.truth.textscan import lower_same_length

Direction = Literal["load", "save"]

# How the verbs a claim needs start; a line without any of them is never read further.
_CONVERT_VERBS = ("conver",)
_SAVE_VERBS = ("sav", "export", "render", "writ", "output")
_LOAD_VERBS = ("load", "open", "import", "read")
CLAIM_VERBS = (*_CONVERT_VERBS, *_SAVE_VERBS, *_LOAD_VERBS)

# English words that are also format names: formats only with a format noun after them or
# when written in capitals.
AMBIGUOUS_WORDS = frozenset({"numbers", "text", "word", "key", "one", "pages", "image", "images", "ai"})
_FORMAT_NOUN = re.compile(
    r"\s*(?:files?|formats?|documents?|docs|spreadsheets?|presentations?|workbooks?|slides?|"
    r"drawings?|archives?|images?|pictures?|photos?|videos?|pages?\b)\b"
)
# Words that may stand between a preposition and the format ("to a searchable PDF").
_FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "other",
        "editable",
        "searchable",
        "different",
        "multiple",
        "various",
        "popular",
        "common",
        "several",
        "separate",
        "single",
        "standard",
        "high-quality",
        "fixed-layout",
        "raster",
        "vector",
        "older",
        "newer",
        "modern",
        "legacy",
        "secure",
        "encrypted",
        "your",
        "its",
        "their",
        "this",
        "that",
        "existing",
        "any",
        "all",
        "new",
        "many",
        "proper",
        "compliant",
        "valid",
    ]
)
_ALIAS_WINDOW = 80  # characters read for a multi-word alias (bounded: a long line stays linear)
_TOKEN = re.compile(r"\.?[A-Za-z0-9][\w+]*(?:/[A-Za-z0-9]+)?")
_LIST_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|/\s*|\s(?:and|or|&)\s+)(?:the\s+)?")
_SENTENCE_END = re.compile(r"[.!?;:][\"')\]”’]*(?=\s|$)")

# A gap runs to the end of the sentence at most; a dot inside a word (".docx") is no end.
_GAP = r"(?:[^.;:!?\n]|\.(?=\w)){{0,{limit}}}?"
_CONVERT = re.compile(
    r"(?<![\w-])conver(?:ts?|ted|ting|sions?)\b(?P<gap>" + _GAP.format(limit=80) + r")\b(?:to|into)\s+"
)
_SAVE = re.compile(
    r"(?<![\w-])(?P<verb>sav(?:e[sd]?|ing)|export(?:s|ed|ing)?|render(?:s|ed|ing)?|writ(?:e|es|ing)|"
    r"output(?:s|ting)?)\b(?P<gap>" + _GAP.format(limit=60) + r")\b(?P<prep>as|to|into|in)\s+"
)
_LOAD = re.compile(
    r"(?<![\w-])(?P<verb>load(?:s|ed|ing)?|open(?:s|ed|ing)?|import(?:s|ed|ing)?|read(?:s|ing)?)\s+"
    r"(?:(?:an?|the|existing|your|any|all|multiple|several|password-protected|encrypted)\s+)?"
)
_PAIR = re.compile(r"\bto\s+")  # "DOCX to PDF conversion"
_CONVERSION = re.compile(r"\s+conversions?\b")

_NOT_A_CLAIM = re.compile(
    r"\b(?:not|cannot|can't|can not|doesn't|don't|isn't|aren't|won't|unable|unsupported|no longer|never|"
    r"rename[sd]?|renaming)\b"
)
# Programs and products other than the page's own (an Aspose product is tested apart).
_FOREIGN = re.compile(
    r"\b(?:microsoft(?:\s+(?:word|excel|powerpoint|office|outlook|visio|project|onenote|edge))?|"
    r"ms\s+(?:word|excel|powerpoint|office)|office\s+interop|adobe(?:\s+(?:acrobat|reader|photoshop))?|"
    r"acrobat|libreoffice|openoffice|google\s+(?:docs|sheets|slides|drive|chrome)|winzip|winrar|7-zip|"
    r"apple\s+(?:numbers|pages|keynote)|(?:pdf\s+)?(?:reader|viewer)s?|(?:web\s+)?browsers?|"
    r"word\s+processors?|notepad|photoshop|autocad|apache\s+poi|docx4j|itext|pdfbox|ghostscript|ffmpeg|"
    r"wkhtmltopdf|pandoc|imagemagick|imageio|jdk|jre|java\s+runtime)\b"
)
_ASPOSE_PRODUCT = re.compile(r"\baspose\.[a-z0-9]+\b")
_AGENT_BEFORE = re.compile(r"\b(?:use|uses|with|using|via|in|by|through|inside|within)\s+(?:the\s+|an?\s+)?$")


@dataclass(frozen=True, slots=True)
class FormatVocabulary:
    """How a family reads format tokens: spellings in any case -> format id (its own formats
    and aliases), capital-only spellings -> format id (the wider world's formats)."""

    any_case: dict[str, str]
    upper_only: dict[str, str]
    own_products: frozenset[str]  # lower-cased product names of the family ("aspose.words")
    longest_alias_words: int  # the most words in an alias ("word 2003 xml": 3)


@dataclass(frozen=True, slots=True)
class FormatClaim:
    direction: Direction
    column: int  # 0-based offset of the format token in the line
    written: str
    format: str
    certain: bool
    images: bool  # a claim about images ("convert JPEG images to PDF"): embed formats count


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    written: str
    format: str
    certain: bool


def _token_at(line: str, lowered: str, at: int, vocabulary: FormatVocabulary) -> _Token | None:
    """The format token starting at `at` (longest alias first), or None when the word
    there is not a format in this sense."""
    match = _TOKEN.match(line, at)
    if match is None:
        return None
    # multi-word aliases ("plain text", "word 2003 xml", "microsoft word")
    words = lowered[at : at + _ALIAS_WINDOW].split(None, vocabulary.longest_alias_words)
    for count in range(min(vocabulary.longest_alias_words, len(words)), 1, -1):
        phrase = " ".join(words[:count]).rstrip(",.;:!?)")
        fmt = vocabulary.any_case.get(phrase)
        if fmt is not None and lowered.startswith(phrase, at):
            return _Token(at, at + len(phrase), line[at : at + len(phrase)], fmt, True)
    written = match.group()
    extension = written.startswith(".")
    bare = written[1:] if extension else written
    key = bare.lower()
    fmt = vocabulary.any_case.get(key) or vocabulary.upper_only.get(bare.upper() if extension else bare)
    if fmt is None:
        return None
    capitals = bare.isupper() and len(bare) > 1
    if key in AMBIGUOUS_WORDS and not (capitals or extension):
        capitalised = bare[:1].isupper()
        if _FORMAT_NOUN.match(lowered, match.end()):
            return _Token(at, match.end(), written, fmt, capitalised)
        return _Token(at, match.end(), written, fmt, False) if capitalised else None
    return _Token(at, match.end(), written, fmt, True)


def _skip_fillers(line: str, lowered: str, at: int, limit: int = 2) -> int:
    """The offset after up to `limit` filler words ("a", "the", "searchable")."""
    for _ in range(limit):
        match = _TOKEN.match(lowered, at)
        if match is None or match.group() not in _FILLERS:
            break
        at = match.end()
        while at < len(line) and line[at] == " ":
            at += 1
    return at


def _format_list(line: str, lowered: str, at: int, end: int, vocabulary: FormatVocabulary) -> list[_Token]:
    """The formats listed from `at` ("PDF, XPS or HTML"), stopping at the first non-format."""
    tokens: list[_Token] = []
    at = _skip_fillers(line, lowered, at)
    while at < end:
        token = _token_at(line, lowered, at, vocabulary)
        if token is None:
            break
        tokens.append(token)
        joiner = _LIST_JOINER.match(line, token.end)
        if joiner is None:
            break
        at = joiner.end()
    return tokens


def _gap_formats(line: str, lowered: str, start: int, end: int, vocabulary: FormatVocabulary) -> list[_Token]:
    """Source formats between "convert" and "to": after "from" when the gap has one."""
    source = lowered.find(" from ", start, end)
    if source >= 0:
        start = source + len(" from ")
    tokens = []
    for match in _TOKEN.finditer(line, start, end):
        token = _token_at(line, lowered, match.start(), vocabulary)
        if token is not None and token.end <= end:
            tokens.append(token)
    return tokens


def _foreign_agent(lowered: str, start: int, end: int, verb_at: int, vocabulary: FormatVocabulary) -> bool:
    """True when the sentence [start, end) names another product or program as its agent."""
    for pattern in (_ASPOSE_PRODUCT, _FOREIGN):
        for match in pattern.finditer(lowered, start, end):
            name = match.group()
            if pattern is _ASPOSE_PRODUCT and name in vocabulary.own_products:
                continue
            if _FORMAT_NOUN.match(lowered, match.end()):
                continue  # "Microsoft Word documents": a format, not an agent
            if match.start() < verb_at or _AGENT_BEFORE.search(lowered, max(start, match.start() - 12), match.start()):
                return True
    return False


def _sentences(lowered: str) -> Iterator[tuple[int, int]]:
    if not any(mark in lowered for mark in ".!?;:"):
        yield 0, len(lowered)
        return
    start = 0
    for match in _SENTENCE_END.finditer(lowered):
        yield start, match.end()
        start = match.end()
    if start < len(lowered):
        yield start, len(lowered)


def claims_in_line(line: str, vocabulary: FormatVocabulary) -> Iterator[FormatClaim]:
    """The format claims of one prose line, in order of the format tokens' columns."""
    lowered = lower_same_length(line)
    for start, end in _sentences(lowered):
        found = list(_sentence_claims(line, lowered, start, end, vocabulary))
        if not found:
            continue
        sentence = lowered[start:end]
        if "?" in sentence or _NOT_A_CLAIM.search(sentence):
            continue
        first_verb = min(verb_at for verb_at, _ in found)
        if _foreign_agent(lowered, start, end, first_verb, vocabulary):
            continue
        seen: set[int] = set()
        for _, claim in sorted(found, key=lambda item: item[1].column):
            if claim.column not in seen:
                seen.add(claim.column)
                yield claim


def _sentence_claims(
    line: str, lowered: str, start: int, end: int, vocabulary: FormatVocabulary
) -> Iterator[tuple[int, FormatClaim]]:
    """(verb offset, claim) pairs of one sentence."""
    sentence = lowered[start:end]
    converts = any(verb in sentence for verb in _CONVERT_VERBS)
    saves = any(verb in sentence for verb in _SAVE_VERBS)
    loads = any(verb in sentence for verb in _LOAD_VERBS)
    for match in _CONVERT.finditer(lowered, start, end) if converts else ():
        images = "image" in match.group("gap")
        targets = _format_list(line, lowered, match.end(), end, vocabulary)
        if not targets:
            continue
        for token in _gap_formats(line, lowered, match.start("gap"), match.end("gap"), vocabulary):
            yield match.start(), _claim("load", token, True, False)
        for token in targets:
            yield match.start(), _claim("save", token, True, images)
    for match in _SAVE.finditer(lowered, start, end) if saves else ():
        direct = match.group("prep") != "in" and not match.group("verb").startswith(("writ", "output"))
        images = "image" in match.group("gap")
        for token in _format_list(line, lowered, match.end(), end, vocabulary):
            yield match.start(), _claim("save", token, direct, images)
    for match in _LOAD.finditer(lowered, start, end) if loads else ():
        tokens = _format_list(line, lowered, match.end(), end, vocabulary)
        if tokens and _FORMAT_NOUN.match(lowered, tokens[-1].end):
            direct = not match.group("verb").startswith("read")
            for token in tokens:
                yield match.start(), _claim("load", token, direct, False)
    if converts and "conversion" in sentence:
        for match in _PAIR.finditer(lowered, start, end):
            after = _format_list(line, lowered, match.end(), end, vocabulary)
            if len(after) != 1 or not _CONVERSION.match(lowered, after[0].end):
                continue
            before = _token_before(line, lowered, match.start(), start, vocabulary)
            if before is not None:
                yield match.start(), _claim("load", before, True, False)
                yield match.start(), _claim("save", after[0], True, False)


def _token_before(line: str, lowered: str, at: int, start: int, vocabulary: FormatVocabulary) -> _Token | None:
    """The format token ending just before `at` ("DOCX" in "DOCX to PDF conversion")."""
    word_end = at
    while word_end > start and line[word_end - 1] == " ":
        word_end -= 1
    word_start = word_end
    while word_start > start and (line[word_start - 1].isalnum() or line[word_start - 1] in "._+"):
        word_start -= 1
    token = _token_at(line, lowered, word_start, vocabulary) if word_start < word_end else None
    return token if token is not None and token.end == word_end else None


def _claim(direction: Direction, token: _Token, direct: bool, images: bool) -> FormatClaim:
    return FormatClaim(direction, token.start, token.written, token.format, direct and token.certain, images)
