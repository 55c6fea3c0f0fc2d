"""Atomic builds: MkDocs writes into a fresh folder that replaces ``site/`` only on success.

MkDocs cleans its output folder before writing pages, so a failure half-way (or a
Ctrl-C) would leave readers a half-written site. Here the build goes to
``.site-new-<random>/`` beside it; only a complete, strict build is swapped in.

How the swap is atomic, and why this way: on Linux the staging folder and ``site/``
are exchanged with one ``renameat2(RENAME_EXCHANGE)`` system call (``renamex_np
(RENAME_SWAP)`` on macOS), so at every instant ``site/`` is either the whole old site
or the whole new one. The alternative, ``site`` as a symlink to a versioned folder
replaced with ``os.replace``, is atomic everywhere, but then ``site`` is a link: tools
that copy it without following links (``cp -r`` without ``-L``, ``rsync -a``,
``docker COPY``, an artifact step that archives links as links) publish a dangling
link, and a first build over an existing real folder still needs two steps. A real
folder keeps ``make site``, ``mkdocs serve``-style previews and ``upload-pages-artifact``
working without any special case. Where the kernel or the filesystem cannot exchange
(other systems, some network filesystems), the swap falls back to two renames and the
next build repairs a kill between them: it puts the complete old site back.

Every build first removes the leftovers of interrupted ones (staging folders, an old
site that was not yet deleted), under an exclusive lock on the parent folder so that
two builds never remove each other's work. Folders are made with ``os.mkdir``, so the
site follows the umask like any other output (``mkdtemp`` would make it 0700).

``mkdocs build`` runs with ``--strict`` and without ``--quiet``: MkDocs ignores
warnings in strict mode when it is quiet, so a stale nav entry would pass. Its INFO
chatter is filtered out here instead, and a traceback is reduced to its last line.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..guard import guard_inputs
from ..allowlist import check_svg
from ..problems import InputError, OutputError, Problem

COMPLETE = ".built"  # written last into a finished build; a folder without it is not a site
Builder = Callable[[Path, Path, bool], str]  # (root, output folder, strict) -> messages worth showing


def build_site(root: Path, site_dir: Path | None = None, strict: bool = True, builder: Builder | None = None) -> Path:
    """Build into a staging folder, then swap it with ``site_dir``.

    Raise :class:`InputError` if the build fails on the input, :class:`OutputError`
    if the output cannot be written; either way the previous site is untouched.
    ``builder`` fills the staging folder (MkDocs by default; tests pass a stand-in).
    """
    target = Path(os.path.abspath(site_dir or root / "site"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _exclusive(target.parent):
            remove_leftovers(target)
            staging = _new_folder(target, "new")
            try:
                messages = (builder or run_mkdocs)(root, staging, strict)
                _refuse_unpublishable(staging)
                (staging / COMPLETE).write_text("complete\n", encoding="utf-8")
                publish(staging, target)
            finally:
                _remove(staging)
    except OSError as err:
        raise OutputError(_output_message(target, err)) from None
    if messages:
        sys.stderr.write(messages + "\n")
    return target


def run_mkdocs(root: Path, output: Path, strict: bool) -> str:
    """``mkdocs build`` into ``output``; its warnings (if not strict), or InputError/OutputError."""
    guard_inputs(root)  # before MkDocs reads mkdocs.yml (its loader runs Python tags) or any input
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(output),
               "--config-file", str(root / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    result = subprocess.run(command, cwd=root, text=True, capture_output=True, env=_env())
    lines, crash = _readable(result.stderr + "\n" + result.stdout)
    if crash and re.search(r"\[Errno \d+\]", crash):
        raise OutputError(f"cannot write the site: {crash}; the previous site is unchanged")
    if result.returncode != 0:  # one problem per line the plugin or MkDocs wrote: the count is right
        problems = failure_problems("\n".join(lines))
        raise InputError(problems + ([Problem("mkdocs build", None, None, None, crash)] if crash else []))
    return "\n".join(lines)


def _refuse_unpublishable(staging: Path) -> None:
    """Standalone SVGs (pages are checked by the plugin as MkDocs writes them)."""
    problems = [p for path in sorted(staging.rglob("*.svg")) for p in check_svg(path.read_bytes(), path.relative_to(staging).as_posix())]
    if problems:
        raise InputError(problems)


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


_LEVEL = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b")
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b:?")


def _readable(output: str) -> tuple[list[str], str | None]:
    """MkDocs' own lines without INFO chatter, and a traceback reduced to its exception line.

    A log record's continuation lines belong to its level; a traceback's frames are never
    shown (they quote the code and files, not the input's mistake).
    """
    lines: list[str] = []
    crash = None
    level, in_traceback = "", False
    for line in output.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback:
            if _EXCEPTION_LINE.match(line):
                crash, in_traceback = line.strip()[:300], False
            continue
        starts = _LEVEL.match(line)
        level = starts[1] if starts else level
        if line.strip() and level not in ("DEBUG", "INFO"):
            lines.append(line)
    return lines, crash


def _output_message(target: Path, err: OSError) -> str:
    where = err.filename or target
    return f"cannot write the site to {where}: {err.strerror or err}; the previous site is unchanged"


# --- the swap -----------------------------------------------------------------------

def publish(staging: Path, target: Path) -> None:
    """Put the complete build ``staging`` at ``target``; at no instant is ``target`` missing or partial."""
    if not os.path.lexists(target):
        os.rename(staging, target)  # nothing to replace: one rename is atomic
        return
    if _exchange(staging, target):
        return  # staging now holds the old site; the caller removes it
    old = _new_name(target, "old")  # fallback: two renames, repaired by remove_leftovers
    os.rename(target, old)
    os.rename(staging, target)
    _remove(old)


def remove_leftovers(target: Path) -> None:
    """Undo what an interrupted build left beside ``target``; call with the lock held.

    If ``target`` is missing while a complete old site waits to be deleted (a kill between
    the fallback's two renames), that site is put back first.
    """
    leftovers = sorted(p for p in target.parent.iterdir() if _LEFTOVER.match(p.name) and p.name.startswith(f".{target.name}-"))
    if not os.path.lexists(target):
        for path in leftovers:
            if "-old-" in path.name and (path / COMPLETE).is_file():
                os.rename(path, target)
                leftovers.remove(path)
                break
    for path in leftovers:
        _remove(path)


_LEFTOVER = re.compile(r"^\..+-(new|old)-[0-9a-f]{16}$")


def _new_name(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}-{kind}-{secrets.token_hex(8)}")


def _new_folder(target: Path, kind: str) -> Path:
    path = _new_name(target, kind)
    os.mkdir(path, 0o777)  # the umask applies, as for any folder the user makes
    return path


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder that holds the site, for the whole build."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, builds must not overlap
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "arm64": 276}
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call; False if this system or filesystem cannot."""
    libc = _libc()
    if libc is None:
        return False
    src, dst = os.fsencode(a), os.fsencode(b)
    system = platform.system()
    if system == "Linux":
        if hasattr(libc, "renameat2"):
            result = libc.renameat2(_AT_FDCWD, src, _AT_FDCWD, dst, _RENAME_EXCHANGE)
        elif platform.machine() in _SYS_RENAMEAT2:
            result = libc.syscall(_SYS_RENAMEAT2[platform.machine()], _AT_FDCWD, src, _AT_FDCWD, dst, _RENAME_EXCHANGE)
        else:
            return False
    elif system == "Darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(src, dst, _RENAME_SWAP)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the filesystem cannot exchange: use the fallback
    raise OSError(code, os.strerror(code), str(b))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
