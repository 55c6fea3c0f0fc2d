"""Stage 5, render: shortcodes in a page's Markdown → HTML, through the Markdown extension API.

:class:`Renderer` is one language's view of the data for the handlers in
:mod:`digest.shortcodes`: translator, links between pages, and the Jinja
templates (autoescaped; a digest overrides any of them by putting a file of the
same name in ``site_config/overrides/digest/``). :class:`ShortcodeExtension`
puts each shortcode's HTML into Markdown's ``htmlStash``, so Markdown never
re-reads generated HTML as Markdown: data and translations cannot become markup.

Pages are linted before (:mod:`digest.lint`), once per build; rendering trusts
what validation passed.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

from babel import Locale
from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment
from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markupsafe import Markup, escape

from .catalogs import StatusReport
from .chart import Chart
from .config import DigestConfig
from .load import Dataset
from .shortcodes import REGISTRY, SHORTCODE, Labels, PageContext
from .translate import Text, Translator

TEMPLATES = Path(__file__).parent / "templates"
OVERRIDES = Path("site_config") / "overrides" / "digest"  # under the project root


def template_environment(root: Path | None = None, cache_dir: Path | None = None) -> SandboxedEnvironment:
    """Jinja for shortcode HTML: autoescaped, sandboxed, a project's overrides before the package's templates.

    With ``cache_dir``, compiled templates are kept there (Jinja's bytecode cache, checked
    against each template's source), so a build does not compile them again.
    """
    folders = ([str(root / OVERRIDES)] if root is not None and (root / OVERRIDES).is_dir() else []) + [str(TEMPLATES)]
    return SandboxedEnvironment(loader=ChoiceLoader([FileSystemLoader(f) for f in folders]), autoescape=True,
                                undefined=StrictUndefined, keep_trailing_newline=False,
                                bytecode_cache=bytecode_cache(cache_dir) if cache_dir is not None else None)


def bytecode_cache(folder: Path) -> FileSystemBytecodeCache:
    """Compiled Jinja templates in ``folder``; an entry is used only while its template's source is unchanged."""
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


class Fallback(NamedTuple):
    """Untranslated text's language (for ``lang``) and the note saying so, in the reader's language."""

    lang: str
    title: str


@dataclass
class Renderer:
    """One language's view of the data for shortcode handlers; holds the stages' results, computes nothing twice."""

    dataset: Dataset
    config: DigestConfig
    translator: Translator
    charts: Mapping[str, Chart]  # by chart id, this language's
    updated: date
    status: StatusReport | None = None
    environment: SandboxedEnvironment = field(default_factory=template_environment)
    _templates: dict[str, Template] = field(default_factory=dict, init=False)
    _fallbacks: dict[str, Fallback] = field(default_factory=dict, init=False)
    # Each shortcode's HTML per page: a rebuild with unchanged inputs (``mkdocs serve``) renders nothing again.
    _expanded: dict[tuple[str, str | None, PageContext], str] = field(default_factory=dict, init=False)

    # --- what handlers call -------------------------------------------------------
    def template(self, name: str, **values: Any) -> Markup:
        """HTML of a template, with the helpers every template uses (t, text, show, L, fallback)."""
        if name not in self._templates:
            self._templates[name] = self.environment.get_template(name)
        helpers = {"t": self.t, "text": self.text, "show": self.show, "L": Labels, "fallback": self.fallback()}
        return Markup(self._templates[name].render({**helpers, **values}))

    def text(self, message: str) -> str:
        """A message's translation as plain text (for attributes, where no markup may go)."""
        return self.translator.text(message).value

    def t(self, message: str) -> Markup:
        """A message's translation, marked when it fell back to its untranslated original."""
        return self.show(self.translator.text(message))

    def fallback(self, lang: str = "") -> Fallback:
        """How untranslated text written in ``lang`` (default: the dataset's source language) is marked:
        its ``lang`` attribute and a note naming that language in the reader's."""
        lang = lang or self.config.source_language
        if lang not in self._fallbacks:
            name = Locale.parse(self.translator.lang.locale).languages.get(lang, lang)
            self._fallbacks[lang] = Fallback(lang, self.text(Labels.NOT_TRANSLATED_TITLE).format(language=name))
        return self._fallbacks[lang]

    def show(self, text: Text) -> Markup:
        """Escaped text; a fallback to the untranslated original is marked (in its language) so the reader sees it."""
        if not text.fallback:
            return escape(text.value)
        return self.template("_untranslated.html", value=text.value, fallback=self.fallback(text.lang))

    def link(self, page: PageContext, target_page: str, anchor: str = "") -> str:
        """Relative URL from the current page to another page of the same language."""
        rel = posixpath.relpath(page_dir(target_page) or ".", page_dir(page.path) or ".")
        url = "./" if rel == "." else rel + "/"
        return url + (f"#{anchor}" if anchor else "")

    def absolute(self, page: PageContext, target_page: str, anchor: str = "") -> str:
        """Published URL of a page of this language, for citations and JSON-LD, as used on ``page``;
        relative to ``page`` when the site's address is not known (a local build)."""
        if not self.config.site_url:
            return self.link(page, target_page, anchor)
        code = self.translator.lang.code
        prefix = "" if code == self.config.default.code else f"{code}/"
        folder = page_dir(target_page)
        return self.config.site_url + prefix + folder + ("/" if folder else "") + (f"#{anchor}" if anchor else "")

    # --- entry points ---------------------------------------------------------------
    def expand(self, name: str, arg: str | None, page: PageContext) -> str:
        """The HTML of one shortcode on one page, rendered once per renderer (that is, per set of inputs)."""
        key = (name, arg, page)
        if key not in self._expanded:
            self._expanded[key] = REGISTRY[name].handler(self, arg, page)
        return self._expanded[key]

    def to_html(self, markdown: str, page: PageContext, extensions: list[Any] | None = None) -> str:
        """A whole page as HTML (for tests and tools; MkDocs uses the extension with its own Markdown)."""
        extension = ShortcodeExtension(lambda name, arg: self.expand(name, arg, page))
        return Markdown(extensions=[*(extensions or []), extension]).convert(markdown)


def page_dir(path: str) -> str:
    """Directory URL of a page under use_directory_urls: topics/x.md → topics/x, index.md → ''."""
    stem = path[:-3] if path.endswith(".md") else path
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return stem


# --- the Markdown extension --------------------------------------------------------

Expand = Callable[[str, "str | None"], str]  # (name, argument) → HTML, for the page being converted
_BLOCK_LINE = re.compile(r"^\s*" + SHORTCODE.pattern + r"\s*$")


class ShortcodeExtension(Extension):
    """Block shortcodes become raw HTML blocks, inline ones raw inline HTML, both via ``md.htmlStash``."""

    def __init__(self, expand: Expand):
        super().__init__()
        self.expand = expand

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.register(_BlockShortcodes(md, self.expand), "digest-block-shortcodes", 25)
        # After backticks (190) and escapes (180): `[[stat x]]` in code stays literal.
        md.inlinePatterns.register(_InlineShortcode(SHORTCODE.pattern, md, self.expand), "digest-shortcodes", 175)


class _BlockShortcodes(Preprocessor):
    """A line that is only a block shortcode becomes a stashed HTML block, a paragraph of its own."""

    def __init__(self, md: Markdown, expand: Expand):
        super().__init__(md)
        self.expand = expand

    def run(self, lines: list[str]) -> list[str]:
        out = []
        last_text = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
        for index, line in enumerate(lines):
            match = _BLOCK_LINE.match(line)
            shortcode = REGISTRY.get(match.group(1)) if match else None
            if match is None or shortcode is None or not shortcode.block:
                out.append(line)
                continue
            html = self.expand(match.group(1), match.group(2))
            # A blank line after the block when text follows, as Markdown writes a raw HTML block.
            if index < last_text:
                html += "\n"
            out += ["", self.md.htmlStash.store(html), ""]
        return out


class _InlineShortcode(InlineProcessor):
    """An inline shortcode becomes a placeholder for its stashed HTML."""

    def __init__(self, pattern: str, md: Markdown, expand: Expand):
        super().__init__(pattern, md)
        self.expand = expand

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str | None, int | None, int | None]:  # noqa: N802
        shortcode = REGISTRY.get(m.group(1))
        if shortcode is None or shortcode.block:
            return None, None, None
        return self.md.htmlStash.store(self.expand(m.group(1), m.group(2))), m.start(0), m.end(0)
