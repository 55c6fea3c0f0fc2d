"""A real browser on the built site: every page loads whole and passes axe-core in both colour schemes.

Needs Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it), Playwright for
Python (which drives it; never `playwright install`), and axe-core from npm, pinned in
tests/package-lock.json (`make test` runs `npm ci` in tests/).

Every page is visited once, two at a time (one per core): two tabs, open for the whole
module, in one browser, on one local HTTP server that serves the site both at its root and
under /sub/ (a site must work at any address). Each page, loaded under /sub/ at 1280 x 900:

- loads whole: no response >= 400, no failed request, no request off the site, no uncaught
  script error, and every image it names answers 200 (charts are lazy: fetched, not drawn);
- passes axe-core in the light scheme: every WCAG 2.2 A/AA and best-practice rule, nothing
  serious or critical, with every <details> opened first, so that the charts' data tables
  and the citation blocks are checked too instead of skipped as hidden;
- switches to the dark scheme with its palette toggle (scheme attribute and background
  change) and passes axe-core's colour rules there (contrast, links told apart from text):
  the dark scheme changes colours and nothing else, so the other rules' outcome is the
  light one's;
- narrowed to a phone's 390 CSS px, is no wider than the screen and shows no chart text
  under 12 CSS px.

Every document in the tabs starts without stored preferences (so in the light scheme, which
the browser prefers) and with transitions and animations of zero length: axe never measures
a colour half way through a fade. Checked while writing this, on all 44 pages: toggling in
place gives the computed colours of a page loaded dark (all but the toggle's own outline)
and the same 11,554 axe colour results; the narrowed tab gives the page and chart widths of
Playwright's phone emulation (the site's meta viewport is width=device-width).

Then, on the same tabs: the language switcher from every home page, at the root and under
/sub/ (a reader clicks round sv -> da -> no -> ko -> sv), and from a topic page to the same
topic in Korean; the 404 page speaks its address's language and links to that home page.
Korean search (in a page of its own: the tabs get an empty search worker, see _Handler)
finds Korean pages only.

Cost: about 100 CPU seconds, most of it axe-core, of which color-contrast is half (topic
pages) to three quarters (the long sources pages) of each run; per page about 0.5 s to load,
0.7 s axe light, 0.4 s axe dark (sources pages 1.7 and 1.0 s). On two idle cores about 50 s.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import shutil
import threading
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, once_per_run
from conftest import SHIPPED_LANGS as LANGS

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# --max-opt=1: V8 stops at its baseline compiler (Sparkplug), without Maglev or TurboFan. axe-core
# runs a few hundred milliseconds per document, too short for optimized code to pay for compiling
# it. In seven paired runs of the pass (44 pages, two tabs) it used a median 14 % less CPU (5 % of
# this module, whose build and other tests it does not touch). Axe's results (violations, and the
# rules passing and incomplete with their node counts, every page) hashed the same as without it in
# 11 of 12 runs; one early run differed, and its output was not kept to see where.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--js-flags=--max-opt=1"]
AXE = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
SUBPATH = "/sub/"
AXE_URL = "/__axe-core.min.js"  # the test server serves the pinned axe-core here
SEARCH_WORKER = "/assets/javascripts/workers/search."
NO_SEARCH = ("digest-tests", "no-search")  # a cookie: the test server then sends an empty search worker
TABS = 2  # pages checked at once: one per core (3 measured no faster; 1 leaves a core mostly idle)
HTML_LANG = {"sv": "sv", "da": "da", "no": "nb", "ko": "ko"}
# preload: False: axe then does not fetch every stylesheet again to build a CSSOM, which only its
# experimental rules (not run here) read; checked on five pages to give the same passes,
# violations and incomplete results, node for node, at about 17 % less time.
AXE_ALL = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
           "preload": False}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_COLOURS = {"runOnly": {"type": "rule", "values": COLOUR_RULES}, "preload": False}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 12
# Run in every document of the tabs before the page's own scripts: each page starts in the
# scheme the browser prefers (light), not the one the previous page was toggled to, and no
# transition or animation is ever caught half way.
TAB_SETUP = """
localStorage.clear();
const still = new CSSStyleSheet();
still.replaceSync('*, *::before, *::after { transition-duration: 0s !important; transition-delay: 0s !important;'
                  + ' animation-duration: 0s !important; animation-delay: 0s !important }');
document.adoptedStyleSheets = [still];
"""


def _missing(what: str, how: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: {how}")
    pytest.skip(f"{what} not installed: {how}")


class _Handler(SimpleHTTPRequestHandler):
    """The site at / and at /sub/; a missing file gets the site's 404.html, as on GitHub Pages.

    Material's search worker builds an index on every page load, which only the search test
    needs and which slows every other page down on two cores: a browser that sends the
    NO_SEARCH cookie gets an empty worker instead (no request fails, the HTTP cache still works)."""

    def do_GET(self) -> None:
        if SEARCH_WORKER in self.path and "=".join(NO_SEARCH) in self.headers.get("Cookie", ""):
            body = b"/* no search in these tabs */"
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

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


@dataclass
class Tab:
    """A desktop-sized page kept open for the whole module; ``problems`` collects what went wrong
    on it (failed requests, requests off the site, script errors) since it was last cleared."""

    context: object
    page: object
    problems: list[str] = field(default_factory=list)


@dataclass
class Visit:
    """What one visit found on one page (an axe list is None when axe-core is not installed)."""

    load: list[str]
    light: list[str] | None
    dark: list[str] | None
    phone: list[str]
    charts: int = 0  # charts measured at phone width


@pytest.fixture(scope="module")
def site_pages(shipped_site: Path) -> list[str]:
    """Every page's path under the site root, e.g. "da/topics/x/" ("" for the home page)."""
    paths = (p.parent.relative_to(shipped_site).as_posix() for p in shipped_site.rglob("index.html"))
    return sorted("" if rel == "." else rel + "/" for rel in paths)


@pytest.fixture(scope="module")
def session(shipped_site: Path):
    if not os.path.exists(CHROMIUM):
        _missing("Chromium", "apt-get install chromium chromium-driver (as .ci/run does)")
    api = pytest.importorskip("playwright.async_api")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(shipped_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    loop = asyncio.new_event_loop()
    playwright = loop.run_until_complete(api.async_playwright().start())
    browser = loop.run_until_complete(playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS))
    yield Browser(loop, browser, f"http://127.0.0.1:{httpd.server_address[1]}")
    loop.run_until_complete(browser.close())
    loop.run_until_complete(playwright.stop())
    loop.close()
    httpd.shutdown()


async def _all(coroutines) -> list:
    """The coroutines' results, run at once (``asyncio.gather`` must be called in the running loop)."""
    return list(await asyncio.gather(*coroutines))


def _watch(page, origin: str, problems: list[str]) -> None:
    """Record every failed response and request, every request that leaves the site, every script error."""
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # A request cut short because the page was left is not a broken page.
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}")
            if r.failure != "net::ERR_ABORTED" else None)
    page.on("request", lambda r: problems.append(f"left the site: {r.url}")
            if not r.url.startswith((origin, "data:", "blob:")) else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))


@pytest.fixture(scope="module")
def tabs(session: Browser) -> list[Tab]:
    """TABS pages, each in its own context (palette choices are stored per context), Swedish
    browser locale (so the 404 test shows the address, not the browser, picks the language),
    without search (see _Handler)."""

    async def open_tab() -> Tab:
        context = await session.browser.new_context(viewport=DESKTOP, locale="sv-SE")
        context.set_default_timeout(10_000)  # a missing element fails one page in 10 s, not in 30
        await context.add_cookies([{"name": NO_SEARCH[0], "value": NO_SEARCH[1], "url": session.origin}])
        await context.add_init_script(TAB_SETUP)
        tab = Tab(context, await context.new_page())
        _watch(tab.page, session.origin, tab.problems)
        return tab

    opened = session.run(_all(open_tab() for _ in range(TABS)))
    yield opened
    session.run(_all(tab.context.close() for tab in opened))


# Serious and critical violations, one line per rule, and whether any text was checked for contrast.
AXE_RUN = """options => axe.run(document, options).then(result => ({
    violations: result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
        `${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.nodes[0].target} ${v.nodes[0].failureSummary.slice(0, 160)}`),
    textChecked: !result.inapplicable.some(rule => rule.id === 'color-contrast'),
}))"""


async def _axe(page, options: dict, scheme: str) -> list[str]:
    # resultTypes: axe then details (selectors, messages) only what fails: much faster.
    result = await page.evaluate(AXE_RUN, {**options, "resultTypes": ["violations"]})
    return result["violations"] + ([] if result["textChecked"] else [f"axe found no text to check in the {scheme} scheme"])


def _smallest_text_px(svg: str, shown_width: float) -> float:
    """Matplotlib draws text as glyph paths scaled by font size / 100 in the SVG's units (pt)."""
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    scales = [float(s) for s in re.findall(r"scale\(([\d.]+) -[\d.]+\)", svg)]
    assert scales, "no text found in the chart"
    return min(scales) * 100 * shown_width / view_width


class _Pass:
    """One visit to every page, TABS at a time; images are fetched once for the whole site."""

    def __init__(self, session: Browser, tabs: list[Tab], with_axe: bool):
        self.origin, self.tabs, self.with_axe = session.origin, tabs, with_axe
        self.images: dict[str, asyncio.Future] = {}

    def _image(self, tab: Tab, url: str) -> asyncio.Future:
        """The image's status and (for SVG) its text, fetched the first time any page names it."""
        async def get() -> tuple[int, str]:
            response = await tab.context.request.get(url)
            return response.status, (await response.text() if url.endswith(".svg") else "")

        if url not in self.images:
            self.images[url] = asyncio.ensure_future(get())
        return self.images[url]

    async def visit(self, tab: Tab, path: str) -> Visit:
        page = tab.page
        tab.problems.clear()
        await page.goto(self.origin + SUBPATH + path, wait_until="load")
        await page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        srcs = await page.eval_on_selector_all("img", "imgs => imgs.map(i => i.currentSrc || i.src)")
        images = [self._image(tab, src) for src in srcs]
        light = dark = None
        if self.with_axe:
            # From a URL, not inline: Chromium then reuses the compiled script across pages.
            await page.add_script_tag(url=AXE_URL)
            light = await _axe(page, AXE_ALL, "light")
            light += await self._toggle_to_dark(page)
            dark = await _axe(page, AXE_COLOURS, "dark")
        phone, charts = await self._phone(tab)
        load = [f"{status} {src}" for src, (status, _) in zip(srcs, await asyncio.gather(*images)) if status != 200]
        return Visit(load + tab.problems, light, dark, phone, charts)

    @staticmethod
    async def _toggle_to_dark(page) -> list[str]:
        """Click the palette toggle's visible label (a click event: Playwright's pointer click costs
        twice as much and the switcher tests already click as a reader does)."""
        before, after = await page.evaluate("""() => {
            const scheme = () => [document.body.dataset.mdColorScheme, getComputedStyle(document.body).backgroundColor];
            const before = scheme();
            const toggle = document.querySelector('form[data-md-component="palette"] label:not([hidden])');
            if (!toggle || !toggle.checkVisibility()) return [before, 'no visible palette toggle'];
            toggle.click();
            return [before, scheme()];
        }""")
        if before[0] != "default" or after[0] != "slate" or after[1] == before[1]:
            return [f"palette toggle: scheme, background {before} before, {after} after"]
        return []

    async def _phone(self, tab: Tab) -> tuple[list[str], int]:
        await tab.page.set_viewport_size(PHONE)
        scroll, charts = await tab.page.evaluate("""() => [document.documentElement.scrollWidth,
            [...document.querySelectorAll('figure.digest-chart img')]
                .map(i => [i.currentSrc || i.src, i.getBoundingClientRect().width])]""")
        problems = [f"{scroll} px wide at {PHONE['width']} px"] if scroll > PHONE["width"] else []
        for src, width in charts:
            status, svg = await self._image(tab, src)
            smallest = _smallest_text_px(svg, width) if status == 200 else MIN_TEXT_PX
            if smallest < MIN_TEXT_PX:
                problems.append(f"{src.rsplit('/', 1)[-1]} text {smallest:.1f} px at {width:.0f} px wide")
        await tab.page.set_viewport_size(DESKTOP)  # a tab is always left at desktop size
        return problems, len(charts)

    async def all(self, paths: list[str]) -> dict[str, Visit]:
        queue = sorted(paths, key=lambda p: not p.endswith("sources/"))  # the longest first: no straggler at the end
        visits: dict[str, Visit] = {}

        async def work(tab: Tab) -> None:
            while queue:
                path = queue.pop(0)
                try:
                    visits[path] = await self.visit(tab, path)
                except Exception as error:  # noqa: BLE001 - one broken page must not hide the others
                    visits[path] = Visit([f"visit failed: {error}"[:500]], [], [], [])

        await asyncio.gather(*(work(tab) for tab in self.tabs))
        return {path: visits[path] for path in paths}


@pytest.fixture(scope="module")
def visits(tmp_path_factory: pytest.TempPathFactory, site_pages: list[str], request: pytest.FixtureRequest) -> dict[str, Visit]:
    """Every page visited once a run (see the module's docstring), keyed by path.

    Once a run, not once per worker: when pytest-xdist hands this module's tests to two workers,
    the second reads what the first found (``once_per_run``) instead of visiting every page again.
    """
    assert len(site_pages) >= 4 * 11

    def visit_all(folder: Path) -> None:
        session, tabs = request.getfixturevalue("session"), request.getfixturevalue("tabs")
        found = session.run(_Pass(session, tabs, AXE.exists()).all(site_pages))
        (folder / "visits.json").write_text(json.dumps({path: asdict(v) for path, v in found.items()}), encoding="utf-8")

    saved = json.loads((once_per_run(tmp_path_factory, "browser-visits", visit_all) / "visits.json").read_text("utf-8"))
    return {path: Visit(**fields) for path, fields in saved.items()}


def _problems(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The pages where something was found, each line once."""
    return {f"/{path}": list(dict.fromkeys(lines)) for path, lines in found.items() if lines}


def test_every_page_and_its_images_load_without_failed_requests(visits: dict[str, Visit]):
    problems = _problems({path: v.load for path, v in visits.items()})
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_axe_finds_nothing_serious_on_every_page_in_light_and_dark(visits: dict[str, Visit]):
    if not AXE.exists():
        _missing("axe-core", "cd tests && npm ci (make test does)")
    problems = _problems({path: [f"light: {line}" for line in v.light] + [f"dark: {line}" for line in v.dark]
                          for path, v in visits.items()})
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_phone_width_charts_are_legible_and_nothing_overflows(visits: dict[str, Visit]):
    """At 390 CSS px every chart's smallest text is at least 12 CSS px, and no page scrolls sideways."""
    problems = _problems({path: v.phone for path, v in visits.items()})
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
    assert sum(v.charts for v in visits.values()) >= 4 * 7, "charts not found on the topic pages"


async def _switch(page, lang: str) -> None:
    """Open the language menu (it opens on hover) and pick a language, as a reader does."""
    await page.locator(".md-header__option .md-select").first.hover()
    await page.locator(f'a.md-select__link[hreflang="{lang}"]').click()


def test_switcher_from_every_home_page(session: Browser, tabs: list[Tab]):
    """Each home page's switcher links to every home page, at the root and under a path. A reader
    goes round all home pages by clicking (sv → da → no → ko → sv), so each link target loads too."""

    async def round_trip(tab: Tab, base: str) -> list[str]:
        def home(code: str) -> str:
            return session.origin + base + ("" if code == LANGS[0] else f"{code}/")

        tab.problems.clear()
        found: list[str] = []
        await tab.page.goto(home(LANGS[0]))
        for code, target in zip(LANGS, LANGS[1:] + LANGS[:1]):
            links = await tab.page.eval_on_selector_all("a.md-select__link", "links => links.map(a => [a.hreflang, a.href])")
            wanted = {HTML_LANG[other]: home(other) for other in LANGS}
            if dict(links) != wanted or len(links) != len(wanted):
                found.append(f"{home(code)}: switcher links {links}, expected {wanted}")
            await _switch(tab.page, HTML_LANG[target])
            await tab.page.wait_for_url(home(target))
            lang = await tab.page.evaluate("document.documentElement.lang")
            found += [f"{home(code)} → {target}: page says lang={lang}"] if lang != HTML_LANG[target] else []
        return found + tab.problems

    async def on(tab: Tab, bases: list[str]) -> dict[str, list[str]]:
        return {base: await round_trip(tab, base) for base in bases}

    bases = ["/", SUBPATH]  # at once, on as many tabs as there are
    found = session.run(_all(on(tab, bases[i::len(tabs)]) for i, tab in enumerate(tabs)))
    assert {base: lines for part in found for base, lines in part.items()} == {base: [] for base in bases}


def test_switcher_keeps_the_page(session: Browser, tabs: list[Tab]):
    async def go() -> tuple[str, str]:
        page = tabs[0].page
        await page.goto(session.origin + SUBPATH + "topics/word-of-mouth/")
        await _switch(page, "ko")
        await page.wait_for_url("**/sub/ko/topics/word-of-mouth/")
        return page.url, await page.evaluate("document.documentElement.lang")

    url, lang = session.run(go())
    assert url.endswith("/sub/ko/topics/word-of-mouth/") and lang == "ko"


@pytest.mark.parametrize("path, lang, home", [
    ("sub/da/topics/nowhere/", "da", "sub/da/"),
    ("ko/nowhere/", "ko", "ko/"),
    ("sub/topics/gone/", "sv", "sub/"),
])
def test_404_page_speaks_the_address_language_and_links_home(session: Browser, tabs: list[Tab], path: str, lang: str,
                                                             home: str):
    async def go():
        tab = tabs[0]
        tab.problems.clear()
        response = await tab.page.goto(session.origin + "/" + path)
        shown = await tab.page.evaluate("document.documentElement.lang")
        visible = await tab.page.locator("section:not([hidden]) a.home").first.get_attribute("href")
        target = await tab.page.evaluate("href => new URL(href, location.href).href", visible)
        reached = await tab.context.request.get(target)
        return response.status, shown, target, reached.status, [f for f in tab.problems if not f.startswith("404 ")]

    status, shown, target, reached, failures = session.run(go())
    assert status == 404 and shown == HTML_LANG[lang]
    assert target == f"{session.origin}/{home}" and reached == 200
    assert failures == []


def test_korean_search_finds_korean_pages_only(session: Browser):
    async def go() -> list[str]:
        page = await session.browser.new_page()  # a page of its own: the tabs leave search out
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
