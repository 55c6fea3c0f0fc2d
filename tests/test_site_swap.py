"""The atomic swap of ``site/``: killed at any point, a complete site remains; the next build tidies up.

The kill-anywhere test runs the real :func:`build_site` (with a stand-in for MkDocs that
writes a small site) in a forked child that traces its own execution and ends itself with
``os._exit`` — no ``finally``, no cleanup, like ``kill -9`` — at the N-th line executed
in the build module or in ``shutil`` (the deletion of the old site), for every N until
the build completes. After each kill the parent checks that ``site/`` is a complete
site (the old or the new one), then builds again and checks that nothing is left over.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LANGS, ROOT, copy_warm
from digest.problems import InputError, OutputError
from digest.site import build as site_build
from digest.site.build import COMPLETE, build_site, remove_leftovers


def _fake_builder(version: str):
    """A stand-in for MkDocs: a few files and folders that all say which build wrote them."""
    def builder(root: Path, output: Path, strict: bool) -> str:
        for rel in ("index.html", f"{LANGS[1]}/index.html", "assets/app.js", "data/digest.csv"):
            (output / rel).parent.mkdir(parents=True, exist_ok=True)
            (output / rel).write_text(version, encoding="utf-8")
        return ""
    return builder


def _site_version(site: Path) -> str:
    """The one version every file of a complete site carries; fails on a partial or mixed site."""
    assert site.is_dir() and not site.is_symlink(), f"{site} is missing"
    assert (site / COMPLETE).is_file(), f"{site} is incomplete"
    versions = {p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file() and p.name != COMPLETE}
    assert len(versions) == 1, f"{site} mixes builds: {versions}"
    return versions.pop()


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name != site.name)


def _run_killed_at(n: int, site: Path, version: str, exchange: bool) -> bool:
    """Build in a child that dies at the n-th traced line; True if the child finished first."""
    module = os.path.abspath(site_build.__file__)
    shutil_module = os.path.abspath(__import__("shutil").__file__)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        count = 0

        def local(frame, event, arg):  # noqa: ANN001
            nonlocal count
            if event == "line":
                count += 1
                if count >= n:
                    os._exit(137)
            return local

        def tracer(frame, event, arg):  # noqa: ANN001
            filename = os.path.abspath(frame.f_code.co_filename)
            if filename == module:
                return local
            if filename == shutil_module and event == "call":  # each step of deleting the old site
                local(frame, "line", arg)
            return None

        if not exchange:
            site_build._exchange = lambda a, b: False
        sys.settrace(tracer)
        try:
            build_site(site.parent, site, builder=_fake_builder(version))
        finally:
            sys.settrace(None)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status), status
    return os.WEXITSTATUS(status) == 0


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "two-renames-fallback"])
def test_kill_anywhere_leaves_a_complete_site_and_the_next_build_tidies_up(tmp_path: Path, exchange: bool) -> None:
    site = tmp_path / "out" / "site"
    build_site(tmp_path, site, builder=_fake_builder("v0"))
    kills = 0
    for n in range(1, 2000):
        old = _site_version(site)
        finished = _run_killed_at(n, site, f"v{n}", exchange)
        if exchange or finished:
            # With the exchange there is no instant without a complete site, not even between kills.
            assert _site_version(site) in (old, f"v{n}")
        else:  # fallback: a kill between its two renames is repaired when the next build starts
            remove_leftovers(site)
            assert _site_version(site) in (old, f"v{n}")
        if finished:
            break
        kills += 1
        build_site(tmp_path, site, builder=_fake_builder(f"w{n}"))
        assert _site_version(site) == f"w{n}"
        assert _leftovers(site) == [], f"killed at line {n}: leftovers not removed"
    else:
        pytest.fail("the build never finished")
    assert kills > 20, "the trace did not reach the build's code"
    print(f"killed at {kills} points")
    assert _site_version(site) == f"v{n}" and _leftovers(site) == []


def test_exchange_is_used_on_linux(tmp_path: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("renameat2 is Linux-only")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    assert site_build._exchange(a, b)
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_failed_build_keeps_the_old_site_and_leaves_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(tmp_path, site, builder=_fake_builder("good"))

    def broken(root: Path, output: Path, strict: bool) -> str:
        (output / "index.html").write_text("half", encoding="utf-8")
        raise InputError([])

    with pytest.raises(InputError):
        build_site(tmp_path, site, builder=broken)
    assert _site_version(site) == "good" and _leftovers(site) == []


@pytest.mark.parametrize("umask, mode", [(0o022, 0o755), (0o027, 0o750), (0o002, 0o775)])
def test_site_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        site = tmp_path / "site"
        build_site(tmp_path, site, builder=_fake_builder("x"))
        build_site(tmp_path, site, builder=_fake_builder("y"))  # the swapped-in folder too
    finally:
        os.umask(previous)
    assert site.stat().st_mode & 0o777 == mode
    assert (site / LANGS[1]).stat().st_mode & 0o777 == mode
    assert (site / "index.html").stat().st_mode & 0o777 == mode & 0o666


def test_a_site_that_is_a_symlink_is_replaced_by_a_folder_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not ours")
    site = tmp_path / "site"
    site.symlink_to(elsewhere)
    build_site(tmp_path, site, builder=_fake_builder("new"))
    assert _site_version(site) == "new"
    assert (elsewhere / "keep.txt").read_text() == "not ours"


def test_unwritable_output_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        build_site(tmp_path, Path("/sys/digest-site"), builder=_fake_builder("x"))
    message = str(caught.value)
    assert "\n" not in message and "cannot write the site" in message and "/sys" in message
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with pytest.raises(OutputError):
        build_site(tmp_path, not_a_folder / "site", builder=_fake_builder("x"))


def test_a_crash_in_mkdocs_is_reduced_to_its_last_line() -> None:
    output = ("INFO    -  Cleaning site directory\nINFO    -  Building\n  - not shown.md\n"
              "WARNING -  Doc file 'x.md' contains a link\n  continued warning\n"
              "Traceback (most recent call last):\n  File \"/x/mkdocs/__main__.py\", line 1, in <module>\n"
              "    secret = read()\n"
              "OSError: [Errno 28] No space left on device: 'site/x'\n")
    lines, crash = site_build._readable(output)
    assert lines == ["WARNING -  Doc file 'x.md' contains a link", "  continued warning"]
    assert crash == "OSError: [Errno 28] No space left on device: 'site/x'"


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))  # Python ignores SIGXFSZ: writes fail with EFBIG


def test_full_disk_is_one_clear_line_and_the_site_survives(tmp_path: Path, built_project: Path) -> None:
    """End to end (the failure happens inside the MkDocs subprocess): no traceback reaches the user.

    The copy's cache is warm, so the build gets to writing the site (where the disk fills) sooner.
    """
    project = copy_warm(built_project, tmp_path / "project")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("last good", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "digest.cli", "--root", str(project), "build"], cwd=project,
                            capture_output=True, text=True, preexec_fn=_limit_file_size,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write the site" in lines[0] and "File too large" in lines[0], result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "last good"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_strict_for_real_a_stale_nav_entry_fails_the_build(tmp_path: Path) -> None:
    """MkDocs ignores warnings in strict mode when --quiet is given; the build's MkDocs run must not.

    A minimal project (one page, MkDocs' own theme) keeps this fast; the command is the real one.
    """
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ntheme: mkdocs\nnav:\n  - index.md\n  - gone.md\n",
                                         encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_site(tmp_path, tmp_path / "site")
    assert "gone.md" in str(caught.value) and "Traceback" not in str(caught.value)
    assert "INFO" not in str(caught.value)
    assert not (tmp_path / "site").exists() and _leftovers(tmp_path / "site") == ["docs", "mkdocs.yml"]
    assert build_site(tmp_path, tmp_path / "site", strict=False).is_dir()  # the same project is fine unstrict
