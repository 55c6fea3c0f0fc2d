"""Atomic builds: MkDocs writes into a fresh folder that replaces ``site/`` only on success.

MkDocs cleans its output folder before writing pages, so a failure half-way
(or a Ctrl-C) would leave readers a half-written site. Here the build goes to
``.site-<random>/`` beside it; only a complete, strict build is swapped in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..problems import InputError, Problem


def build_site(root: Path, site_dir: Path | None = None, strict: bool = True) -> Path:
    """Build into a temporary folder, then replace ``site_dir``; raise InputError on failure."""
    target = (site_dir or root / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    # No --quiet: it sets MkDocs' logger to ERROR, so --strict would never see a warning.
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(staging),
               "--config-file", str(root / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    try:
        result = subprocess.run(command, cwd=root, text=True, capture_output=True, env=_env())
        if result.returncode != 0:
            raise InputError([Problem("mkdocs build", None, None, None, _failure(result.stderr or result.stdout))])
        sys.stderr.write(_without_info(result.stderr))
        (staging / ".built").write_text("complete\n", encoding="utf-8")
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    return env


def _without_info(output: str) -> str:
    """What a successful build said, minus MkDocs' INFO chatter (which --quiet used to hide)."""
    return "".join(line for line in output.splitlines(keepends=True) if not line.startswith("INFO"))


def _failure(output: str) -> str:
    """MkDocs' own lines, without its INFO chatter: the problems are already well worded."""
    lines = [line for line in output.splitlines() if line.strip() and not line.startswith("INFO")]
    return "build failed, the previous site is unchanged:\n" + "\n".join(lines[-60:])


def _swap(staging: Path, target: Path) -> None:
    """Replace target by staging with two renames; the old site is removed only afterwards."""
    old = target.with_name(f".site-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
