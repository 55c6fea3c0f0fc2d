"""Atomic builds: MkDocs writes into a fresh folder that replaces ``site/`` only on success.

MkDocs cleans its output folder before writing pages, so a failure half-way
(or a Ctrl-C) would leave readers a half-written site. Here the build goes to
``.site-<random>/`` beside it; only a complete, strict build is swapped in.
"""

from __future__ import annotations

import os
import re
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
            raise InputError(failure_problems(result.stderr or result.stdout))
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
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material's end-of-life banner would bury the problems
    return env


_PROBLEM_LINE = re.compile(r"^(?P<file>[^\s:][^:]*?)(?::(?P<line>\d+))?: (?P<severity>error|warning): (?P<message>.+)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CHATTER = ("INFO", "DEBUG", "digest:")  # progress lines, not problems
_SUMMARY = re.compile(r"\d+ problem\(s\) in the input")  # the plugin's heading, alone or in MkDocs' "Error building page"


def failure_problems(output: str) -> list[Problem]:
    """The problems of a failed MkDocs run, one each, as the digest's own lines or MkDocs' own words.

    The plugin's lines (``file:line: error: …``) become problems again, so the count is
    theirs; any other warning or error line (MkDocs' own) is one problem. Progress lines,
    colour codes and third-party banners are dropped.
    """
    problems, other = [], []
    for raw in output.splitlines():
        line = _ANSI.sub("", raw).rstrip()
        if not line.strip() or line.startswith(_CHATTER) or _SUMMARY.search(line) or line.lstrip().startswith("│"):
            continue
        match = _PROBLEM_LINE.match(line)
        if match:  # kept word for word: "id=… field=…: message" stays as the plugin wrote it
            problems.append(Problem(match.group("file"), int(match.group("line")) if match.group("line") else None,
                                    None, None, match.group("message"), match.group("severity")))  # type: ignore[arg-type]
        elif line.startswith(("ERROR", "WARNING", "Aborted", "Error")):
            other.append(Problem("mkdocs build", None, None, None, re.sub(r"^(ERROR|WARNING)\s+-\s+", "", line)))
    found = problems + [p for p in other if not p.message.startswith("Aborted with")]
    return found or [Problem("mkdocs build", None, None, None, "build failed: " + " / ".join(
        _ANSI.sub("", line) for line in output.splitlines()[-5:]))]


def _without_info(output: str) -> str:
    """What a successful build said, minus MkDocs' INFO chatter (which --quiet used to hide)."""
    return "".join(line for line in output.splitlines(keepends=True) if not line.startswith("INFO"))


def _swap(staging: Path, target: Path) -> None:
    """Replace target by staging with two renames; the old site is removed only afterwards."""
    old = target.with_name(f".site-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
