"""Stage 0, allowlist: what is actually published is checked against an allowlist of HTML.

Linting Markdown with regular expressions cannot see everything a browser will run
(a link target holding ``<img onerror>``, a front-matter title MkDocs puts in the
navigation unescaped, a reference definition inside a blockquote). So every page's
rendered HTML is parsed as a browser parses it (html5lib implements the WHATWG
parsing algorithm, foreign SVG content included) and every element, attribute and
URL is checked against what our templates and the Markdown we allow legitimately
produce. Anything else fails the build, naming the page and the element.

The rules, and why:

- **elements**: text structure, tables, figures, Material's navigation and search
  form, and inline SVG icons (``svg``/``path``/``g`` and simple shapes only). Never
  ``iframe``, ``object``, ``embed``, ``base``, ``style``, ``noscript``, SVG ``use``,
  ``foreignObject``, ``animate``/``set``.
- **attributes**: a short global set (class, id, title, lang, dir, role, hidden,
  tabindex, ``aria-*``, Material's ``data-md-*``, our own ``data-digest-*``) plus a few per element. No ``on*``
  handler and no ``style`` anywhere (except Markdown's table alignment on cells),
  no ``http-equiv``, no ``formaction``.
- **URLs** (``href``, ``src``, ``action``, ...): relative, fragment, ``http``/``https``,
  and ``mailto`` on links only — decided as a browser would, after removing the
  whitespace and control characters browsers ignore. Stylesheets and scripts must be
  relative (ours).
- **scripts**: ``src`` only under ``assets/javascripts/``; ``type`` only
  ``application/json`` or ``application/ld+json`` with content that parses as JSON; an
  inline script only if its text is one of :data:`INLINE_SCRIPTS` (Material's and
  ``overrides/main.html``'s, by hash, with path-like string literals blanked since the
  base URL differs per page). A theme upgrade that changes them fails loudly, naming
  the new hash, rather than silently allowing new code.

Call :func:`check_page` per page (the plugin does, in ``on_post_page``) or
:func:`check_folder` over a finished site (which also checks standalone SVG files,
which run script when opened directly). :func:`check_prose` is the same check on a
page's hand-written Markdown alone, for ``validate`` (the lint stage), so that what
``validate`` passes the build does not then refuse: shortcodes are left out (their
HTML comes from autoescaped templates, and the built page is checked anyway), and the
title is placed raw in a navigation link, as the theme places it.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree

import html5lib

from .problems import Problem

SVG = "{http://www.w3.org/2000/svg}"
XMLNS = "{http://www.w3.org/2000/xmlns/}"
XLINK = "{http://www.w3.org/1999/xlink}"

ELEMENTS = frozenset("""
html head body title meta link script main header footer nav article section aside div span p a
h1 h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote pre code em strong b i small sub sup abbr kbd mark del ins s q cite
br hr img figure figcaption table thead tbody tfoot tr th td caption colgroup col details summary time
form input label button
""".split())
SVG_ELEMENTS = frozenset(SVG + n for n in "svg path g circle rect line polyline polygon ellipse title desc".split())

# data-search-exclude: Material's documented way to keep an element out of the search index.
GLOBAL_ATTRIBUTES = frozenset("class id title lang dir role hidden tabindex data-search-exclude".split())
ATTRIBUTES: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    "a": "href hreflang rel target download",
    "img": "src alt width height loading decoding",
    "link": "href hreflang rel",
    "meta": "charset content name",
    "script": "src type id",
    "input": "type name checked placeholder required autocomplete autocapitalize autocorrect spellcheck",
    "label": "for",
    "button": "type",
    "form": "name",
    "th": "scope colspan rowspan style",
    "td": "colspan rowspan style",
    "time": "datetime",
    "ol": "start",
    "details": "open",
    "body": "",
    "html": "",
    SVG + "svg": f"viewBox {XMLNS}xmlns width height fill aria-hidden focusable",
    SVG + "path": "d fill fill-rule clip-rule transform",
    SVG + "g": "fill transform",
    SVG + "circle": "cx cy r fill",
    SVG + "rect": "x y width height rx ry fill",
    SVG + "line": "x1 y1 x2 y2 stroke",
    SVG + "polyline": "points fill stroke",
    SVG + "polygon": "points fill stroke",
    SVG + "ellipse": "cx cy rx ry fill",
}.items()}
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "cite", "poster", "data", "srcset",
                            XLINK + "href", "background", "ping"})
ALLOWED_SCHEMES = {"a": {"http", "https", "mailto"}, "img": {"http", "https"}}
INPUT_TYPES = frozenset({"checkbox", "radio", "text", "search"})
LINK_RELS_EXTERNAL = frozenset({"canonical", "alternate"})
CELL_STYLE = re.compile(r"^\s*text-align:\s*(left|right|center)\s*;?\s*$")
SCRIPT_SRC = re.compile(r"^(?:/[\w.-]+)*/?(?:\.\./)*(?:\./)?assets/javascripts/[\w./-]+\.js$")
JSON_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})
_PATH_LITERAL = re.compile(r'"[\w./-]*"')

# sha256 of each allowed inline script, after _PATH_LITERAL strings are blanked (see the docstring).
INLINE_SCRIPTS: dict[str, str] = {
    "236a3d4e2f7e2c53f1d4fa04e431adcbd8a9b407b9d409976c884157dffcb6d3": "Material base.html: __md_scope and storage helpers",
    "5bcde5cd1e6e054b0994c1a09e8fa8a54f2f4fcab2446ded139dba3da268800f": "Material base.html: colour palette",
    "ce44b8b7494dbe92c40e7d707a8c0d6f2815ecb0948371f227b6c51c02e34f5f": "Material base.html: scroll to the target",
    "017b62709b880ce1b5263b0b7de0833ba66d6e7407f836e5019d5c341c25a4bf": "overrides/main.html: per-language search base",
    "b89c147979ae47403b4139920c7a007a33c5e1b1c10049408221aa09c98b7465": "engine theme 404.html: the reader's language and home",
}


def script_hash(text: str) -> str:
    return hashlib.sha256(_PATH_LITERAL.sub('""', text).encode("utf-8")).hexdigest()


def check_page(html: str | bytes, page: str, style_element: bool = False) -> list[Problem]:
    """Every element, attribute, URL or script of one page outside the allowlist.

    ``style_element``: allow ``<style>`` with CSS that fetches nothing (no ``url()``,
    ``@import``, escapes): only for the 404 page, which is served at any depth and so
    cannot link a stylesheet relatively.
    """
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    return [Problem(page, None, None, None, f"published HTML not allowed: {what}")
            for what in _violations(document, style_element)]


def passed_before(data: bytes, cache_dir: Path | None, kind: str) -> Path | None:
    """The marker for bytes these very rules already passed; None when there is none yet (or no cache).

    The marker is an empty file named by the hash of the bytes, of ``kind`` and of this
    module's code: it can only say "these exact bytes passed these exact rules", so it
    cannot be forged into passing anything else.
    """
    if cache_dir is None:
        return None
    key = hashlib.sha256(_RULES_KEY + b"\0" + kind.encode() + b"\0" + data).hexdigest()
    return cache_dir / kind / key[:2] / key


def _mark_passed(marker: Path | None) -> None:
    if marker is not None:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()


def check_page_once(html: str | bytes, page: str, cache_dir: Path, style_element: bool = False) -> list[Problem]:
    """:func:`check_page`, skipped for HTML this very allowlist already found clean.

    A warm build publishes the same bytes as the last one, and parsing every page as a
    browser does is the costliest step of a build (see :func:`passed_before`).
    """
    data = html.encode("utf-8") if isinstance(html, str) else html
    marker = passed_before(data, cache_dir, "page-style" if style_element else "page")
    if marker is not None and marker.is_file():
        return []
    problems = check_page(data, page, style_element)
    if not problems:
        _mark_passed(marker)
    return problems


_RULES_KEY = hashlib.sha256(Path(__file__).read_bytes()).digest()


_FETCHING_CSS = re.compile(r"url\(|@import|image-set|expression|\\", re.IGNORECASE)


def _violations(document: ElementTree.Element, style_element: bool = False) -> Iterator[str]:
    for element in document.iter():
        tag = element.tag
        if not isinstance(tag, str):  # comments
            continue
        name = tag.removeprefix(SVG) if tag.startswith(SVG) else tag
        if tag == "style" and style_element and not element.attrib:
            if _FETCHING_CSS.search(element.text or ""):
                yield "<style> that fetches (url(), @import or an escape)"
            continue
        if tag not in ELEMENTS and tag not in SVG_ELEMENTS:
            yield f"element <{_short(name)}>"
            continue
        allowed = GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, frozenset())
        for attribute, value in element.attrib.items():
            yield from _attribute_violations(tag, name, attribute, value, allowed)
        if tag == "script":
            yield from _script_violations(element)
        if tag == "input" and element.get("type", "text") not in INPUT_TYPES:
            yield f"<input type={_short(element.get('type', ''))!r}>"
        if tag == "link" and _scheme(element.get("href", "")) and not (
                set(element.get("rel", "").split()) & LINK_RELS_EXTERNAL):
            yield f"<link rel={_short(element.get('rel', ''))!r}> to another site"


def _attribute_violations(tag: str, name: str, attribute: str, value: str, allowed: frozenset[str]) -> Iterator[str]:
    plain = attribute.split("}")[-1]
    if attribute.lower().startswith("on") or plain.lower().startswith("on"):
        yield f"event handler {_short(plain)}= on <{_short(name)}>"
        return
    if not (attribute in allowed or plain.startswith("aria-") or plain.startswith("data-md-")
            or plain.startswith("data-digest-")):
        yield f"attribute {_short(plain)}= on <{_short(name)}>"
        return
    if attribute == "style" and not CELL_STYLE.match(value):
        yield f"style={_short(value)!r} on <{name}>"
    if attribute in URL_ATTRIBUTES:
        scheme = _scheme(value)
        if scheme and scheme not in ALLOWED_SCHEMES.get(tag, {"http", "https"}):
            yield f"{scheme}: URL in {plain}= on <{_short(name)}>"
    if tag == "a" and attribute == "target" and value not in ("_blank", "_self"):
        yield f"target={_short(value)!r} on <a>"


def _script_violations(script: ElementTree.Element) -> Iterator[str]:
    src, kind, text = script.get("src"), script.get("type"), script.text or ""
    if src is not None:
        if not SCRIPT_SRC.match(src) or text.strip():
            yield f"<script src={_short(src)!r}> (only assets/javascripts/, empty)"
    elif kind is not None:
        if kind not in JSON_SCRIPT_TYPES:
            yield f"<script type={_short(kind)!r}>"
        else:
            try:
                json.loads(text)
            except ValueError:
                yield f"<script type={kind!r}> whose content is not JSON"
    elif script_hash(text) not in INLINE_SCRIPTS:
        yield f"inline <script> not in the allowlist (sha256 {script_hash(text)}: {_short(text)!r})"


_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")


def _scheme(url: str) -> str | None:
    """The scheme a browser would see: control characters and whitespace do not hide one."""
    cleaned = _IGNORED_IN_URLS.sub("", url)
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    if match:
        return match.group(1).lower()
    return "(network-path)" if cleaned.startswith(("//", "\\\\", "/\\", "\\/")) else None


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


# --- a finished folder --------------------------------------------------------------

SVG_FILE_FORBIDDEN = frozenset({"script", "foreignObject", "animate", "set", "animateTransform", "animateMotion",
                                "iframe", "object", "embed", "a", "image", "feImage"})


def check_folder(site: Path) -> list[Problem]:
    """Every page (``*.html``) and standalone SVG of a built site."""
    problems: list[Problem] = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            problems += check_page(path.read_bytes(), rel, style_element=rel == "404.html")
        elif path.suffix == ".svg":
            problems += check_svg(path.read_bytes(), rel)
    return problems


def check_svg(data: bytes, shown: str) -> list[Problem]:
    """A standalone SVG runs script when opened directly: no script, handler, external link or DTD."""
    if b"<!ENTITY" in data or re.search(rb"<!DOCTYPE[^>]*\[", data):  # matplotlib's plain DOCTYPE is fine
        return [Problem(shown, None, None, None, "SVG with an internal DTD or entities is not allowed")]
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        return [Problem(shown, None, None, None, f"SVG does not parse: {err}")]
    problems = []
    for element in root.iter():
        name = str(element.tag).split("}")[-1]
        if name in SVG_FILE_FORBIDDEN:
            problems.append(f"element <{name}>")
        for attribute, value in element.attrib.items():
            plain = attribute.split("}")[-1]
            if plain.lower().startswith("on"):
                problems.append(f"event handler {plain}=")
            elif plain == "href" and not value.startswith("#"):
                problems.append(f"link {_short(value)!r}")
    return [Problem(shown, None, None, None, f"published SVG not allowed: {what}") for what in problems]


# --- a page's prose, before the build ---------------------------------------------------

PREVIEW_EXTENSIONS = ("toc", "admonition", "tables", "fenced_code")  # mkdocs.yml's, and MkDocs' defaults
_SHORTCODE = re.compile(r"\[\[[^\]]*\]\]")
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_TITLE_LINE = re.compile(r"^title:\s*(.*)$", re.MULTILINE | re.IGNORECASE)


def check_prose(markdown_text: str, shown: str, cache_dir: Path | None = None) -> tuple[Problem, ...]:
    """:func:`_check_prose`, skipped for prose these rules already passed (``cache_dir``: the markers)."""
    marker = passed_before(markdown_text.encode("utf-8"), cache_dir, "prose")
    if marker is not None and marker.is_file():
        return ()
    problems = _check_prose(markdown_text, shown)
    if not problems:
        _mark_passed(marker)
    return problems


@functools.lru_cache(maxsize=4096)
def _check_prose(markdown_text: str, shown: str) -> tuple[Problem, ...]:
    """The allowlist on one page's prose rendered as MkDocs renders it (cached: pages rarely change)."""
    import markdown

    front = _FRONT_MATTER.match(markdown_text)
    body = markdown_text[front.end():] if front else markdown_text
    titles = _TITLE_LINE.findall(front.group(1)) if front else []
    rendered = markdown.markdown(_SHORTCODE.sub("x", body), extensions=list(PREVIEW_EXTENSIONS))
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", rendered, re.DOTALL)
    if heading:  # MkDocs takes the first heading's text, unescaped, as the title
        titles.append(html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))))
    nav = "".join(f'<a href="./">{title}</a>' for title in titles)
    return tuple(check_page(f"<!doctype html><title>x</title><nav>{nav}</nav><article>{rendered}</article>", shown))
