"""Bad input never crashes the truth checks, and every finding points inside the page."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.engine.rules.registry import REGISTRY
from tests.unit.truth.conftest import context

TRUTH_RULES = sorted(rule_id for rule_id in REGISTRY if rule_id.startswith("TR"))
PIECES = st.sampled_from(
    [
        "---\n",
        "title: x\n",
        "plugins: [mail_merge, nope]\n",
        "plugins: 5\n",
        "family: words\n",
        "\n",
        "Convert DOCX to DWG and save as MP4.\n",
        "Apose.Words and Aspose.Word",
        " DocumenBuilder ",
        "Mail Merge ",
        "```java\n",
        "```\n",
        "{{< highlight csharp >}}\n",
        "{{< /highlight >}}\n",
        "Document doc = new Document(",
        ").getFirstSection()",
        ".getBodyy();\n",
        "doc.",
        "SaveFormat.",
        '"unterminated',
        "/* open comment",
        "import com.aspose.cells.Workbook;\n",
        "`Aspose.Wrods`",
        "[x](http://a/Apose.Words)",
        "((((",
        "\u00a0# c\n",
        "é ü 文字 ",
        "\r\n",
        "\t",
        "<!-- tbcv-disable TR001 -->\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PIECES, max_size=40).map("".join))
def test_truth_rules_never_crash_and_point_inside_the_page(registry, text):
    ctx = context(registry, text)
    line_count = len(ctx.doc.lines)
    for rule_id in TRUTH_RULES:
        rule = REGISTRY[rule_id]
        for finding in rule.check(ctx, rule.meta.params):
            assert 1 <= finding.line <= line_count, (rule_id, finding)
            assert 1 <= finding.column <= len(ctx.doc.lines[finding.line - 1]) + 1, (rule_id, finding)
            for edit in finding.fix or ():
                assert 0 <= edit.start <= edit.end <= len(text), (rule_id, finding)
                assert text[edit.start : edit.end] != edit.replacement, (rule_id, finding)  # insertions too
