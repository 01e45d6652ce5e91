#!/usr/bin/env python3
"""`make lint`'s dependency audit: pip-audit over the project's virtualenv, which
`make install` builds from requirements.txt and requirements-dev.txt (so the transitive
dependencies are audited too, at the versions that run).

pip-audit asks an advisory source (PyPI's JSON API by default) about every package. When
that source cannot be reached, or answers for no package at all (a registry mirror that
serves the package index but not the JSON API answers 404 for each), pip-audit itself
still prints "No known vulnerabilities found". This wrapper says what really happened:

- known vulnerabilities: listed, exit code 1 (the build fails);
- no package could be audited, or pip-audit failed to reach its service:
  "dependency audit: advisory source unreachable (...)", exit code 0 (the build goes on,
  and the output does not claim the dependencies are clean);
- otherwise: how many packages were audited and found clean, and which were skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PIP_AUDIT = [sys.executable, "-m", "pip_audit"]
TIMEOUT_SECONDS = 600


def summarise(report: dict[str, Any], service: str) -> tuple[str, int]:
    """The closing line(s) and exit code for pip-audit's JSON `report`."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    if vulnerable:
        lines = []
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
                lines.append(f"  {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in: {fixed})")
        count = sum(len(d["vulns"]) for d in vulnerable)
        return f"dependency audit: {count} known vulnerabilities in {len(vulnerable)} packages\n" + "\n".join(lines), 1
    if not audited:
        reason = skipped[0]["skip_reason"] if skipped else "no package to audit"
        return (
            f"dependency audit: advisory source unreachable ({service} answered for none of "
            f"{len(skipped)} packages; first: {reason}); vulnerabilities NOT checked",
            0,
        )
    message = f"dependency audit: {len(audited)} packages checked against {service}, no known vulnerabilities"
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        message += f"; {len(skipped)} not checked ({names})"
    return message, 0


def main() -> int:
    service = "PyPI's vulnerability API"
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        command = [*PIP_AUDIT, "--skip-editable", "--progress-spinner", "off", "--format", "json", "--output", output]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"dependency audit: advisory source unreachable (no answer within {TIMEOUT_SECONDS} s)")
            return 0
        try:
            report = json.loads(output.read_text())
        except (OSError, ValueError):
            # pip-audit stopped before writing its report: the service failed (connection
            # refused, DNS, TLS, HTTP 5xx); its last line of stderr says which
            last = (run.stderr.strip().splitlines() or ["pip-audit wrote no report"])[-1]
            print(f"dependency audit: advisory source unreachable ({last[:300]})")
            return 0
    message, code = summarise(report, service)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())
