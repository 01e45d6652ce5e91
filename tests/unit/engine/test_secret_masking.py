"""Issue 15 row 4: a secret found in a page's code never leaves the engine, whole or in part:
not in messages, contexts, suggestions, fix replacements or the text a fix replaces, nor in
any report format or drafted recommendation. Pages are generated with the secret copied into
every position a rule may quote (headings, links, paths, tables, front matter, long lines)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.engine.recommend import draft_recommendations
from chalicelib.engine.report import render
from chalicelib.engine.report.json_report import issue_to_dict
from chalicelib.engine.rules.code import SECRET_FRAGMENT, SECRET_MASK, SecretMasker, mask_secrets
from chalicelib.engine.validate import validate_document

# Where the secret is copied besides the code line that makes it a secret. {s} is the value.
POSITIONS = [
    "# Heading {s}",
    "## Section {s} here",
    "See [the link](https://example.com/{s}) for more.",
    "Visit https://example.com/{s} now.",
    "![](images/{s}.png)",
    "Text with `{s}` inline code.",
    "| key | {s} |\n|---|---|\n| a | b |",
    "<img src='{s}.png'>",
    "Path C:\\Users\\{s}\\file.docx in prose.",
    "[ref][{s}]",
    "Trailing spaces after {s}   ",
    "A long line " + "word " * 60 + "{s} end.",
    "TODO {s}",
    "<!-- {s} -->",
]
CODE = [
    '```java\nString password = "{s}";\n```',
    '{{{{< highlight java >}}}}\nString apiKey = "{s}";\n{{{{< /highlight >}}}}',
    '```python\ntoken = "{s}"\nopen("/home/me/{s}.txt")\n```',
    '```java\n// TODO {s}\nclient.connect("C:\\\\Users\\\\{s}\\\\x");\nString secret = "{s}";\n```',
]
SECRETS = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789", min_size=10, max_size=30)


def _fragments(secret: str) -> list[str]:
    return [secret[i : i + SECRET_FRAGMENT] for i in range(len(secret) - SECRET_FRAGMENT + 1)]


def _outputs(text: str) -> list[str]:
    report = validate_document(text, path="docs/page.md", family="words", profile="strict")
    issues = [issue_to_dict(issue) for issue in report.issues]
    outputs = [render(fmt, [report]) for fmt in ("json", "sarif", "junit", "text")]
    for draft in draft_recommendations(text, issues):
        outputs += [draft.title, draft.rationale]
        outputs += [edit.original + "\n" + edit.replacement for edit in draft.edits]
    outputs.append(json.dumps(issues))
    return outputs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    secret=SECRETS,
    code=st.sampled_from(CODE),
    positions=st.lists(st.sampled_from(POSITIONS), min_size=1, max_size=5),
    front_matter=st.booleans(),
)
def test_no_output_carries_a_secret_or_a_fragment_of_one(secret, code, positions, front_matter):
    head = f"---\ntitle: Page {secret}\ndescription: About {secret}\n---\n\n" if front_matter else ""
    body = "\n\n".join(p.format(s=secret) for p in positions)
    text = head + "# Title\n\n" + body + "\n\n" + code.format(s=secret) + "\n"
    # text every report carries whatever the page (SARIF's rule metadata names parameters such
    # as `heading_line_length`): a fragment of the secret found there is no leak
    static = "\n".join(_outputs(text.replace(secret, "#" * len(secret))))
    for output in _outputs(text):
        leaked = [fragment for fragment in _fragments(secret) if fragment in output and fragment not in static]
        assert not leaked, f"{leaked[0]!r} leaked in {output[:300]!r}"


def test_the_fix_that_would_carry_a_secret_is_withdrawn():
    """MD034 would wrap the bare URL in <>: its replacement holds the secret, so it is not offered."""
    text = '# Title\n\nVisit https://example.com/hunter2pass now.\n\n```java\nString password = "hunter2pass";\n```\n'
    report = validate_document(text, path="docs/page.md")
    bare = [issue for issue in report.issues if issue.rule == "MD034"]
    assert bare and all(issue.fix is None for issue in bare)
    assert all("hunter2pass" not in json.dumps(issue_to_dict(issue)) for issue in report.issues)


def test_secrets_are_masked_even_when_the_secret_rule_is_off():
    text = '# Title\n\nSee https://example.com/hunter2pass\n\n```java\nString password = "hunter2pass";\n```\n'
    from chalicelib.engine.ruleset import load_ruleset

    ruleset = load_ruleset(overrides={"rules": {"CD007": "off"}})
    report = validate_document(text, path="docs/page.md", ruleset=ruleset)
    assert report.issues and not any(issue.rule == "CD007" for issue in report.issues)
    assert "hunter2" not in json.dumps([issue_to_dict(issue) for issue in report.issues])


def test_a_fragment_cut_by_truncation_is_masked():
    masker = SecretMasker({"hunter2hunter2"})
    assert masker.mask("path /home/me/hunter2h…") == f"path /home/me/{SECRET_MASK}…"
    assert masker.mask("counter") == "counter"  # shorter shared runs are not the secret


def test_masking_with_thousands_of_secret_values():
    values = {f"value{i:06d}x" for i in range(20_000)}
    text = " ".join(sorted(values)[:2000])
    assert SECRET_MASK in mask_secrets(text, values) and "value000001x" not in mask_secrets(text, values)
