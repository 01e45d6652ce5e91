"""Generate docs/rules.md from the rule metadata (one entry per rule, markdownlint-style), with the
hand-written configuration section of scripts/rules_doc_configuration.md after the header.

    python scripts/gen_rules_doc.py          # rewrite docs/rules.md
    python scripts/gen_rules_doc.py --check  # exit 1 when docs/rules.md is out of date

tests/unit/test_rules_doc.py fails when a rule changes and the page is not regenerated.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from chalicelib.engine import rules as _rules  # noqa: E402,F401 - registers every rule
from chalicelib.engine.model import CATEGORIES  # noqa: E402
from chalicelib.engine.rules.registry import REGISTRY, RuleMeta  # noqa: E402

DOC_PATH = REPO_ROOT / "docs" / "rules.md"
# Hand-written: configuration precedence, markdownlint files and inline comments, front matter.
CONFIGURATION_SECTION = Path(__file__).resolve().parent / "rules_doc_configuration.md"
_BACKTICKS = re.compile(r"`+")
_PARAMS_HEADER = re.compile(r"^Params of [^)]*\)[.:]?\s*")  # each params model's docstring opens so

HEADER = """# Rules

Generated from the rule metadata by `scripts/gen_rules_doc.py`; do not edit by hand
(`tests/unit/test_rules_doc.py` fails when this page is out of date).

Every rule has a stable id and alias, a category, a default severity, params, why it matters,
and good/bad examples. The examples are run by `tests/unit/engine/test_rule_examples.py`: each
`bad` example fires its rule, each `good` one does not, and a fixable rule's fixes clear its `bad`
example (checked as the page `content/words/java/page.md` of family `words`). Params are typed:
a value of the wrong type or out of range in a profile, `.tbcv.yaml` or markdownlint file is an
error naming the rule and the param when the configuration loads; `null` means the default.
Profiles (`config/profiles/`), families (`config/families/`) and a project's
`.tbcv.yaml` (found from the working directory upwards, or `tbcv check --config FILE`) change
severities and params, by rule id or alias:

```yaml
profile: strict            # default, strict or relaxed
family: words
exclude: ["drafts/*"]      # globs matched against the paths checked
categories: {seo: off}
levels: {info: off}
rules:
  MD009: off
  code-block-too-long: {level: error, params: {max_lines: 80}}
```

Rules marked fixable attach exact text edits (0-based code-point offsets) to their issues:
`tbcv check --fix` applies them and the review workflow turns them into recommendations.

## markdownlint's rules

The `MD` rules are markdownlint's 53 rules (MD001, MD003-MD005, MD007, MD009-MD014,
MD018-MD056, MD058-MD060; removed ids stay removed) with its ids, aliases, parameter names and
defaults, all enabled by default as in markdownlint, and its fixes for the 32 rules markdownlint
can fix (tbcv also fixes MD001 and MD040, which markdownlint cannot). The reference is
markdownlint 0.40.0 (markdownlint-cli2 0.22.1, the newest that runs on Node 20); the one default
that differs is `front_matter_title` (MD001/MD025/MD041), which also matches a JSON `"title":`
key as markdownlint 0.41 does. Rule `MDX001` (an unclosed code fence) is tbcv's own.

Agreement is tested, not assumed: `tests/unit/engine/test_markdownlint_parity.py` runs
markdownlint-cli2 and tbcv on the same input (the fixtures in `tests/fixtures/markdownlint`,
every page of the shared corpora and generated Markdown) and compares every (rule, line);
the few differences, all parser divergences between pulldown-cmark and micromark on malformed
Markdown, are listed with their reasons in `tests/markdownlint_differences.yaml`. Hugo
shortcodes are Markdown to neither tool: both see the page with them masked (`highlight`
blocks as code fences, other shortcodes as HTML comments), and table rows inside a shortcode
are not checked. A rule's `level` key in `.tbcv.yaml` is its severity, except for a number on
MD025/MD041, whose markdownlint `level` param is a heading level.

`tbcv check` also reports `IO001` (`unreadable-file`, error) for a file that cannot be read or is
not UTF-8 text; it is not a rule of the engine and cannot be configured.
"""


def _format_value(value: Any) -> str:
    text = json.dumps(
        value,
        default=lambda item: list(item) if isinstance(item, (tuple, set, frozenset)) else dict(item),
        ensure_ascii=False,
    )
    return f"`{text}`"


def _fenced(text: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}markdown\n{text}\n{fence}"


def _params_text(params: Mapping[str, Any]) -> str:
    return ", ".join(f"`{name}`: {_format_value(value)}" for name, value in sorted(params.items()))


def _entry(meta: RuleMeta) -> str:
    params = _params_text(dict(meta.params)) or "none"
    note = _PARAMS_HEADER.sub("", " ".join((type(meta.params).__doc__ or "").split()))
    if note and meta.param_names:
        params = f"{params} ({note[0].lower()}{note[1:].rstrip('.')})"
    examples = _params_text(meta.example_params)
    return "\n".join(
        [
            f"### {meta.id} {meta.alias}",
            "",
            f"- Category: {meta.category}",
            f"- Default severity: {meta.severity}",
            f"- Fixable: {'yes' if meta.fixable else 'no'}",
            f"- Source: {meta.source}",
            *([f"- Also named: {', '.join(meta.other_aliases)}"] if meta.other_aliases else []),
            f"- Params: {params}",
            "",
            meta.description,
            "",
            f"Why it matters: {meta.why}",
            "",
            *([f"The examples use these params: {examples}.", ""] if examples else []),
            "Bad:",
            "",
            _fenced(meta.bad),
            "",
            "Good:",
            "",
            _fenced(meta.good),
            "",
        ]
    )


def render() -> str:
    metas = sorted(
        (rule.meta for rule in REGISTRY.values()), key=lambda meta: (CATEGORIES.index(meta.category), meta.id)
    )
    configuration = CONFIGURATION_SECTION.read_text(encoding="utf-8").rstrip("\n")
    lines = [HEADER, configuration, "", "## Index", "", "| Id | Alias | Category | Severity | Fixable |"]
    lines.append("|---|---|---|---|---|")
    for meta in metas:
        lines.append(
            f"| [{meta.id}](#{meta.id.lower()}-{meta.alias}) | {meta.alias} | {meta.category} | "
            f"{meta.severity} | {'yes' if meta.fixable else 'no'} |"
        )
    lines.append("")
    category = None
    for meta in metas:
        if meta.category != category:
            category = meta.category
            lines.extend([f"## {category.capitalize()} rules", ""])
        lines.append(_entry(meta))
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(
                f"{DOC_PATH.relative_to(REPO_ROOT)} is out of date: run python scripts/gen_rules_doc.py",
                file=sys.stderr,
            )
            return 1
        return 0
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH.relative_to(REPO_ROOT)} ({len(REGISTRY)} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
