"""SEO rules SEO001-SEO006: the title/H1 and heading lengths per level."""

from rule_findings import findings

BODY = "Text of the section, long enough to read as content.\n"


def test_seo001_fires_without_h1_or_front_matter_title():
    assert (
        findings("SEO001", "## Load a Document\n\n" + BODY)[0].message == "Page has no H1 (and no front matter title)"
    )


def test_seo001_accepts_a_front_matter_title_as_the_h1():
    assert findings("SEO001", "---\ntitle: Load a Document in Java\n---\n\n## Load a Document\n\n" + BODY) == []


def test_seo001_can_require_a_body_h1():
    text = "---\ntitle: Load a Document in Java\n---\n\n## Load a Document\n\n" + BODY
    assert len(findings("SEO001", text, front_matter_title=False)) == 1


def test_seo002_fires_when_a_heading_comes_before_the_h1():
    result = findings("SEO002", "## Before You Start\n\n" + BODY + "\n# Convert a Document to PDF\n\n" + BODY)
    assert result[0].line == 1


def test_seo002_is_quiet_when_the_h1_is_first():
    assert findings("SEO002", "# Convert a Document to PDF\n\n" + BODY + "\n## Before You Start\n\n" + BODY) == []


def test_seo003_fires_on_a_short_h2():
    result = findings("SEO003", "## Tables\n\n" + BODY)
    assert result[0].message == "H2 'Tables' is 6 characters, shorter than the minimum 10"


def test_seo003_accepts_conventional_headings_at_any_length():
    assert findings("SEO003", "## See Also\n\n" + BODY + "\n## FAQ\n\n" + BODY) == []


def test_seo003_is_quiet_at_the_minimum():
    assert findings("SEO003", "## Load Files\n\n" + BODY) == []


def test_seo004_fires_on_a_long_h1():
    assert len(findings("SEO004", "# " + "Convert Documents " * 5 + "\n\n" + BODY)) == 1


def test_seo004_is_quiet_on_a_long_h2_within_its_limit():
    assert findings("SEO004", "## " + "Convert Documents " * 5 + "\n\n" + BODY) == []


def test_seo005_fires_below_the_recommended_length_only_within_the_limits():
    assert len(findings("SEO005", "## Load Files\n\n" + BODY)) == 1
    assert findings("SEO005", "## Tables\n\n" + BODY) == []  # too short is SEO003's


def test_seo005_is_quiet_in_the_recommended_range():
    assert findings("SEO005", "## Insert a Table of Contents\n\n" + BODY) == []


def test_seo_limits_can_be_overridden_per_level():
    assert findings("SEO003", "## Tables\n\n" + BODY, limits={2: (5, 100, 8, 80)}) == []


def test_seo006_fires_on_an_empty_heading():
    assert findings("SEO006", "Intro.\n\n##\n\n" + BODY)[0].message == "H2 heading is empty"


def test_seo006_is_quiet_on_a_heading_with_text():
    assert findings("SEO006", "## Load a Document\n\n" + BODY) == []
