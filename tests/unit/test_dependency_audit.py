"""scripts/audit_dependencies.py: a failing build on known vulnerabilities, and never a
"no known vulnerabilities" when the advisory source answered for no package."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

SERVICE = "PyPI's vulnerability API"
NOT_FOUND = "Dependency not found on PyPI and could not be audited: {} ({})"


def _skipped(name, version):
    return {"name": name, "skip_reason": NOT_FOUND.format(name, version)}


def _clean(name, version):
    return {"name": name, "version": version, "vulns": []}


def test_a_known_vulnerability_fails_the_build_naming_it_and_its_fix():
    report = {
        "dependencies": [
            _clean("pyyaml", "6.0.4"),
            {
                "name": "jinja2",
                "version": "3.1.3",
                "vulns": [{"id": "GHSA-h75v-3vvj-5mfj", "fix_versions": ["3.1.4"], "aliases": []}],
            },
        ]
    }
    message, code = audit.summarise(report, SERVICE)
    assert code == 1
    assert message.splitlines()[0] == "dependency audit: 1 known vulnerabilities in 1 packages"
    assert "jinja2 3.1.3: GHSA-h75v-3vvj-5mfj (fixed in: 3.1.4)" in message


def test_no_package_audited_is_reported_unreachable_not_clean():
    report = {"dependencies": [_skipped("pyyaml", "6.0.4"), _skipped("jinja2", "3.1.6")]}
    message, code = audit.summarise(report, SERVICE)
    assert code == 0
    assert message.startswith("dependency audit: advisory source unreachable (")
    assert "none of 2 packages" in message
    assert "no known vulnerabilities" not in message.lower()


def test_clean_packages_are_counted_and_skipped_ones_named():
    report = {"dependencies": [_clean("pyyaml", "6.0.4"), _clean("jinja2", "3.1.6"), _skipped("rumdl", "0.3.0")]}
    message, code = audit.summarise(report, SERVICE)
    assert code == 0
    assert message == (
        "dependency audit: 2 packages checked against PyPI's vulnerability API, no known vulnerabilities; "
        "1 not checked (rumdl)"
    )


def test_a_service_failure_without_a_report_is_reported_unreachable(monkeypatch, capsys):
    def failing_run(command, **kwargs):
        class Run:
            returncode = 1
            stderr = "Traceback ...\nrequests.exceptions.ConnectionError: Max retries exceeded with url: /pypi/x/json"

        return Run()

    monkeypatch.setattr(audit.subprocess, "run", failing_run)
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert out.startswith("dependency audit: advisory source unreachable (requests.exceptions.ConnectionError")
