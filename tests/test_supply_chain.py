"""CI supply chain: what runs in CI is exactly what was reviewed.

- every GitHub action is pinned to a full commit SHA (a tag can be moved to other code);
- checkout leaves no token in ``.git/config`` for a later step (or a published file) to read;
- ``zizmor --offline .github/`` finds nothing at its default persona;
- every package, pip itself included, is installed by sha256 from ``requirements.lock``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$", re.MULTILINE)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+#\s+v\d+\.\d+\.\d+\s*$")


def _steps() -> list[dict]:
    steps = []
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in workflow["jobs"].values():
            steps += job.get("steps", [])
    return steps


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    found = [(m["ref"], m["comment"]) for path in WORKFLOWS for m in USES.finditer(path.read_text(encoding="utf-8"))]
    assert found, "no `uses:` found; the pattern no longer matches the workflows"
    for ref, comment in found:
        assert PINNED.match(ref), f"{ref} is not pinned to a full commit SHA"
        assert VERSION_COMMENT.match(comment), f"{ref} lacks a `# vX.Y.Z` comment saying which release the SHA is"


def test_checkout_keeps_no_credentials() -> None:
    checkouts = [s for s in _steps() if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, step


def test_zizmor_finds_nothing() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", str(ROOT / ".github")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout, result.stdout


def _locked() -> dict[str, list[str]]:
    """Package name → its hashes, from the pip-compile format (`name==version \\` then `--hash=` lines)."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    locked: dict[str, list[str]] = {}
    for block in re.split(r"\n(?=[A-Za-z])", text):
        head = block.split("\n", 1)[0]
        if head.startswith("#") or not head.strip():
            continue
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", head)
        assert match, f"not pinned to an exact version: {head!r}"
        locked[match[1].lower().replace("_", "-")] = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
    return locked


def test_every_locked_package_has_hashes_pip_included() -> None:
    locked = _locked()
    assert {"pip", "setuptools", "mkdocs", "zizmor", "html5lib"} <= set(locked)
    assert all(locked.values()), [name for name, hashes in locked.items() if not hashes]


def test_every_declared_dependency_is_locked() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    names = {re.match(r"[A-Za-z0-9_.-]+", d)[0].lower().replace("_", "-") for d in declared}  # type: ignore[index]
    assert names <= set(_locked()), names - set(_locked())


def test_install_checks_hashes_and_adds_nothing_unpinned() -> None:
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line.strip() for line in recipe.splitlines() if "pip install" in line and "$(BIN)" in line]
    assert installs
    assert any("--require-hashes" in line and "-r requirements.lock" in line for line in installs), installs
    for line in installs:  # the rest may only install the project itself, without dependencies
        assert "--require-hashes" in line or ("--no-deps" in line and "--no-build-isolation" in line), line
    assert "--upgrade pip" not in recipe  # pip comes from the lock, by hash
