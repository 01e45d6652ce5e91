"""Truth rules (category "truth"): checks of a page against its family's truth table.

Each rule reads the shared analysis from `page_truth(ctx)` (computed once per page) or
scans prose lines once with regexes compiled at import. Rules that concern several
families (product names, API, formats) run for every family the page concerns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import Field
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from chalicelib.engine.document import ParsedDocument
from chalicelib.engine.model import TextEdit
from chalicelib.engine.rules.frontmatter import MISSING_FIELDS_MEMO
from chalicelib.engine.rules.registry import CheckContext, Finding, NoParams, RuleParams, rule
from chalicelib.engine.truth.claims import CLAIM_VERBS, FormatClaim, FormatVocabulary, claims_in_line
from chalicelib.engine.truth.detect import page_truth
from chalicelib.engine.truth.schema import is_platform
from chalicelib.engine.truth.table import TruthTable
from chalicelib.engine.truth.textscan import (
    Phrase,
    ProseText,
    dotted_names,
    find_phrases,
    leading_literal,
    phrases,
)

PRODUCT_CUTOFF = 85


def _excluded_spans(doc: ParsedDocument) -> list[tuple[int, int]]:
    """Offsets that are not prose words: inline code, link destinations, bare URLs."""
    spans = list(doc.code_spans)
    for link in doc.links:
        if link.url_start is not None:
            spans.append((link.url_start, link.url_start + len(link.url)))
    spans.extend((start, end) for start, end, _ in doc.bare_urls)
    return spans


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


# --- TR001 product and plugin names -------------------------------------------------


def _misspelling_phrases(ctx: CheckContext, wrong_by_lower: dict[str, str]) -> tuple[Phrase, ...]:
    cached: tuple[Phrase, ...] = ctx.truth.cached("misspelling-phrases", lambda: phrases(wrong_by_lower))
    return cached


def _product_names(ctx: CheckContext) -> tuple[list[str], list[str], frozenset[str], dict[str, str], str]:
    """(canonical short names, the same lower-cased, every correct name, lower-cased known
    misspelling -> fix, the vendor prefix such as "aspose"), built once per registry."""
    registry = ctx.truth

    def build() -> tuple[list[str], list[str], frozenset[str], dict[str, str], str]:
        canonical = sorted({table.spec.product_name for table in registry.tables.values()})
        correct = set(canonical)
        misspellings: dict[str, str] = {}
        for table in registry.tables.values():
            correct.update(table.product_names)
            correct.update(table.stdlib.products)
            for wrong in table.spec.misspellings:
                misspellings[wrong.lower()] = table.spec.product_name
        vendor = canonical[0].split(".")[0].lower()
        return canonical, [name.lower() for name in canonical], frozenset(correct), misspellings, vendor

    names: tuple[list[str], list[str], frozenset[str], dict[str, str], str] = registry.cached("product-names", build)
    return names


def _near_vendor(word: str, vendor: str) -> bool:
    """`word` is the vendor name or one slip away from it: rapidfuzz ratio >= PRODUCT_CUTOFF,
    or one edit counting a swap of neighbours as one (`Aspoes`, `Asopse`, which ratio scores 83)."""
    return fuzz.ratio(word, vendor) >= PRODUCT_CUTOFF or OSA.distance(word, vendor, score_cutoff=1) <= 1


@rule(
    "TR001",
    "truth-product-name",
    "truth",
    "warning",
    "Product names are spelled as the truth tables spell them (Aspose.Words, not Apose.Words).",
    why="A misspelled product name looks careless and makes the page harder to find.",
    good="Convert documents with Aspose.Words for Java.",
    bad="Convert documents with Apose.Words for Java.",
    fixable=True,
    source="truth",
)
def check_product_names(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    if ctx.truth is None or not ctx.truth.families:
        return
    canonical, lowered_names, correct, wrong_by_lower, vendor = _product_names(ctx)
    doc = ctx.doc
    prose = page_truth(ctx).prose
    hits: dict[int, tuple[str, str, int, int]] = {}
    for start, wrong in find_phrases(prose, _misspelling_phrases(ctx, wrong_by_lower)):
        line, column, offset = prose.locate(start)
        hits[offset] = (prose.text[start : start + len(wrong)], wrong_by_lower[wrong], line, column)
    for start, left, right in dotted_names(prose.text):
        written = f"{left}.{right}"
        if written in correct or written.islower() or not _near_vendor(left.lower(), vendor):
            continue
        line, column, offset = prose.locate(start)
        if offset in hits:
            continue
        found = process.extractOne(written.lower(), lowered_names, scorer=fuzz.ratio, score_cutoff=PRODUCT_CUTOFF)
        if found:
            hits[offset] = (written, canonical[found[2]], line, column)
    for family in page_truth(ctx).families.values():
        for typo in family.misspelled:
            hits.setdefault(typo.offset, (typo.written, typo.canonical, typo.line, typo.column))
    spans = _excluded_spans(doc) if hits else []
    for offset, (written, right, line, column) in sorted(hits.items()):
        if _inside(offset, spans):
            continue
        yield Finding(
            f"'{written}' is misspelled; the name is {right}",
            line,
            column,
            end_line=line,
            end_column=column + len(written) - 1,
            context=doc.lines[line - 1].strip()[:200],
            suggestion=right,
            fix=(TextEdit(offset, offset + len(written), right),),
        )


# --- TR002 API in code ---------------------------------------------------------------


@rule(
    "TR002",
    "truth-unknown-api",
    "truth",
    "warning",
    "Classes, members and enum values used in code exist in the family's API for the code's platform "
    "(read in the code's language; reported only where the platform's API table is complete; advice "
    "only in sections that present legacy API; other libraries' code is not checked).",
    why="Code that calls APIs the product does not have fails for every reader who copies it.",
    good="```java\nDocument doc = new Document();\ndoc.getFirstSection();\n```\n",
    bad="```java\nDocument doc = new Document();\ndoc.getFirstSectionMagically();\n```\n",
    source="truth",
)
def check_api(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    for family in truth.families.values():
        product = family.table.spec.product_name
        for _, ref in family.refs:
            if ref.resolved:
                continue
            hint = f"; did you mean '{ref.nearest}'?" if ref.nearest else ""
            if ref.kind == "type":
                message = f"'{ref.name}' is not a {product} class{hint}"
            elif ref.kind == "function":
                message = f"'{ref.name}' is not a {product} function{hint}"
            elif ref.kind == "enum":
                message = f"'{ref.owner}.{ref.name}' is not a value of the {product} enum {ref.owner}{hint}"
            else:
                message = f"'{ref.name}' is not a member of {product} '{ref.owner}'{hint}"
            if ref.legacy:
                message += " (in a section that presents legacy API: advice only)"
            yield Finding(
                message,
                ref.line,
                ref.column,
                end_line=ref.line,
                end_column=ref.column + len(ref.name) - 1,
                suggestion=ref.nearest,
                confidence=0.9 if ref.kind != "type" else 0.7,
                at_most="info" if ref.legacy else None,
            )


# --- TR003 format claims --------------------------------------------------------------


def _format_vocabulary(table: TruthTable) -> FormatVocabulary:
    """How the family reads format tokens (see `claims`): its own formats and every alias in
    any case ("pdf", "Excel"); formats of the wider world only in capitals ("DWG", "MP4"),
    so "one" or "key" in a sentence is never a format."""

    def build() -> FormatVocabulary:
        any_case = {alias.lower(): fmt for alias, fmt in table.stdlib.format_aliases.items()}
        any_case.update(
            {
                fmt.lower(): fmt
                for fmt in (*table.spec.formats.load, *table.spec.formats.save, *table.spec.formats.embed)
            }
        )
        any_case.update({alias.lower(): fmt for alias, fmt in table.spec.formats.aliases.items()})
        own = {table.spec.product_name.lower(), *(name.lower().split(" ")[0] for name in table.product_names)}
        return FormatVocabulary(
            any_case,
            {fmt: fmt for fmt in table.stdlib.formats},
            frozenset(own),
            max(len(alias.split()) for alias in any_case),
        )

    return table.cached("format-vocabulary", build)


def _claim_lines(prose: ProseText) -> list[int]:
    """Prose lines holding a word that starts like a claim verb ("convert", "saving"), in order."""
    lines: set[int] = set()
    lowered = prose.lowered
    for verb in CLAIM_VERBS:
        start = lowered.find(verb)
        while start >= 0:
            if not start or not (lowered[start - 1].isalnum() or lowered[start - 1] in "_-"):
                lines.add(prose.locate(start)[0])
            start = lowered.find(verb, start + len(verb))
    return sorted(lines)


def _unsupported(table: TruthTable, claim: FormatClaim, platform: str | None) -> tuple[bool, bool]:
    """(contradicts the family's formats, contradicts only the page platform's formats)."""
    formats = table.spec.formats
    if claim.direction == "load":
        supported = claim.format in table.load_formats or claim.format in table.embed_formats
    else:
        supported = claim.format in table.save_formats or (claim.images and claim.format in table.embed_formats)
    if not supported:
        return True, False
    lacks = formats.platforms.get(platform) if is_platform(platform) else None
    if lacks is None:
        return False, False
    missing = lacks.not_load if claim.direction == "load" else lacks.not_save
    return False, claim.format in missing


@rule(
    "TR003",
    "truth-unsupported-format",
    "truth",
    "error",
    "Prose claims only file formats the family can load or save. Claims are read with their "
    "direction, subject and word sense; one that is not certain (an ambiguous word, an indirect "
    "verb, a format only the page's platform lacks) is reported at most as a warning.",
    why="Promising a format the product cannot read or write misleads customers.",
    good="Aspose.Words can convert DOCX to PDF.",
    bad="Aspose.Words can convert DOCX to DWG.",
    source="truth",
)
def check_format_claims(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    if truth.primary is None:
        return
    family = truth.families[truth.primary]
    table = family.table
    vocabulary = _format_vocabulary(table)
    doc = ctx.doc
    spans = _excluded_spans(doc)
    platform = family.platform if table.spec.formats.platforms else None
    for number in _claim_lines(truth.prose):
        line = doc.lines[number - 1]
        for claim in claims_in_line(line, vocabulary):
            family_lacks, platform_lacks = _unsupported(table, claim, platform)
            if not (family_lacks or platform_lacks) or _inside(doc.line_starts[number - 1] + claim.column, spans):
                continue
            verb = "load" if claim.direction == "load" else "save to"
            product = (
                table.spec.platforms[platform].product
                if platform_lacks and is_platform(platform)
                else table.spec.product_name
            )
            yield Finding(
                f"{product} cannot {verb} {claim.written}"
                + ("" if claim.certain or platform_lacks else " (if this sentence claims it)"),
                number,
                claim.column + 1,
                end_line=number,
                end_column=claim.column + len(claim.written),
                context=line.strip()[:200],
                confidence=1.0 if claim.certain and not platform_lacks else 0.6,
                at_most=None if claim.certain and not platform_lacks else "warning",
            )


# --- TR004-TR006 declared plugins ------------------------------------------------------


def _declared(ctx: CheckContext) -> list[str] | None:
    """The front matter `plugins:` entries as written (None when the field is absent)."""
    data = ctx.doc.front_matter.data or {}
    if "plugins" not in data:
        return None
    value = data["plugins"]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(item).strip() for item in value if item is not None and str(item).strip()]
    return []


def _plugin_keys(table: TruthTable) -> dict[str, str]:
    def build() -> dict[str, str]:
        keys: dict[str, str] = {}
        for plugin in table.spec.plugins:
            for written in (plugin.id, plugin.slug, plugin.name, *plugin.aliases):
                keys.setdefault(written.lower(), plugin.id)
        return keys

    return table.cached("plugin-keys", build)


def _resolve_declared(table: TruthTable, declared: list[str]) -> tuple[set[str], list[str]]:
    keys = _plugin_keys(table)
    known, unknown = set(), []
    for written in declared:
        plugin = keys.get(written.lower())
        if plugin:
            known.add(plugin)
        else:
            unknown.append(written)
    return known, unknown


_FLOW_LIST = re.compile(r"^(plugins\s*:\s*\[)(.*?)(\]\s*)$")
_BLOCK_ITEM = re.compile(r"^(\s*)-\s+\S")


def declare_plugin_edit(doc: ParsedDocument, plugin: str) -> TextEdit | None:
    """The edit that adds `plugin` to front matter `plugins:` as the page writes it (flow
    list, block list, comma string), or adds the field; None when there is no front matter,
    it is TOML or JSON, or the field has a shape we do not rewrite."""
    fm = doc.front_matter
    if not fm.present or fm.data is None or fm.format != "yaml":
        return None
    line = fm.key_lines.get("plugins")
    if line is None:  # no field: add it just before the closing fence
        return TextEdit(
            doc.line_starts[fm.end_line - 1], doc.line_starts[fm.end_line - 1], f"plugins: [{plugin}]{_newline(doc)}"
        )
    text = doc.lines[line - 1]
    flow = _FLOW_LIST.match(text)
    if flow:
        at = doc.line_starts[line - 1] + flow.end(2)
        return TextEdit(at, at, f", {plugin}" if flow.group(2).strip() else plugin)
    value = text.split(":", 1)[1].strip()
    if value and not value.startswith(("[", "{", "|", ">", "&", "*")):
        at = doc.line_starts[line - 1] + len(text.rstrip())
        return TextEdit(at, at, f", {plugin}")
    if value:
        return None
    last, indent = line, None
    for number in range(line + 1, fm.end_line):
        item = _BLOCK_ITEM.match(doc.lines[number - 1])
        if not item:
            break
        last, indent = number, item.group(1)
    if indent is None:
        return None
    at = doc.line_starts[last - 1] + len(doc.lines[last - 1])
    return TextEdit(at, at, f"{_newline(doc)}{indent}- {plugin}")


def _newline(doc: ParsedDocument) -> str:
    return "\r\n" if "\r\n" in doc.text[: doc.front_matter.end_offset or len(doc.text)] else "\n"


def _plugins_line(ctx: CheckContext) -> int:
    return ctx.doc.front_matter.key_lines.get("plugins", max(ctx.doc.front_matter.start_line, 1))


class UndeclaredPluginParams(RuleParams):
    """Params of TR004 (truth-undeclared-plugin). `require_plugins_field`: also check pages without `plugins:`."""

    require_plugins_field: bool = False
    min_confidence: float = Field(0.75, ge=0, le=1)


@rule(
    "TR004",
    "truth-undeclared-plugin",
    "truth",
    "warning",
    "Plugins the page uses are declared in front matter `plugins:` (pages without the field are "
    "checked only when require_plugins_field is on).",
    why="Undeclared plugins leave the page out of the plugin's listings and navigation.",
    good="---\nplugins: [mail_merge]\n---\nUse Mail Merge to fill templates.",
    bad="---\nplugins: [document]\n---\nUse Mail Merge to fill templates.",
    fixable=True,
    source="truth",
    params=UndeclaredPluginParams,
)
def check_undeclared_plugins(ctx: CheckContext, params: UndeclaredPluginParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    declared = _declared(ctx)
    if truth.primary is None or (declared is None and not params.require_plugins_field):
        return
    family = truth.families[truth.primary]
    known, _ = _resolve_declared(family.table, declared or [])
    threshold = params.min_confidence
    first: dict[str, Any] = {}
    for detection in family.detections:
        if detection.plugin not in first or (detection.line, detection.column) < (
            first[detection.plugin].line,
            first[detection.plugin].column,
        ):
            first[detection.plugin] = detection
    for plugin, confidence in sorted(family.confidences.items()):
        if confidence >= threshold and plugin not in known:
            where = first[plugin]
            name = family.table.plugins[plugin].name
            edit = declare_plugin_edit(ctx.doc, plugin)
            link = family.table.plugin_link(plugin, family.platform)
            yield Finding(
                f"the page uses {name} ('{plugin}', confidence {confidence:.2f}) but front matter "
                f"`plugins` does not declare it" + (f"; see {link}" if link else ""),
                where.line,
                where.column,
                context=where.matched,
                suggestion=plugin,
                confidence=confidence,
                fix=(edit,) if edit else None,
            )


class UnusedPluginParams(RuleParams):
    """Params of TR005 (truth-unused-plugin)."""

    min_confidence: float = Field(0.5, ge=0, le=1)


@rule(
    "TR005",
    "truth-unused-plugin",
    "truth",
    "info",
    "Every plugin declared in front matter `plugins:` exists and is used by the page.",
    why="Declaring a plugin the page does not use (or that does not exist) puts it in the wrong listings.",
    good="---\nplugins: [mail_merge]\n---\nUse Mail Merge to fill templates.",
    bad="---\nplugins: [mail_merge, watermark]\n---\nUse Mail Merge to fill templates.",
    source="truth",
    params=UnusedPluginParams,
)
def check_unused_plugins(ctx: CheckContext, params: UnusedPluginParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    declared = _declared(ctx)
    if truth.primary is None or not declared:
        return
    family = truth.families[truth.primary]
    known, unknown = _resolve_declared(family.table, declared)
    line = _plugins_line(ctx)
    threshold = params.min_confidence
    for written in unknown:
        nearest = process.extractOne(
            written.lower(), sorted(_plugin_keys(family.table)), scorer=fuzz.ratio, score_cutoff=70
        )
        hint = f"; did you mean '{_plugin_keys(family.table)[nearest[0]]}'?" if nearest else ""
        yield Finding(
            f"'{written}' is not a {family.table.spec.product_name} plugin{hint}",
            line,
            suggestion=_plugin_keys(family.table)[nearest[0]] if nearest else None,
        )
    for plugin in sorted(known):
        if family.confidences.get(plugin, 0.0) < threshold:
            yield Finding(f"front matter declares '{plugin}' but the page does not use it", line)


@rule(
    "TR006",
    "truth-plugin-dependency",
    "truth",
    "warning",
    "Declared plugins have their dependencies declared too.",
    why="A plugin declared without what it depends on gives readers an incomplete setup.",
    good="---\nplugins: [document, mail_merge]\n---\n",
    bad="---\nplugins: [mail_merge]\n---\n",
    source="truth",
)
def check_plugin_dependencies(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    declared = _declared(ctx)
    if truth.primary is None or not declared:
        return
    table = truth.families[truth.primary].table
    known, _ = _resolve_declared(table, declared)
    for plugin in sorted(known):
        for dependency in table.plugins[plugin].dependencies:
            if dependency not in known:
                yield Finding(
                    f"'{plugin}' needs '{dependency}', which front matter `plugins` does not declare",
                    _plugins_line(ctx),
                    suggestion=dependency,
                )


# --- TR007 forbidden patterns ------------------------------------------------------------


def _forbidden(table: TruthTable) -> list[tuple[re.Pattern[str], str, Any]]:
    """(compiled pattern, literal every match starts with, spec) per forbidden pattern."""
    return table.cached(
        "forbidden",
        lambda: [
            (
                re.compile(pattern.pattern, re.I if pattern.ignore_case else 0),
                "" if pattern.ignore_case else leading_literal(pattern.pattern),
                pattern,
            )
            for pattern in table.spec.forbidden_patterns
        ],
    )


@rule(
    "TR007",
    "truth-forbidden-pattern",
    "truth",
    "warning",
    "Deprecated or forbidden API and wording from the truth table are replaced.",
    why="Deprecated API and wording send readers to code that no longer works or text that is out of date.",
    good="```java\ndoc.getMailMerge().setCleanupOptions(MailMergeCleanupOptions.REMOVE_UNUSED_REGIONS);\n```\n",
    bad="```java\ndoc.getMailMerge().setRemoveEmptyRegions(true);\n```\n",
    fixable=True,
    source="truth",
)
def check_forbidden_patterns(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    doc = ctx.doc
    for family in truth.families.values():
        for pattern, literal, spec in _forbidden(family.table):
            found: list[tuple[int, str]] = []
            if spec.scope in ("code", "all"):
                for block in doc.code_blocks:
                    if literal in block.content:
                        found.extend(
                            (block.content_start + match.start(), match.group())
                            for match in pattern.finditer(block.content)
                        )
            if spec.scope in ("prose", "all"):
                prose = truth.prose
                found.extend((prose.locate(match.start())[2], match.group()) for match in pattern.finditer(prose.text))
            for offset, text in sorted(found):
                line, column = doc.position(offset)
                fix = (
                    (TextEdit(offset, offset + len(text), spec.replacement),) if spec.replacement is not None else None
                )
                yield Finding(
                    spec.message,
                    line,
                    column,
                    end_line=line,
                    end_column=column + len(text) - 1,
                    context=text[:200],
                    suggestion=spec.replacement,
                    fix=fix,
                )


# --- TR008 required front matter ----------------------------------------------------------


@rule(
    "TR008",
    "truth-required-fields",
    "truth",
    "warning",
    "Front matter has every field the family's truth table requires (a field the front matter "
    "rules FM002/FM003 already report missing is not reported twice).",
    why="Pages of a family rely on fields its templates need.",
    good="---\ntitle: Convert DOCX to PDF\ndescription: How to convert.\n---\n",
    bad="---\ntitle: Convert DOCX to PDF\n---\n",
    source="truth",
)
def check_required_fields(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    if truth.primary is None:
        return
    matter = ctx.doc.front_matter
    if matter.present and matter.data is None:
        return  # unparseable front matter is the front matter rules' finding
    data = matter.data or {}
    reported = ctx.memo.get(MISSING_FIELDS_MEMO, ())
    for name in truth.families[truth.primary].table.spec.required_fields:
        if name in reported:
            continue  # one finding per fact: FM002/FM003 already reported this field
        value = data.get(name)
        if value is None or (isinstance(value, (str, list, dict)) and not value):
            state = "is empty" if name in data else "is missing"
            yield Finding(
                f"front matter field '{name}' {state} ({truth.primary} pages require it)",
                matter.key_lines.get(name, max(matter.start_line, 1)),
            )


# --- TR009 plugin links ---------------------------------------------------------------


class PluginLinkParams(RuleParams):
    """Params of TR009 (truth-plugin-link)."""

    min_confidence: float = Field(0.7, ge=0, le=1)


@rule(
    "TR009",
    "truth-plugin-link",
    "truth",
    "info",
    "A page that clearly uses a plugin links to the plugin's page (from the family's "
    "link_template, in the documentation of the page's platform, known from its path or front "
    "matter) once; the fix appends the link to the prose line of its first mention.",
    why="Readers of a page that uses a plugin need a way to the plugin's own documentation.",
    good="Use [Mail Merge](https://docs.aspose.com/words/java/mail-merge/) to fill templates.",
    bad="Use Mail Merge to fill templates.",
    fixable=True,
    source="truth",
    params=PluginLinkParams,
)
def check_plugin_links(ctx: CheckContext, params: PluginLinkParams) -> Iterable[Finding]:
    truth = page_truth(ctx)
    if truth.primary is None:
        return
    family = truth.families[truth.primary]
    linked = {link.url.rstrip("/") for link in ctx.doc.links}
    threshold = params.min_confidence
    platform = family.platform
    for plugin, confidence in sorted(family.confidences.items()):
        url = family.table.plugin_link(plugin, platform)
        if url is None or confidence < threshold or url.rstrip("/") in linked:
            continue
        mentions = sorted(
            (
                d
                for d in family.detections
                if d.plugin == plugin and d.method != "api" and ctx.doc.is_prose_line(d.line)
            ),
            key=lambda d: (d.line, d.column),
        )
        if not mentions:
            continue
        first = mentions[0]
        name = family.table.plugins[plugin].name
        end = ctx.doc.line_starts[first.line - 1] + len(ctx.doc.lines[first.line - 1].rstrip())
        yield Finding(
            f"the page uses {name} but does not link its page {url}",
            first.line,
            first.column,
            context=first.matched,
            suggestion=url,
            confidence=confidence,
            fix=(TextEdit(end, end, f" See [{name}]({url})."),),
        )
