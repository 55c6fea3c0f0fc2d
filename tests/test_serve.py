"""The preview server: a broken save shows its problems in the browser, and the last good pages stay.

On the fixture digest: its translated language (not the default) is previewed, at the root of the preview.
"""

from __future__ import annotations

import html
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import DIGEST, LANGS, copy_warm
from digest.config import load_config
from digest.site.serve import PreviewServer, serve

CONFIG = load_config(DIGEST)
LANG = LANGS[1]  # a translation: previewed alone, at the root of the preview
PAGE = CONFIG.hand_written_pages()[-1]  # a page the translator writes
URL = PAGE[:-3] + "/"
TITLE = html.escape(re.search(r"(?m)^# (.+)$", (DIGEST / "content" / LANG / PAGE).read_text(encoding="utf-8")).group(1))
BROKEN = "\n[[stat no-such-figure]]\n"  # a shortcode naming no figure: validate refuses it, with its line


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 60) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def _wait_for(predicate, seconds: float = 90) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def project(built_project: Path, tmp_path: Path) -> Path:
    """A scratch copy of the project whose cache is warm (as a contributor's is after `make site`). Its
    translation's pages record no reviewed source version, so they carry the stale notice."""
    return copy_warm(built_project, tmp_path / "project")


@pytest.fixture
def preview(project: Path):
    """`digest serve --lang LANG` on the project copy, in a thread; yields (base URL, server)."""
    ready: list[PreviewServer] = []
    port = _free_port()
    thread = threading.Thread(target=serve, args=(project,), daemon=True,
                              kwargs={"lang": LANG, "dev_addr": f"127.0.0.1:{port}", "on_ready": ready.append})
    thread.start()
    assert _wait_for(lambda: bool(ready)), "the preview server did not start"
    yield f"http://127.0.0.1:{port}/", ready[0]
    ready[0].shutdown()
    thread.join(timeout=10)


def test_one_language_preview_and_a_broken_save_shown_in_the_browser(project: Path, preview):
    base, server = preview
    status, page = _get(base + URL)
    assert status == 200 and TITLE in page  # the translation, at the root of the preview
    # Its notice says the page may be behind its source; the source page is not in a local one-language
    # preview (and there is no published address), so the notice links nowhere.
    notice = re.search(r'<aside class="admonition warning digest-stale">(.*?)</aside>', page, re.DOTALL)
    assert notice and "<a " not in notice.group(1), page[:3000]
    assert _get(base + LANG + "/" + URL)[0] == 404  # no other language is built
    watched = {str(p) for p in server._watched_paths}
    # Its own folder and its source pages (whose changes make it outdated), not all of content/.
    assert {p for p in watched if "/content" in p.removeprefix(str(project))} == {
        str(project / "content" / LANG), str(project / "content" / CONFIG.default.code)}, watched

    source = project / "content" / LANG / PAGE
    good = source.read_text(encoding="utf-8")
    source.write_text(good + BROKEN, encoding="utf-8")
    line = (good + BROKEN).count("\n")  # the shortcode's line
    assert _wait_for(lambda: bool(server.problems)), "the broken page was not noticed"
    started = time.monotonic()
    status, page = _get(base + URL, timeout=30)
    assert time.monotonic() - started < 10, "the request hung"
    assert status == 200 and 'role="alert"' in page and f"content/{LANG}/{PAGE}:{line}: error:" in page, page[:3000]
    assert TITLE in page  # the last good page, under the problems
    assert "livereload" in page  # and it reloads by itself when the next build is done

    source.write_text(good, encoding="utf-8")
    assert _wait_for(lambda: not server.problems), "the fixed page was not rebuilt"
    status, page = _get(base + URL)
    assert status == 200 and 'role="alert"' not in page


def test_problems_are_escaped_and_shown_above_the_page_or_alone(tmp_path: Path):
    server = PreviewServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.server_close()  # never bound: only its page-making is under test
    server.problems = [f"content/{LANG}/x.md:3: error: <script>alert(1)</script>"]
    page = server._inject_js_into_html(b"<html><body class=x><h1>Side</h1></body></html>", 1)
    assert page.index(b'role="alert"') < page.index(b"<h1>Side</h1>")
    assert b"<script>alert(1)" not in page and b"&lt;script&gt;alert(1)" in page
    alone = server.problem_page()
    assert b'role="alert"' in alone and b"livereload" in alone and b"<script>alert(1)" not in alone
    server.problems = []
    assert b'role="alert"' not in server._inject_js_into_html(b"<html><body><h1>Side</h1></body></html>", 1)
