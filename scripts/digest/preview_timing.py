"""Preview timing: seconds from saving a one-figure edit until the preview server serves the changed page.

What a translator or editor waits for, end to end: ``digest serve --lang xx`` runs in its
own process on a scratch copy; once it serves the page, one figure's value is changed
on disk (as an editor's save), and the page is requested until the served HTML
differs. The server holds requests while it rebuilds, so the clock stops when the
rebuilt page arrives — file-watcher latency, rebuild and serving all count.

What is timed is the server in use: one untimed edit comes first, as a contributor's
first save after starting ``make serve`` does, so one-time costs of the process
(importing matplotlib for the first redrawn chart) are not counted as every save's.

Kept apart from ``bench.py`` (which owns repetitions, pairing with the plain-MkDocs
baseline and the ``bench.json`` layout): ``bench`` calls :func:`preview_run` once per
round and reports ``ratios.preview_over_baseline``.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

import digest

_VALUE = re.compile(r"^  value: (-?[0-9.]+)$", re.M)
_EDITS = itertools.count(1)


def edited_page(project: Path) -> str:
    """The topic page (URL relative to the language root) that shows the figure :func:`edit_one_figure` edits."""
    records = yaml.safe_load((project / "stats" / "statistics.yaml").read_text(encoding="utf-8"))
    first = next(r for r in records if isinstance(r, dict) and "value" in r)
    return f"topics/{first['topic']}/"


def edit_one_figure(project: Path) -> None:
    """Give the first figure a whole value it has not had in this process (81 → 82 → 83 …), as an editor's save.

    Whole steps change what the page shows (a hundredth could round away); a value not
    seen before finds no chart in the cache, as a real edit would not.
    """
    path = project / "stats" / "statistics.yaml"
    text = path.read_text(encoding="utf-8")
    match = _VALUE.search(text)
    if match is None:
        raise RuntimeError(f"no `value:` line to edit in {path}")
    base, step = round(float(match.group(1))), next(_EDITS)
    value = base + step if base + step <= 100 else max(base - step, 0)
    path.write_text(text[: match.start(1)] + str(value) + text[match.end(1):], encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str, timeout: float) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, OSError):
        return None


def _strip_reload_script(page: bytes) -> bytes:
    """The live-reload script carries the build's timestamp; compare pages without it."""
    marker = page.rfind(b"var livereload")
    at = page.rfind(b"<script>", 0, marker) if marker >= 0 else -1
    return page[:at] if at >= 0 else page


def preview_seconds(project: Path, lang: str = "da", edits: int = 1, timeout: float = 120.0) -> list[float]:
    """Start a one-language preview of ``project`` and time ``edits`` one-figure edits; seconds for each."""
    return preview_run(project, lang, edits, timeout)[0]


def preview_run(project: Path, lang: str = "da", edits: int = 1, timeout: float = 120.0) -> tuple[list[float], int]:
    """As :func:`preview_seconds`, and the server's peak resident set in KiB (0 where /proc is missing).

    The dataset file is restored afterwards, so the project's inputs are as they were.
    """
    stats = project / "stats" / "statistics.yaml"
    original = stats.read_bytes()
    try:
        return _preview_run(project, lang, edits, timeout)
    finally:
        stats.write_bytes(original)


def _peak_rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else 0


def _preview_run(project: Path, lang: str, edits: int, timeout: float) -> tuple[list[float], int]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"  # the preview serves at the root (the site's address is unknown to it)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(Path(digest.__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen([sys.executable, "-m", "digest.cli", "--root", str(project), "serve", "--lang", lang,
                               "--dev-addr", f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    page_url = edited_page(project)
    try:
        deadline = time.monotonic() + timeout
        page = None
        while page is None:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"preview server did not start:\n{server.stderr.read().decode()[-3000:]}")  # type: ignore[union-attr]
            time.sleep(0.1)
            page = _fetch(base + page_url, timeout=timeout)
        times = []
        for _ in range(edits + 1):  # the first edit warms the server up and is not timed
            before = _strip_reload_script(page)
            time.sleep(0.5)  # let the watcher settle, as between two real saves
            started = time.monotonic()
            edit_one_figure(project)
            while True:
                page = _fetch(base + page_url, timeout=timeout) or page
                if _strip_reload_script(page) != before:
                    break
                if time.monotonic() - started > timeout:
                    raise RuntimeError("the preview never served the edited page")
                time.sleep(0.01)
            times.append(time.monotonic() - started)
        return times[1:], _peak_rss_kb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
