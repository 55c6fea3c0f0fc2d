"""Citations a reader can paste: text in the page's language, BibTeX, and CSL-JSON (what Zotero imports).

A figure's citation names the digest, the figure (its sentence, as the page shows
it), the producer and year of the survey, the intermediary article through which
we know it, the figure's permanent link, and the date the data was last changed
(our "accessed" date: the figure cannot have been read in this form before it).
A source's citation is the same without a figure. Everything is plain text here;
the templates escape it.

When the site's address is not known (a local build), the link is relative to the
page and the citation says so, rather than inventing an address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from .export import plain_sentence
from .format import unknown_or, year_text
from .load import Dataset
from .messages import N_
from .model import UNKNOWN, Source, Statistic
from .translate import Translator

FIGURE_CITATION = N_("{digest}: “{figure}” {url} (accessed {accessed}). Source: {source}. Via: {via}.")
SOURCE_CITATION = N_("{source}. Via: {via}. Listed in {digest}: {url} (accessed {accessed}).")
QUOTED_TITLE = N_("“{title}”")
RELATIVE_LINK = N_("a link relative to this page: the site's address was not known when it was built")


@dataclass(frozen=True)
class Citation:
    """One thing to cite, in three forms."""

    text: str
    bibtex: str
    csl_json: str


def _source_text(source: Source, tr: Translator) -> str:
    parts = [unknown_or(source.producer, tr, translate=False).value]
    if source.title != UNKNOWN:
        parts.append(tr.text(QUOTED_TITLE).value.format(title=source.title))
    parts.append(year_text(source.year_published, tr).value)
    if source.url != UNKNOWN:
        parts.append(source.url)
    return ", ".join(parts)


def _via_text(source: Source, dataset: Dataset, tr: Translator) -> str:
    articles = []
    for article in (dataset.articles[i] for i in source.via):
        title = unknown_or(article.title, tr, translate=False).value
        publisher = unknown_or(article.publisher, tr, translate=False).value
        url = f", {article.url}" if article.url != UNKNOWN else ""
        articles.append(f"{title} ({publisher}{url})")
    return "; ".join(articles)


def _url_text(url: str, relative: bool, tr: Translator) -> str:
    return f"{url} ({tr.text(RELATIVE_LINK).value})" if relative else url


def cite_figure(stat: Statistic, dataset: Dataset, tr: Translator, url: str, relative: bool, accessed: date,
                digest: str) -> Citation:
    """How to cite one figure of the digest."""
    source = dataset.sources[stat.source]
    figure = plain_sentence(stat, dataset, tr)
    text = tr.text(FIGURE_CITATION).value.format(
        digest=digest, figure=figure, url=_url_text(url, relative, tr), accessed=_date(accessed, tr),
        source=_source_text(source, tr), via=_via_text(source, dataset, tr))
    note = f"Source: {_source_text(source, tr)}. Via: {_via_text(source, dataset, tr)}."
    return Citation(text, _bibtex(stat.id, figure, source, digest, url, accessed, note, tr),
                    _csl(stat.id, "dataset", figure, source, digest, url, accessed, note, tr))


def cite_source(source: Source, dataset: Dataset, tr: Translator, url: str, relative: bool, accessed: date,
                digest: str) -> Citation:
    """How to cite a survey as the digest lists it."""
    text = tr.text(SOURCE_CITATION).value.format(
        source=_source_text(source, tr), via=_via_text(source, dataset, tr), digest=digest,
        url=_url_text(url, relative, tr), accessed=_date(accessed, tr))
    title = source.title if source.title != UNKNOWN else unknown_or(source.producer, tr, translate=False).value
    note = f"Via: {_via_text(source, dataset, tr)}. Listed in {digest}."
    return Citation(text, _bibtex(f"source-{source.id}", title, source, digest, url, accessed, note, tr, entry="report"),
                    _csl(f"source-{source.id}", "report", title, source, digest, url, accessed, note, tr))


def _date(day: date, tr: Translator) -> str:
    return format_date(day, format="long", locale=tr.lang.locale)


_BIBTEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                                                        "\\": r"\textbackslash{}"}


def bibtex_escape(text: str) -> str:
    """Text safe inside a BibTeX field: LaTeX's special characters escaped, so braces always balance."""
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in text)


def _bibtex(key: str, title: str, source: Source, digest: str, url: str, accessed: date, note: str,
            tr: Translator, entry: str = "misc") -> str:
    fields = [("title", bibtex_escape(title))]
    if source.producer != UNKNOWN:
        fields.append(("author", "{" + bibtex_escape(source.producer) + "}"))  # an organisation: one name
    if isinstance(source.year_published, int):
        fields.append(("year", str(source.year_published)))
    if entry == "report" and source.producer != UNKNOWN:
        fields.append(("institution", bibtex_escape(source.producer)))
    fields += [("howpublished", bibtex_escape(digest)), ("url", bibtex_escape(url)),
               ("urldate", accessed.isoformat()), ("note", bibtex_escape(note)),
               ("langid", tr.lang.locale.replace("_", "-"))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{key},\n{body}\n}}"


def _csl(key: str, kind: str, title: str, source: Source, digest: str, url: str, accessed: date, note: str,
         tr: Translator) -> str:
    item: dict = {"id": key, "type": kind, "title": title, "container-title": digest, "URL": url,
                  "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
                  "note": note, "language": tr.lang.locale.replace("_", "-")}
    if source.producer != UNKNOWN:
        item["author"] = [{"literal": source.producer}]
        item["publisher"] = source.producer
    if isinstance(source.year_published, int):
        item["issued"] = {"date-parts": [[source.year_published]]}
    return json.dumps([item], ensure_ascii=False, indent=1, sort_keys=True)
