"""The one validation pipeline: parse once, pick the family, run the enabled rules of every
category, drop suppressed issues, sort, report. Every entry point (CLI, operations,
workflows) calls `validate_document`."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from time import perf_counter
from typing import Any

from chalicelib.engine.markdownlint_config import config_digest
from chalicelib.engine.model import OBSERVATION_FIELDS, SEVERITIES, Issue, Report, Severity
from chalicelib.engine.parse import parse_document
from chalicelib.engine.rules.code import SecretMasker, page_secrets
from chalicelib.engine.rules.configuration import INLINE_CONFIG_MEMO
from chalicelib.engine.rules.registry import CheckContext
from chalicelib.engine.ruleset import Ruleset, load_ruleset
from chalicelib.engine.suppressions import inline_switches, read_inline_config
from chalicelib.engine.truth import family_evidence, select_family
from chalicelib.engine.truth.family import EVIDENCE_MEMO

RULE_FAILED = "could not be checked"
MAX_ISSUES_PER_REPORT = 1000  # a report keeps the most severe issues up to this many
MAX_ISSUES_PER_RULE = 500  # so one noisy rule cannot crowd out every other finding
MAX_CONTEXT_CHARS = 400  # an issue's context beyond this is cut (a whole 1 MB line is no context)
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def validate_document(
    text: str,
    *,
    path: str | None = None,
    family: str | None = None,
    profile: str | None = None,
    ruleset: Ruleset | None = None,
    memo: dict[str, Any] | None = None,
    markdownlint_config: dict[str, Any] | None = None,
    max_issues: int = MAX_ISSUES_PER_REPORT,
    max_issues_per_rule: int = MAX_ISSUES_PER_RULE,
) -> Report:
    """Validate one page. `memo` seeds the rules' shared per-document data (e.g. the docs
    set relative links resolve against); `markdownlint_config` is the markdownlint config
    object of the `.markdownlint*` files that apply to the page. Raises ValueError
    (UnknownFamilyError) for an unknown explicit family or profile; never for the page's content.

    A rule stops being read after `max_issues_per_rule` findings and the report keeps the
    `max_issues` most severe issues; either cut sets `truncated`, so a hostile page costs
    bounded work and a bounded response."""
    ruleset = ruleset or load_ruleset()
    started = perf_counter()
    doc = parse_document(text, path)
    parsed = perf_counter()
    evidence = family_evidence(doc, ruleset.truth)
    selected = select_family(doc, family or ruleset.project_family, ruleset.truth, evidence)
    inline = read_inline_config(doc)
    page_config = markdownlint_config
    if inline is not None and inline.configure_file:
        page_config = {**(markdownlint_config or {}), **inline.configure_file}
    settings = ruleset.settings(profile, selected, page_config)
    switches = inline_switches(inline, settings) if inline is not None else None
    context = CheckContext(
        doc=doc, family=selected, profile=settings.profile, truth=ruleset.truth, memo=dict(memo) if memo else {}
    )
    context.memo[EVIDENCE_MEMO] = evidence
    if inline is not None:
        context.memo[INLINE_CONFIG_MEMO] = inline
    issues: list[Issue] = []
    truncated = False
    timings = {"parse": (parsed - started) * 1000}
    category_started = perf_counter()
    category = None
    for setting in switches.rules_to_run(settings) if switches is not None else settings.rules:
        meta = setting.rule.meta
        if meta.category != category:
            now = perf_counter()
            if category is not None:
                timings[category] = timings.get(category, 0.0) + (now - category_started) * 1000
            category, category_started = meta.category, now
        try:
            for count, finding in enumerate(setting.rule.check(context, setting.params)):
                if count == max_issues_per_rule:
                    truncated = True
                    break
                issues.append(
                    Issue(
                        **{name: getattr(finding, name) for name in OBSERVATION_FIELDS},
                        rule=meta.id,
                        alias=meta.alias,
                        category=meta.category,
                        severity=_capped(setting.severity, finding.at_most),
                        source=meta.source,
                    )
                )
        except Exception as error:  # noqa: BLE001 - one failing rule must not lose the report
            issues.append(
                Issue(
                    rule=meta.id,
                    alias=meta.alias,
                    category=meta.category,
                    severity="warning",
                    message=f"{RULE_FAILED}: {type(error).__name__}",
                    line=1,
                    source=meta.source,
                )
            )
    if category is not None:
        timings[category] = timings.get(category, 0.0) + (perf_counter() - category_started) * 1000
    if switches is not None:
        issues = switches.keep(issues)
    if len(issues) > max_issues:
        truncated = True
        issues = sorted(issues, key=lambda issue: (_SEVERITY_RANK[issue.severity], *_issue_order(issue)))[:max_issues]
    issues = _masked(issues, SecretMasker(page_secrets(context)), text)
    issues.sort(key=_issue_order)
    timings["total"] = (perf_counter() - started) * 1000
    version = ruleset.version  # the page's own configure-file comments are content, not ruleset
    if markdownlint_config:
        version = hashlib.sha256(f"{version}\0{config_digest(markdownlint_config)}".encode()).hexdigest()[:16]
    return Report(
        path=path,
        family=selected,
        profile=settings.profile,
        ruleset_version=version,
        content_sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        issues=issues,
        detections=list(context.memo.get("detections", ())),
        timings_ms=timings,
        truncated=truncated,
    )


def _masked(issues: list[Issue], masker: SecretMasker, text: str) -> list[Issue]:
    """No secret found in the page's code, nor any fragment of one, appears in any string of
    any issue. A fix whose replacement or replaced text overlaps a secret is withdrawn: it
    could not be shown, reviewed or applied without carrying the value. Most pages hold no
    secret, so every string is first tested at once: when none can show one, only contexts are cut."""
    issues = [
        replace(issue, context=issue.context[:MAX_CONTEXT_CHARS]) if len(issue.context) > MAX_CONTEXT_CHARS else issue
        for issue in issues
    ]
    strings = [
        piece
        for issue in issues
        for piece in (
            issue.message,
            issue.context,
            issue.suggestion or "",
            *(part for edit in issue.fix or () for part in (edit.replacement, text[edit.start : edit.end])),
        )
    ]
    if masker.changes_none(strings):
        return issues
    return [
        replace(
            issue,
            message=masker.mask(issue.message),
            context=masker.mask(issue.context),
            suggestion=masker.mask(issue.suggestion) if issue.suggestion else issue.suggestion,
            fix=None
            if issue.fix
            and any(
                masker.reveals(edit.replacement) or masker.reveals(text[edit.start : edit.end]) for edit in issue.fix
            )
            else issue.fix,
        )
        for issue in issues
    ]


def _capped(severity: Severity, at_most: Severity | None) -> Severity:
    """The lower of the rule's severity and the finding's cap (SEVERITIES runs high to low)."""
    if at_most is None:
        return severity
    return max(severity, at_most, key=SEVERITIES.index)


def _issue_order(issue: Issue) -> tuple[int, int, str]:
    return issue.line, issue.column, issue.rule
