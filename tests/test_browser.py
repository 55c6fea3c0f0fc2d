"""A real browser: pages render, the switcher keeps the page, Korean search finds Korean pages.

Needs Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it) and
Playwright for Python, which drives it without downloading a browser of its own.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT
from digest.config import load_config

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BASE_PATH = urlsplit(load_config(ROOT).site_url).path  # the site lives under this path when published
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class _Handler(SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if path.startswith(BASE_PATH):
            path = "/" + path[len(BASE_PATH):]
        return super().translate_path(path)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server(built_site: Path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(built_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install the Debian package chromium")
        pytest.skip("Chromium not installed: apt-get install chromium chromium-driver (as .ci/run does)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    external, broken = [], []
    page.on("request", lambda request: external.append(request.url) if not request.url.startswith(("http://127.0.0.1", "data:")) else None)
    # Material probes <alternate page>/sitemap.xml when the language switcher is used, and
    # falls back when it is absent; any other failed request is a broken page.
    page.on("response", lambda response: broken.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/sitemap.xml") else None)
    yield page
    context.close()
    assert external == [], f"requests left the site: {external}"
    assert broken == [], f"requests failed: {broken}"


@pytest.mark.parametrize("lang, heading", [("", "Vad undersökningar"), ("da/", "undersøgelser"),
                                           ("no/", "undersøkelser"), ("ko/", "설문조사")])
def test_home_page_renders_in_each_language(page, server, lang, heading):
    page.goto(server + lang)
    assert heading in page.locator("h1").first.inner_text()
    chart = page.locator("figure.digest-chart img").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())


def test_switcher_keeps_the_page(page, server):
    page.goto(server + "topics/word-of-mouth/")
    page.locator(".md-header__option .md-select").first.hover()
    page.locator('a.md-select__link[hreflang="ko"]').click()
    page.wait_for_url("**/ko/topics/word-of-mouth/")
    assert page.evaluate("document.documentElement.lang") == "ko"


def test_korean_search_finds_korean_pages_only(page, server):
    with page.expect_response("**/ko/search/search_index.json"):
        page.goto(server + "ko/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box, results = page.locator("input.md-search__input"), page.locator(".md-search-result__item a")
    for _ in range(20):  # a query typed before the search worker has built its index is dropped: type again
        box.fill("충성도")
        box.press("End")  # Hangul arrives as inserted text; Material reacts to the key events an IME also sends
        try:
            results.first.wait_for(timeout=1000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; retry
            continue
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert hrefs and all("/ko/" in href for href in hrefs), hrefs
