"""JUnit XML for CI dashboards: one testsuite per file, one testcase per issue (a file without
issues gets one passing testcase). Issues at or above the fail-on severity are <failure>s; the
others pass and carry their message in <system-out>, so CI shows them without going red."""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree import ElementTree as ET

from chalicelib.engine.model import Report

_RANK = {"error": 0, "warning": 1, "info": 2}
# Characters XML 1.0 cannot hold at all (messages may quote text from a damaged file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(reports: Iterable[Report], *, fail_on: str = "error") -> str:
    threshold = _RANK[fail_on]
    root = ET.Element("testsuites", name="tbcv")
    total_tests = total_failures = 0
    for report in reports:
        path = _xml_safe(report.path or "untitled.md")
        suite = ET.SubElement(root, "testsuite", name=path)
        tests = failures = 0
        if not report.issues:
            ET.SubElement(suite, "testcase", name="tbcv check", classname=path)
            tests = 1
        for issue in report.issues:
            tests += 1
            case = ET.SubElement(
                suite, "testcase", classname=path, name=f"{issue.rule}/{issue.alias} {issue.line}:{issue.column}"
            )
            message = _xml_safe(issue.message)
            detail = f"{path}:{issue.line}:{issue.column} {issue.rule}/{issue.alias} {message}"
            if _RANK[issue.severity] <= threshold:
                failures += 1
                failure = ET.SubElement(case, "failure", message=message, type=issue.severity)
                failure.text = detail
            else:
                ET.SubElement(case, "system-out").text = f"{issue.severity}: {detail}"
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
