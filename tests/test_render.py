"""Render-stage units: escaping, links between pages, the prose lint."""

from __future__ import annotations

import html

import markdown
import pytest

from digest.render import _page_dir, esc, lint_prose


@pytest.mark.parametrize("text", ["American Express' figures", "<script>alert(1)</script>", "**bold** _x_ [a](b)",
                                  "{{ config }} {% raw %}", "a & b; &#x27; #1", "`code` | ~x~ ^y^ =z= :smile:"])
def test_escaped_text_survives_markdown_unchanged(text: str):
    rendered = markdown.markdown(f"<p>{esc(text)}</p>", extensions=["attr_list", "toc"])
    assert html.unescape(rendered.removeprefix("<p>").removesuffix("</p>")) == text
    assert "<script" not in rendered and "<strong>" not in rendered and "<a " not in rendered


def test_page_directories_follow_directory_urls():
    assert _page_dir("index.md") == ""
    assert _page_dir("topics/word-of-mouth.md") == "topics/word-of-mouth"
    assert _page_dir("about.md") == "about"


def test_lint_names_each_problem_with_its_line():
    text = "# Title\n\n1. fine list item\nWe saw 81 % growth.\n<b>x</b>\n[x](javascript:alert(1))\n[[stat oops\n"
    found = [(p.line, p.field) for p in lint_prose(text, "content/sv/x.md")]
    assert found == [(4, "number"), (5, "html"), (6, "link"), (7, "shortcode")]
