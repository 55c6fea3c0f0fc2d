"""A real browser on the built site: every page loads whole, passes axe-core, switches language.

Needs Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it), Playwright for
Python (which drives it; never `playwright install`), and axe-core from npm, pinned in
tests/package-lock.json (`make test` runs `npm ci` in tests/).

Fast by design: one browser for the module, one local HTTP server that serves the site
both at its root and under /sub/ (a site must work at any address), and pages checked
several at a time in one asyncio loop.

Every page is loaded (its lazy images fetched too) and must get no response >= 400 and
make no request off the site. axe-core, which takes one to four seconds a page on this
machine, runs on a representative set rather than all 45 pages, and here is why that
set covers them: the pages are made from five kinds of Markdown page (home, topic,
sources, about, good-and-bad-service) by the same templates and shortcodes, and the
seven topic pages differ only in which figures they list. So axe checks every kind in
the default language, and in each other language the home page, a topic page and the
Korean sources page (the kinds with language-specific markup: translated interface
strings, `lang` on article titles and untranslated text, Hangul; the Danish and
Norwegian sources pages are the Swedish one's markup with other words). The light pass
runs every rule (WCAG 2.2 A/AA and best practices); the dark pass runs the rules whose
outcome depends on colour (contrast, links told apart from text) on every kind of page,
because the dark scheme changes colours and nothing else, the same in every language.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import LANGS, ROOT

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
SUBPATH = "/sub/"
AXE_URL = "/__axe-core.min.js"  # the test server serves the pinned axe-core here
PARALLEL = 4
HTML_LANG = {"sv": "sv", "da": "da", "no": "nb", "ko": "ko"}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_PAGES = ["", "topics/word-of-mouth/", "sources/", "about/", "good-and-bad-service/", "ko/sources/"] + [
    f"{code}/{page}" for code in LANGS[1:] for page in ("", "topics/loyalty-switching/")]
DARK_PAGES = ["", "topics/word-of-mouth/", "sources/", "about/", "good-and-bad-service/", "ko/"]


def _missing(what: str, how: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: {how}")
    pytest.skip(f"{what} not installed: {how}")


class _Handler(SimpleHTTPRequestHandler):
    """The site at / and at /sub/; a missing file gets the site's 404.html, as on GitHub Pages."""

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if path == AXE_URL:
            return str(AXE)
        if path.startswith(SUBPATH):
            path = "/" + path[len(SUBPATH):]
        return super().translate_path(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@dataclass
class Browser:
    loop: asyncio.AbstractEventLoop
    browser: object
    origin: str

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)


@pytest.fixture(scope="module")
def site_pages(built_site: Path) -> list[str]:
    """Every page's path under the site root, e.g. "da/topics/x/" ("" for the home page)."""
    paths = (p.parent.relative_to(built_site).as_posix() for p in built_site.rglob("index.html"))
    return sorted("" if rel == "." else rel + "/" for rel in paths)


@pytest.fixture(scope="module")
def session(built_site: Path):
    if not os.path.exists(CHROMIUM):
        _missing("Chromium", "apt-get install chromium chromium-driver (as .ci/run does)")
    api = pytest.importorskip("playwright.async_api")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(built_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    loop = asyncio.new_event_loop()
    playwright = loop.run_until_complete(api.async_playwright().start())
    browser = loop.run_until_complete(playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS))
    yield Browser(loop, browser, f"http://127.0.0.1:{httpd.server_address[1]}")
    loop.run_until_complete(browser.close())
    loop.run_until_complete(playwright.stop())
    loop.close()
    httpd.shutdown()


async def _each(items, work, parallel: int = PARALLEL):
    """Run ``work(item)`` for every item, a few at a time; results in order."""
    gate = asyncio.Semaphore(parallel)

    async def one(item):
        async with gate:
            return await work(item)

    return await asyncio.gather(*(one(i) for i in items))


async def _without_search(context) -> None:
    """Material builds a search index in a worker on every page load; the axe and switcher
    checks do not need it, and on two cores it slows every other page down."""
    await context.route("**/search/search_index.json", lambda route: route.abort("aborted"))
    await context.route("**/assets/javascripts/workers/search.*.js", lambda route: route.abort("aborted"))


def _watch(page, origin: str, failures: list[str]) -> None:
    """Record every failed response and request, and every request that leaves the site."""
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # A request cut short because the page was closed or left is not a broken page.
    page.on("requestfailed", lambda r: failures.append(f"failed {r.url}: {r.failure}")
            if r.failure != "net::ERR_ABORTED" else None)
    page.on("request", lambda r: failures.append(f"left the site: {r.url}")
            if not r.url.startswith((origin, "data:", "blob:")) else None)


async def _axe(page, rules: list[str] | None) -> list[str]:
    """Serious and critical axe-core violations of the page, one line per rule."""
    if not await page.evaluate("typeof axe !== 'undefined'"):
        # From a URL, not inline: Chromium then caches the compiled script across pages.
        await page.add_script_tag(url=AXE_URL)
    options = {"runOnly": {"type": "rule", "values": rules}} if rules else {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
    options["resultTypes"] = ["violations"]  # axe then details only what fails: much faster
    result = await page.evaluate("options => axe.run(document, options)", options)
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary'][:160]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_every_page_and_its_images_load_without_failed_requests(session: Browser, site_pages: list[str]):
    assert len(site_pages) >= 4 * 11

    async def all_pages() -> dict[str, list[str]]:
        context = await session.browser.new_context(viewport={"width": 1280, "height": 900})
        await _without_search(context)  # fetched and searched in test_korean_search_finds_korean_pages_only

        async def one(path: str) -> tuple[str, list[str]]:
            page = await context.new_page()
            failures: list[str] = []
            _watch(page, session.origin, failures)
            await page.goto(session.origin + SUBPATH + path, wait_until="load")
            # Lazy images below the fold are fetched, not drawn: drawing 45 pages of charts
            # costs more than everything else here, and the HTTP status is what is checked.
            for src in await page.eval_on_selector_all("img", "imgs => imgs.map(i => i.src)"):
                status = (await context.request.get(src)).status
                failures += [f"{status} {src}"] if status >= 400 else []
            await page.close()
            return path, failures

        results = await _each(site_pages, one)
        await context.close()
        return {f"/{path}": found for path, found in results if found}

    assert session.run(all_pages()) == {}


def test_axe_finds_nothing_serious_in_light_and_dark(session: Browser, site_pages: list[str]):
    if not AXE.exists():
        _missing("axe-core", "cd tests && npm ci (make test does)")
    assert set(AXE_PAGES) <= set(site_pages)

    async def check(scheme: str, rules: list[str] | None, pages: list[str]) -> dict[str, list[str]]:
        context = await session.browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        await _without_search(context)

        async def one(path: str) -> tuple[str, list[str]]:
            page = await context.new_page()
            await page.goto(session.origin + SUBPATH + path, wait_until="load")
            failures = await _axe(page, rules)
            shown = await page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            if shown != {"light": "default", "dark": "slate"}[scheme]:
                failures.append(f"{scheme} scheme not applied ({shown})")
            await page.close()
            return path, failures

        results = await _each(pages, one, parallel=2)
        await context.close()
        return {f"{scheme} /{path}": found for path, found in results if found}

    async def both():
        return {**await check("light", None, AXE_PAGES), **await check("dark", COLOUR_RULES, DARK_PAGES)}

    problems = session.run(both())
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("base", ["/", SUBPATH])
def test_switcher_from_every_home_page(session: Browser, base: str):
    """Each home page's switcher links reach every other home page, at the root and under a path;
    one link per home page is clicked as a reader would, the others are resolved and fetched."""

    def home(code: str) -> str:
        return session.origin + base + ("" if code == LANGS[0] else f"{code}/")

    async def from_home(code: str) -> list[str]:
        context = await session.browser.new_context(viewport={"width": 1280, "height": 900})
        await _without_search(context)
        page = await context.new_page()
        failures: list[str] = []
        _watch(page, session.origin, failures)
        await page.goto(home(code))
        links = await page.eval_on_selector_all("a.md-select__link", "links => links.map(a => [a.hreflang, a.href])")
        wanted = {HTML_LANG[target]: home(target) for target in LANGS}
        if dict(links) != wanted:
            failures.append(f"{home(code)}: switcher links {links}, expected {wanted}")
        for _, href in links:
            status = (await context.request.get(href)).status
            failures += [f"{home(code)} → {href}: {status}"] if status != 200 else []
        target = LANGS[(LANGS.index(code) + 1) % len(LANGS)]
        await page.locator(".md-header__option .md-select").first.hover()
        await page.locator(f'a.md-select__link[hreflang="{HTML_LANG[target]}"]').click()
        await page.wait_for_url(home(target))
        lang = await page.evaluate("document.documentElement.lang")
        failures += [f"{home(code)} → {target}: page says lang={lang}"] if lang != HTML_LANG[target] else []
        await context.close()
        return failures

    failures = [f for found in session.run(_each(LANGS, from_home, parallel=2)) for f in found]
    assert failures == []


PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 12


def _smallest_text_px(svg: str, shown_width: float) -> float:
    """Matplotlib draws text as glyph paths scaled by font size / 100 in the SVG's units (pt)."""
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    scales = [float(s) for s in re.findall(r"scale\(([\d.]+) -[\d.]+\)", svg)]
    assert scales, "no text found in the chart"
    return min(scales) * 100 * shown_width / view_width


def test_phone_width_charts_are_legible_and_nothing_overflows(session: Browser):
    """At 390 CSS px every chart's smallest text is at least 12 CSS px, and no page scrolls sideways."""
    pages = [f"{prefix}{page}" for prefix in ("", "da/", "no/", "ko/")
             for page in ("", "topics/loyalty-switching/", "topics/cost-of-service/", "sources/")]

    async def check() -> list[str]:
        context = await session.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        await _without_search(context)

        async def one(path: str) -> list[str]:
            page = await context.new_page()
            await page.goto(session.origin + SUBPATH + path, wait_until="load")
            problems = []
            scroll = await page.evaluate("document.documentElement.scrollWidth")
            if scroll > PHONE["width"]:
                problems.append(f"/{path}: {scroll} px wide at {PHONE['width']} px")
            for src, width in await page.eval_on_selector_all(
                    "figure.digest-chart img", "imgs => imgs.map(i => [i.currentSrc || i.src, i.getBoundingClientRect().width])"):
                svg = await (await context.request.get(src)).text()
                smallest = _smallest_text_px(svg, width)
                if smallest < MIN_TEXT_PX:
                    problems.append(f"/{path}: {src.rsplit('/', 1)[-1]} text {smallest:.1f} px at {width:.0f} px wide")
            await page.close()
            return problems

        found = await _each(pages, one)
        await context.close()
        return [p for problems in found for p in problems]

    assert session.run(check()) == []


def test_switcher_keeps_the_page(session: Browser):
    async def go() -> tuple[str, str]:
        page = await session.browser.new_page()
        await page.goto(session.origin + SUBPATH + "topics/word-of-mouth/")
        await page.locator(".md-header__option .md-select").first.hover()
        await page.locator('a.md-select__link[hreflang="ko"]').click()
        await page.wait_for_url("**/sub/ko/topics/word-of-mouth/")
        lang = await page.evaluate("document.documentElement.lang")
        await page.close()
        return page.url, lang

    url, lang = session.run(go())
    assert url.endswith("/sub/ko/topics/word-of-mouth/") and lang == "ko"


@pytest.mark.parametrize("path, lang, home", [
    ("sub/da/topics/nowhere/", "da", "sub/da/"),
    ("ko/nowhere/", "ko", "ko/"),
    ("sub/topics/gone/", "sv", "sub/"),
])
def test_404_page_speaks_the_address_language_and_links_home(session: Browser, path: str, lang: str, home: str):
    async def go():
        context = await session.browser.new_context(locale="sv-SE")
        page = await context.new_page()
        failures: list[str] = []
        _watch(page, session.origin, failures)
        response = await page.goto(session.origin + "/" + path)
        shown = await page.evaluate("document.documentElement.lang")
        visible = await page.locator("section:not([hidden]) a.home").first.get_attribute("href")
        target = await page.evaluate("href => new URL(href, location.href).href", visible)
        reached = await context.request.get(target)
        await context.close()
        return response.status, shown, target, reached.status, [f for f in failures if not f.startswith("404 ")]

    status, shown, target, reached, failures = session.run(go())
    assert status == 404 and shown == HTML_LANG[lang]
    assert target == f"{session.origin}/{home}" and reached == 200
    assert failures == []


def test_korean_search_finds_korean_pages_only(session: Browser):
    async def go() -> list[str]:
        page = await session.browser.new_page()
        async with page.expect_response("**/ko/search/search_index.json"):
            await page.goto(session.origin + SUBPATH + "ko/")
        await page.locator("label.md-search__icon, .md-search__input").first.click()
        box, results = page.locator("input.md-search__input"), page.locator(".md-search-result__item a")
        for _ in range(20):  # a query typed before the search worker has built its index is dropped: type again
            await box.fill("충성도")
            await box.press("End")  # Hangul arrives as inserted text; Material reacts to the key events an IME sends
            try:
                await results.first.wait_for(timeout=1000)
                break
            except Exception:  # noqa: BLE001 - playwright's TimeoutError; retry
                continue
        hrefs = [await results.nth(i).get_attribute("href") for i in range(await results.count())]
        await page.close()
        return hrefs

    hrefs = session.run(go())
    assert hrefs and all("/ko/" in href for href in hrefs), hrefs
