#!/usr/bin/env python3
"""`make package`: build/package/sam.json (Chalice's SAM template merged with infra/) and
build/package/deployment.zip, then cfn-lint the template.

The merge template references state machine definitions as `file:<path>`; they are
inlined here so the deployed machines and the local ones come from the same files.

Chalice is run on a staging copy of the app (build/app) whose vendor/ we fill ourselves
with `pip install --platform manylinux... --only-binary=:all:`: Chalice's own resolver
rejects some current manylinux wheel tags and then compiles them on this host (minutes,
and a glibc Lambda may not have). The AWS SDK the Lambda Python runtime already ships
(boto3, botocore and their dependencies) is left out, which keeps the zip under 25 MiB.
config/ goes into vendor/config, which Chalice puts at the zip root, where the engine
looks for it (next to chalicelib/)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_aws.template import load_definition, load_template  # noqa: E402

sys.path.insert(0, str(ROOT / "infra" / "dashboards"))
import dashboards  # noqa: E402  (infra/dashboards/dashboards.py)

WHEEL_CACHE = ROOT / ".bench-cache" / "lambda-wheels"
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")


def merge_template(stage: str) -> dict:
    """infra/template.json for `stage`, with state machine definitions inlined and the
    dashboards of infra/dashboards/ added."""
    template = load_template()
    template["Parameters"]["Stage"]["Default"] = stage
    template["Resources"].update(dashboards.resources(template))
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::StepFunctions::StateMachine":
            props = resource["Properties"]
            props["Definition"] = json.loads(load_definition(props["Definition"]))
    return template


def stage_app(staging: Path) -> None:
    """The deployed sources, Lambda-platform wheels in vendor/, and config/."""
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copy2(ROOT / "app.py", staging / "app.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "chalicelib", staging / "chalicelib", ignore=ignore)
    shutil.copytree(ROOT / ".chalice", staging / ".chalice", ignore=shutil.ignore_patterns("deployments"))
    (staging / "requirements.txt").write_text("# dependencies are pre-installed in vendor/\n")
    vendor = staging / "vendor"
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(vendor),
            "--no-compile",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            "3.11",
            *platforms,
            "--cache-dir",
            str(WHEEL_CACHE),
            "-r",
            str(ROOT / "requirements.txt"),
        ],
        check=True,
    )
    for entry in vendor.iterdir():
        name = entry.name.split("-")[0].lower()
        if name in RUNTIME_PROVIDED or name.replace("python_", "") in RUNTIME_PROVIDED:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.rmtree(vendor / "bin", ignore_errors=True)
    shutil.copytree(ROOT / "config", vendor / "config")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev", choices=["dev", "staging", "prod"])
    parser.add_argument(
        "--build-dir",
        type=Path,
        default=ROOT / "build",
        help="where to stage and write (default: build/; output in <dir>/package)",
    )
    args = parser.parse_args()

    build = args.build_dir.resolve()
    out, staging = build / "package", build / "app"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    stage_app(staging)
    merge = build / "merge-template.json"
    merge.write_text(json.dumps(merge_template(args.stage), indent=2))

    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "TBCV_UPLOAD_QUEUE": f"tbcv-{args.stage}-uploads",
    }  # app.py names the queue at import
    chalice = Path(sys.executable).parent / "chalice"
    subprocess.run(
        [str(chalice), "package", "--stage", args.stage, "--merge-template", str(merge), str(out)],
        cwd=staging,
        env=env,
        check=True,
    )
    lint = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(out / "sam.json")], cwd=ROOT, capture_output=True, text=True
    )
    print(lint.stdout, end="")
    if lint.returncode not in (0, 4):  # 4: warnings only
        print(f"cfn-lint failed (exit {lint.returncode})", file=sys.stderr)
        return 1
    size = (out / "deployment.zip").stat().st_size
    print(f"wrote {out / 'sam.json'} and {out / 'deployment.zip'} ({size / 1024 / 1024:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
