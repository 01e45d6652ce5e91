"""SEO rules (SEOxxx): the page's H1 and its heading lengths.

Relation to the markdown rules, so no finding is reported twice: hierarchy skips (`## A` then
`#### B`) are MD001's (heading-increment), more than one top-level heading is MD025's
(single-title), and "the first line is a top-level heading" is MD041's. The SEO rules add what
those do not say: that the page has a title at all (an H1, or a front matter `title` that the site
renders as the H1), that a body H1 is the first heading, and the per-level length limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.engine.document import Heading
from chalicelib.engine.rules.registry import CheckContext, Finding, NoParams, RuleParams, rule
from chalicelib.engine.rules.structure import heading_label

# Per heading level: (min, max, recommended min, recommended max) characters.
HEADING_LIMITS = {
    1: (20, 70, 30, 60),
    2: (10, 100, 20, 80),
    3: (5, 100, 15, 70),
    4: (5, 80, 10, 60),
    5: (3, 70, 8, 50),
    6: (3, 60, 8, 40),
}


def _has_front_matter_title(ctx: CheckContext) -> bool:
    data = ctx.doc.front_matter.data if ctx.doc.front_matter.present else None
    return isinstance(data, dict) and isinstance(data.get("title"), str) and bool(data["title"].strip())


# Conventional headings readers recognise at any length: never reported as too short.
CONVENTIONAL_HEADINGS = (
    "See Also",
    "Overview",
    "Examples",
    "Example",
    "Summary",
    "FAQ",
    "FAQs",
    "Usage",
    "Remarks",
    "Notes",
    "Conclusion",
    "Introduction",
    "Prerequisites",
    "Next Steps",
)


# heading level -> (minimum, maximum, recommended low, recommended high) length
HeadingLimits = dict[int, tuple[int, int, int, int]]


class H1MissingParams(RuleParams):
    """Params of SEO001 (seo-h1-missing). `front_matter_title`: a front matter `title` counts as
    the H1 (the site renders it)."""

    front_matter_title: bool = True


@rule(
    "SEO001",
    "seo-h1-missing",
    "seo",
    "error",
    "A page needs a title search engines can read: an H1, or a front matter `title` the site renders as "
    "the H1 (param `front_matter_title`).",
    why="Search engines and browsers use the H1 (or the rendered title) as the page's title.",
    good="---\ntitle: Convert a Document to PDF in Java\n---\n\nText.",
    bad="## Convert a Document\n\nText.",
    params=H1MissingParams,
)
def h1_missing(ctx: CheckContext, params: H1MissingParams) -> Iterable[Finding]:
    if any(heading.level == 1 for heading in ctx.doc.headings):
        return
    if params.front_matter_title and _has_front_matter_title(ctx):
        return
    doc = ctx.doc
    line = doc.headings[0].line if doc.headings else max(1, min(len(doc.lines), doc.front_matter.end_line + 1))
    yield Finding("Page has no H1 (and no front matter title)", line)


@rule(
    "SEO002",
    "seo-h1-first",
    "seo",
    "warning",
    "When a page has an H1 in its body, it should be the first heading: headings before it read as "
    "belonging to no title.",
    why="Headings before the H1 belong to no section and confuse the page outline.",
    good="# Convert a Document\n\n## Load\n\n## Save",
    bad="## Before You Start\n\n# Convert a Document",
)
def h1_first(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    headings = ctx.doc.headings
    first_h1 = next((heading for heading in headings if heading.level == 1), None)
    if first_h1 is not None and headings[0] is not first_h1:
        yield Finding(
            f"First heading is H{headings[0].level}, before the H1 '{heading_label(first_h1)}'",
            headings[0].line,
            headings[0].column,
        )


def _length_issue(heading: Heading, limits: Mapping[int, tuple[int, int, int, int]]) -> tuple[str, int, int] | None:
    """('short'|'long'|'below'|'above', length, bound) for a heading outside its limits."""
    bounds = limits.get(heading.level)
    if bounds is None or not heading.text:
        return None
    low, high, recommended_low, recommended_high = bounds
    length = len(heading.text)
    if length < low:
        return "short", length, low
    if length > high:
        return "long", length, high
    if length < recommended_low:
        return "below", length, recommended_low
    if length > recommended_high:
        return "above", length, recommended_high
    return None


def _length_findings(
    ctx: CheckContext, limits: HeadingLimits, conventional_headings: Iterable[str], kinds: tuple[str, ...]
) -> Iterable[Finding]:
    conventional = {text.casefold() for text in conventional_headings}
    for heading in ctx.doc.headings:
        found = _length_issue(heading, limits)
        if found is None or found[0] not in kinds:
            continue
        if found[0] in ("short", "below") and heading.text.casefold() in conventional:
            continue
        kind, length, bound = found
        words = {
            "short": "shorter than the minimum",
            "long": "longer than the maximum",
            "below": "shorter than the recommended",
            "above": "longer than the recommended",
        }[kind]
        yield Finding(
            f"H{heading.level} '{heading_label(heading)}' is {length} characters, {words} {bound}",
            heading.line,
            heading.column,
        )


class HeadingTooShortParams(RuleParams):
    """Params of SEO003 (seo-heading-too-short). `conventional`: headings never reported as short."""

    limits: HeadingLimits = HEADING_LIMITS
    conventional: tuple[str, ...] = CONVENTIONAL_HEADINGS


@rule(
    "SEO003",
    "seo-heading-too-short",
    "seo",
    "warning",
    "Headings shorter than their level's minimum (H1 20, H2 10, H3-H4 5, H5-H6 3 characters) say too "
    "little to readers and search engines. Conventional headings (param `conventional`: See Also, FAQ, "
    "Overview, ...) are accepted at any length.",
    why="Very short headings say too little to readers scanning the page and to search engines.",
    good="## Insert a Table of Contents",
    bad="## TOC",
    params=HeadingTooShortParams,
)
def heading_too_short(ctx: CheckContext, params: HeadingTooShortParams) -> Iterable[Finding]:
    return _length_findings(ctx, params.limits, params.conventional, ("short",))


class HeadingTooLongParams(RuleParams):
    """Params of SEO004 (seo-heading-too-long)."""

    limits: HeadingLimits = HEADING_LIMITS


@rule(
    "SEO004",
    "seo-heading-too-long",
    "seo",
    "warning",
    "Headings longer than their level's maximum (H1 70, H2-H3 100, H4 80, H5 70, H6 60 characters) are "
    "cut in results and tables of contents.",
    why="Search results and tables of contents cut long headings.",
    good="## Insert a Table of Contents",
    bad="## How to Insert a Table of Contents Into a Document That Already Has Several Sections, Headers and Footers",
    params=HeadingTooLongParams,
)
def heading_too_long(ctx: CheckContext, params: HeadingTooLongParams) -> Iterable[Finding]:
    return _length_findings(ctx, params.limits, (), ("long",))


class HeadingLengthRecommendedParams(RuleParams):
    """Params of SEO005 (seo-heading-length-recommended). `conventional`: headings never reported as short."""

    limits: HeadingLimits = HEADING_LIMITS
    conventional: tuple[str, ...] = CONVENTIONAL_HEADINGS


@rule(
    "SEO005",
    "seo-heading-length-recommended",
    "seo",
    "info",
    "Within the limits, headings read best at their level's recommended length (H1 30-60, H2 20-80, "
    "H3 15-70, H4 10-60, H5 8-50, H6 8-40 characters). At most one length finding per heading; "
    "conventional headings (param `conventional`) are not reported as short.",
    why="Headings near the recommended length are read in full in results and outlines.",
    good="## Insert a Table of Contents",
    bad="## Load Files",
    params=HeadingLengthRecommendedParams,
)
def heading_length_recommended(ctx: CheckContext, params: HeadingLengthRecommendedParams) -> Iterable[Finding]:
    return _length_findings(ctx, params.limits, params.conventional, ("below", "above"))


@rule(
    "SEO006",
    "seo-heading-empty",
    "seo",
    "error",
    "A heading must have text: an empty heading is an empty entry in the outline and the table of contents.",
    why="An empty heading is an empty entry in the outline and the table of contents.",
    good="## Load a Document",
    bad="##",
)
def heading_empty(ctx: CheckContext, params: NoParams) -> Iterable[Finding]:
    for heading in ctx.doc.headings:
        if not heading.text.strip():
            yield Finding(f"H{heading.level} heading is empty", heading.line, heading.column)
