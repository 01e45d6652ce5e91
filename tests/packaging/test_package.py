"""`make package`: the merged template passes cfn-lint, the zip carries config/ where the
deployed code finds it, and IAM stays least-privilege."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Actions that support no resource-level permissions: "*" is the narrowest possible.
RESOURCE_STAR_ALLOWED = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "lambda:ListEventSourceMappings",
}  # maintenance mode finds the upload consumer's mapping

pytestmark = pytest.mark.xdist_group("package")


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    result = subprocess.run(
        [sys.executable, "scripts/package.py", "--build-dir", str(build)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = build / "package"
    return json.loads((out / "sam.json").read_text()), out / "deployment.zip"


def test_the_packaged_template_passes_cfn_lint(package):
    _, archive = package
    lint = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(archive.parent / "sam.json")],
        capture_output=True,
        text=True,
    )
    assert lint.returncode in (0, 4), lint.stdout  # 4: informational warnings only


def test_the_template_carries_the_state_machine_definition_inline(package):
    template, _ = package
    definition = template["Resources"]["ValidateBatchStateMachine"]["Properties"]["Definition"]
    assert definition["StartAt"] == "ValidateEachKey"


def test_tables_have_point_in_time_recovery(package):
    template, _ = package
    tables = [r for r in template["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]
    assert tables and all(
        t["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] for t in tables
    )


def test_the_zip_holds_the_config_folder_at_its_root(package):
    _, archive = package
    names = zipfile.ZipFile(archive).namelist()
    assert "config/profiles/default.yaml" in names
    assert "config/truth/words.yaml" in names
    assert "config/truth/api/index.json" in names and "config/truth/api/words/java.json" in names
    assert "app.py" in names and "chalicelib/engine/validate.py" in names


def test_the_deployed_code_finds_its_config_and_validates(package, tmp_path):
    _, archive = package
    zipfile.ZipFile(archive).extractall(tmp_path)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import chalicelib, chalicelib.engine as e;"
        "assert chalicelib.__file__.startswith(sys.argv[1]), chalicelib.__file__;"
        "code = '```java\\nDocument doc = new Document();\\ndoc.getFirstSectionMagically();\\n```\\n';"
        "r = e.validate_document('---\\ntitle: x\\n---\\n\\nApose.Words is here.\\n\\n' + code, family='words');"
        "print(r.ruleset_version, len(r.issues), ' '.join(sorted({i.rule for i in r.issues})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TBCV_CONFIG_DIR": ""},
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[1]) > 0
    assert "TR002" in result.stdout.split()[2:]  # the generated API tables are shipped and read


def test_the_zip_is_under_25_mib(package):
    _, archive = package
    assert archive.stat().st_size < 25 * 1024 * 1024


def _statements(template):
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                for statement in policy["PolicyDocument"]["Statement"]:
                    yield logical_id, statement


def test_no_iam_statement_allows_every_action(package):
    template, _ = package
    for role, statement in _statements(template):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any(a == "*" or a.endswith(":*") for a in actions), (role, statement)


def test_resource_star_only_where_no_narrower_resource_exists(package):
    template, _ = package
    for role, statement in _statements(template):
        if statement["Resource"] == "*" or "*" in (
            statement["Resource"] if isinstance(statement["Resource"], list) else []
        ):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert set(actions) <= RESOURCE_STAR_ALLOWED, (role, statement)


def test_every_function_has_its_own_role(package):
    template, _ = package
    functions = {k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    roles = [r["Properties"]["Role"] for r in functions.values()]
    assert all(isinstance(role, dict) and "Fn::GetAtt" in role for role in roles)
    assert len({json.dumps(r) for r in roles}) == len(functions)


def test_the_zip_carries_the_web_apps_templates_static_files_and_jinja2(package):
    _, zip_path = package
    names = set(zipfile.ZipFile(zip_path).namelist())
    assert {"chalicelib/web/templates/base.html", "chalicelib/web/static/progress.js"} <= names
    assert any(name.startswith("jinja2/") for name in names)
    assert any(name.startswith("itsdangerous/") for name in names)
