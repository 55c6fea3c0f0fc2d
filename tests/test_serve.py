"""The preview server: a broken save shows its problems in the browser, and the last good pages stay."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import copy_warm
from digest.site.serve import PreviewServer, serve

TOPIC = "topics/paying-more/"
MSGID = 'msgid "{value} of respondents expect the businesses'


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
    """A scratch copy of the project whose cache is warm (as a contributor's is after `make site`)."""
    return copy_warm(built_project, tmp_path / "project")


@pytest.fixture
def preview(project: Path):
    """`digest serve --lang da` on the project copy, in a thread; yields (base URL, server)."""
    ready: list[PreviewServer] = []
    port = _free_port()
    thread = threading.Thread(target=serve, args=(project,), daemon=True,
                              kwargs={"lang": "da", "dev_addr": f"127.0.0.1:{port}", "on_ready": ready.append})
    thread.start()
    assert _wait_for(lambda: bool(ready)), "the preview server did not start"
    yield f"http://127.0.0.1:{port}/", ready[0]
    ready[0].shutdown()
    thread.join(timeout=10)


def test_one_language_preview_and_a_broken_save_shown_in_the_browser(project: Path, preview):
    base, server = preview
    status, page = _get(base + TOPIC)
    assert status == 200 and "At betale mere for bedre service" in page  # Danish, at the root of the preview
    assert _get(base + "da/" + TOPIC)[0] == 404  # no other language is built
    assert "content/da" in str(server._watched_paths) and "content/ko" not in str(server._watched_paths)

    catalog = project / "content" / "da" / "LC_MESSAGES" / "digest.po"
    good = catalog.read_text(encoding="utf-8")
    at = good.index("msgstr", good.index(MSGID))
    line = good[:at].count("\n") + 1
    catalog.write_text(good[:at] + 'msgstr "{valeur} ' + good[at + len('msgstr "'):], encoding="utf-8")
    assert _wait_for(lambda: bool(server.problems)), "the broken catalog was not noticed"
    started = time.monotonic()
    status, page = _get(base + TOPIC, timeout=30)
    assert time.monotonic() - started < 10, "the request hung"
    assert status == 200 and 'role="alert"' in page and f"content/da/LC_MESSAGES/digest.po:{line}: error:" in page
    assert "At betale mere for bedre service" in page  # the last good page, under the problems
    assert "livereload" in page  # and it reloads by itself when the next build is done

    catalog.write_text(good, encoding="utf-8")
    assert _wait_for(lambda: not server.problems), "the fixed catalog was not rebuilt"
    status, page = _get(base + TOPIC)
    assert status == 200 and 'role="alert"' not in page


def test_problems_are_escaped_and_shown_above_the_page_or_alone(tmp_path: Path):
    server = PreviewServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.server_close()  # never bound: only its page-making is under test
    server.problems = ["content/da/x.md:3: error: <script>alert(1)</script>"]
    page = server._inject_js_into_html(b"<html><body class=x><h1>Side</h1></body></html>", 1)
    assert page.index(b'role="alert"') < page.index(b"<h1>Side</h1>")
    assert b"<script>alert(1)" not in page and b"&lt;script&gt;alert(1)" in page
    alone = server.problem_page()
    assert b'role="alert"' in alone and b"livereload" in alone and b"<script>alert(1)" not in alone
    server.problems = []
    assert b'role="alert"' not in server._inject_js_into_html(b"<html><body><h1>Side</h1></body></html>", 1)
