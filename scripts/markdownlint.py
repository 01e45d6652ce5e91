"""Installs a pinned markdownlint-cli2 once into .bench-cache (gitignored) so the benchmark and the
markdownlint-agreement tests compare against the same reference linter, offline after the first run."""

from __future__ import annotations

import fcntl
import json
import subprocess
from pathlib import Path

# The newest release whose engines field accepts the Node 20 installed here (0.23.3+ need Node 22).
MARKDOWNLINT_CLI2_VERSION = "0.22.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / ".bench-cache" / "markdownlint"


def _installed_version(cache: Path) -> str | None:
    package_json = cache / "node_modules" / "markdownlint-cli2" / "package.json"
    try:
        return json.loads(package_json.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def ensure_markdownlint(cache: Path = CACHE_DIR) -> Path:
    """Return the path of the markdownlint-cli2 executable, npm-installing the pinned version first
    when it is not already there (idempotent: a second call only reads one package.json)."""
    cli = cache / "node_modules" / ".bin" / "markdownlint-cli2"
    if cli.exists() and _installed_version(cache) == MARKDOWNLINT_CLI2_VERSION:
        return cli
    cache.mkdir(parents=True, exist_ok=True)
    # Test workers start at once on a fresh clone: one installs, the others wait for it.
    with open(cache / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cli.exists() and _installed_version(cache) == MARKDOWNLINT_CLI2_VERSION:
            return cli
        return _install(cache, cli)


def _install(cache: Path, cli: Path) -> Path:
    manifest = cache / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "tbcv-markdownlint-cache", "private": True}) + "\n", encoding="utf-8")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--save-exact", f"markdownlint-cli2@{MARKDOWNLINT_CLI2_VERSION}"],
        cwd=cache,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )
    if not cli.exists():
        raise RuntimeError(f"npm install finished but {cli} is missing")
    return cli


if __name__ == "__main__":
    print(ensure_markdownlint())
