"""Engine tests on the fixture digest: the site a declaration gives, in languages that are not this digest's.

The fixture (tests/fixtures/digest) declares Finnish (default, site root) and English
(the source language of its dataset). Everything here is read from its config and
dataset; nothing names this digest's languages, topics or figures.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DIGEST, LANGS, ROOT, build_in_process, cli_in_process, copy_project, make_renderer
from digest.config import load_config
from digest.load import load_dataset
from digest.problems import InputError

CONFIG = load_config(DIGEST)
DATASET = load_dataset(DIGEST / "stats", CONFIG.quotes.required)
DEFAULT, OTHER = LANGS  # fi at the root, en in en/
MARK = 'class="digest-untranslated"'


@pytest.fixture
def site(built_site: Path) -> Path:
    """The fixture digest built once for the session (strict, in process)."""
    return built_site


def page(site: Path, lang: str, path: str = "") -> str:
    base = site if lang == DEFAULT else site / lang
    return (base / path / "index.html").read_text(encoding="utf-8")


def test_every_declared_language_is_built_where_the_declaration_says(site: Path):
    for lang in CONFIG.languages:
        home = page(site, lang.code)
        assert f'<html lang="{lang.code}"' in home or f'lang="{lang.language}"' in home
        assert re.search(rf"<title>([^<]* - )?{re.escape(lang.site_name)}</title>", home)
        assert (site if lang.code == DEFAULT else site / lang.code).joinpath("search", "search_index.json").exists()
    assert not (site / DEFAULT).exists()  # the default language is the root, not a folder


def test_the_navigation_follows_topic_order_and_declared_pages(site: Path):
    html = page(site, OTHER)
    nav = html[html.index('class="md-nav md-nav--primary"'):]
    links = re.findall(r'<a href="([^"]+)"[^>]*class="md-nav__link', nav)
    topics = [t.id for t in DATASET.topics_in_order]
    positions = [next(i for i, href in enumerate(links) if f"topics/{t}/" in href) for t in topics]
    assert positions == sorted(positions) and topics == ["sleep", "commuting"]  # `order`, not file order
    assert any(href.endswith("sources/") for href in links) and any(href.endswith("about/") for href in links)


def test_every_topic_has_a_page_with_its_chart_in_every_language_written_or_not(site: Path):
    for code in LANGS:
        for topic in DATASET.topics_in_order:
            html = page(site, code, f"topics/{topic.id}")
            assert re.search(rf'<img src="[./]*charts/{topic.id}-[0-9a-f]{{8}}\.svg"', html), (code, topic.id)
            for stat in DATASET.statistics_of(topic.id):
                assert f'id="{stat.id}"' in html, (code, stat.id)
    assert "Useimmat aikuiset nukkuvat hyvin" in page(site, DEFAULT, "topics/sleep")  # hand-written wins
    assert "Useimmat" not in page(site, OTHER, "topics/sleep")  # generated where none is written


def test_the_source_language_is_complete_by_definition(site: Path):
    """English speaks the dataset's and the interface's language: no catalog, no mark anywhere."""
    assert not (DIGEST / "content" / OTHER / "LC_MESSAGES").exists()
    for path in sorted((site / OTHER).rglob("index.html")):
        assert MARK not in path.read_text(encoding="utf-8"), path


def test_untranslated_text_is_marked_in_prose_tables_alt_text_and_navigation(site: Path):
    html = page(site, DEFAULT, "topics/commuting")  # nothing of this topic is translated
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert MARK in heading and "Commuting" in heading
    table = re.search(r"<table>.*?</table>", html, re.S).group(0)
    assert table.count(MARK) >= len(DATASET.statistics_of("commuting"))  # every untranslated label cell
    alt = re.search(r'<img src="[^"]*commuting[^"]*" [^>]*alt="([^"]*)"', html).group(1)
    assert "Bus commute compared with car *" in alt and alt.endswith("(* ei vielä käännetty)")
    assert "Commuting (ei vielä käännetty)" in html  # the navigation holds no markup: words instead
    translated = page(site, DEFAULT, "topics/sleep")
    assert "Nukkuu hyvin useimpina öinä" in translated and re.search(r">\s*Aiheet\s*<", translated)


def test_chart_text_that_is_not_translated_carries_a_star_and_a_footnote(site: Path, inputs):  # noqa: ANN001
    svg_names = sorted(p.name for p in (site / "charts").glob("*.svg"))
    commuting = next(n for n in svg_names if n.startswith("commuting-"))
    sleep_en = next(p for p in (site / OTHER / "charts").glob("sleep-*.svg"))
    # Text is drawn as paths, so look at the specs the chart stage draws from (for the same inputs).
    from digest.chart import plan_charts

    specs = {(p.spec.lang, p.spec.chart_id): p.spec for p in plan_charts(inputs.dataset, inputs.translators)}
    # ... and those are the very specs the build drew: each file is named by its spec's content hash.
    for (lang, chart_id), spec in specs.items():
        folder = site / "charts" if lang == DEFAULT else site / lang / "charts"
        assert (folder / f"{chart_id}-{spec.key()[:8]}.svg").exists(), (lang, chart_id)
    fi = specs[(DEFAULT, "commuting")]
    assert fi.title.endswith(" *") and fi.source_line.endswith("\n* ei vielä käännetty")
    assert all(row.label.endswith(" *") for panel in fi.panels for row in panel.rows)
    en = specs[(OTHER, "sleep")]
    assert "*" not in en.title + en.source_line and commuting and sleep_en.exists()
    assert specs[(DEFAULT, "sleep")].title == "Miten hyvin ihmiset nukkuvat"


def test_units_are_written_by_babel_and_the_digests_own_unit_by_the_catalog(site: Path):
    fi, en = page(site, DEFAULT, "topics/sleep"), page(site, OTHER, "topics/sleep")
    assert "54 minuuttia" in fi and "54 minutes" in en
    assert "4 yötä" in fi and "4 nights" in en
    from babel.numbers import format_percent

    for html, lang in ((fi, CONFIG.language(DEFAULT)), (en, CONFIG.language(OTHER))):
        assert format_percent(1, locale=lang.locale).replace("100", "20–30") in html


def test_the_json_ld_and_licence_come_from_the_declaration(site: Path):
    about = page(site, OTHER, "about")
    assert f'"name": "{CONFIG.dataset.name}"' in about and f'"license": "{CONFIG.licence.url}"' in about
    assert f'<a href="{CONFIG.licence.url}" rel="license">{CONFIG.licence.name}</a>' in about


# --- disagreements are errors at validate ----------------------------------------------------

def _problems(root: Path) -> list[str]:
    from digest.lint import validate

    with pytest.raises(InputError) as err:
        validate(root, root / ".cache")
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize("addition, field", [
    ("nav:\n  - index.md\n", "nav"),
    ("site_url: https://example.org/other/\n", "site_url"),
])
def test_mkdocs_yml_cannot_declare_what_the_digest_declares(tmp_path: Path, addition: str, field: str):
    root = copy_project(tmp_path / "digest")
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text(encoding="utf-8") + addition, encoding="utf-8")
    [problem] = _problems(root)
    assert problem.startswith("mkdocs.yml:") and f"field={field}: remove `{field}`" in problem


def test_an_i18n_plugin_in_mkdocs_yml_is_refused(tmp_path: Path):
    root = copy_project(tmp_path / "digest")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(text.replace("  - search\n", "  - search\n  - i18n:\n      languages: []\n"),
                                     encoding="utf-8")
    [problem] = _problems(root)
    assert "field=plugins.i18n: remove `i18n`" in problem


def test_a_content_folder_of_an_undeclared_language_is_an_error(tmp_path: Path):
    root = copy_project(tmp_path / "digest")
    undeclared = "de"
    assert undeclared not in LANGS
    shutil.copytree(root / "content" / OTHER, root / "content" / undeclared)
    assert any(p.startswith(f"content/{undeclared}: error: no language '{undeclared}' in site_config/digest.yaml")
               for p in _problems(root))


def test_a_declared_language_without_its_pages_is_an_error(tmp_path: Path):
    root = copy_project(tmp_path / "digest")
    (root / "content" / OTHER / "about.md").unlink()
    assert _problems(root) == [f"content/{OTHER}/about.md: error: page is missing; every language has the pages "
                               "listed in `pages` of site_config/digest.yaml"]


def test_a_shortcode_with_nothing_to_render_is_an_error_at_validate(tmp_path: Path):
    root = copy_project(tmp_path / "digest")
    stats = root / "stats" / "statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8").replace("  headline: true\n", ""), encoding="utf-8")
    problems = _problems(root)
    assert any("field=chart: nothing to draw: no headline figure" in p and p.startswith(f"content/{DEFAULT}/index.md:")
               for p in problems)
    assert any("field=headlines: nothing to show: no figure has `headline: true`" in p for p in problems)


# --- a new digest, as a stranger starts one ---------------------------------------------------------

def _digest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "scripts"), "HOME": str(cwd),
           "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    return subprocess.run([sys.executable, "-m", "digest.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_digest_new_then_build_works_at_once_without_a_warning(tmp_path: Path, drawing_ready: None,
                                                               caplog: pytest.LogCaptureFixture):
    """As a stranger starts one: `digest new` and the first `digest build` in new processes, in a bare
    environment. Swapping in another dataset then rebuilds in this process (the same build as
    `mkdocs build --strict`; the process boundary was proven above)."""
    made = _digest(tmp_path, "new", "demo-digest", "--languages", "en,fi")
    assert made.returncode == 0, made.stderr
    root = tmp_path / "demo-digest"
    built = _digest(root, "build")
    assert built.returncode == 0, built.stderr
    assert built.stderr == "" and built.stdout.strip() == f"site built in {root / 'site'}"
    site = root / "site"
    assert (site / "index.html").exists() and (site / "fi" / "index.html").exists()
    for base in (site, site / "fi"):
        topic = (base / "topics" / "example-topic" / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<img src="[./]*charts/example-topic-[0-9a-f]{8}\.svg"', topic)
    words = re.compile(r"customer|kundservice|good-and-bad", re.IGNORECASE)
    for path in list(root.rglob("*")):
        if path.is_file() and "lunr" not in path.parts and path.suffix in {".html", ".md", ".yaml", ".yml", ".po",
                                                                            ".json", ".csv", ".txt", ".xml"}:
            assert not words.search(path.read_text(encoding="utf-8")), path

    # Another dataset with other topics: no page to write, every topic charted in every language.
    shutil.rmtree(root / "stats")
    shutil.copytree(DIGEST / "stats", root / "stats")
    update = cli_in_process(root, "i18n", "update")
    assert update.returncode == 0, update.stderr
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build_in_process(root, site)  # strict: a MkDocs warning fails it; into the old site, which MkDocs cleans
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    for base in (site, site / "fi"):
        for topic in DATASET.topics_in_order:
            html = (base / "topics" / topic.id / "index.html").read_text(encoding="utf-8")
            assert re.search(rf'charts/{topic.id}-[0-9a-f]{{8}}\.svg', html), (base, topic.id)
    assert not (site / "topics" / "example-topic").exists()


def test_a_page_for_a_topic_that_does_not_exist_is_an_error(tmp_path: Path):
    root = copy_project(tmp_path / "digest")
    (root / "content" / DEFAULT / "topics" / "sleep.md").rename(root / "content" / DEFAULT / "topics" / "slep.md")
    assert _problems(root) == [f"content/{DEFAULT}/topics/slep.md: error: id=slep: no topic 'slep' in "
                               "stats/topics.yaml; rename the page or add the topic"]


# --- every shortcode, on the fixture, in both its languages ------------------------------------

def _usage(shortcode) -> str:  # noqa: ANN001
    from digest.shortcodes import Argument

    example = {Argument.STATISTIC: "minutes-to-fall-asleep", Argument.SOURCE: "sleep-survey-2023",
               Argument.TOPIC: "sleep", Argument.CHART: "sleep", Argument.COUNT: "figures"}
    arg = example.get(shortcode.argument)
    return f"[[{shortcode.name} {arg}]]" if arg else f"[[{shortcode.name}]]"


@pytest.mark.parametrize("name", sorted(__import__("digest.shortcodes", fromlist=["REGISTRY"]).REGISTRY))
def test_every_shortcode_renders_on_another_digest(inputs, name: str):
    """The registry's shortcodes work on any declared digest: no id, language or word of this one's."""
    from digest.shortcodes import REGISTRY, PageContext

    usage = _usage(REGISTRY[name])
    shown = {}
    for code in LANGS:
        renderer = make_renderer(inputs, code)
        html = renderer.to_html(usage, PageContext(code, "topics/sleep.md", f"content/{code}/topics/sleep.md"))
        assert html.strip() and "[[" not in html, (code, html)
        shown[code] = html
    assert MARK not in shown[OTHER], shown[OTHER]  # the source language: complete by definition


@pytest.mark.parametrize("code, locale, expected", [("xn", "nb_NO", "nb"), ("xz", "zh_Hant_TW", "zh-Hant"),
                                                    ("xp", "pt_BR", "pt-BR"), ("xe", "et_EE", "et")])
def test_the_theme_language_follows_the_locale_not_the_folder_code(code: str, locale: str, expected: str):
    """Material's interface strings (search, palette toggle) come from the locale: a folder code is any
    two letters, e.g. `no` for Norwegian Bokmål, whose Material language is `nb`."""
    from digest.config import Language
    from digest.site.derive import material_language

    lang = Language.model_validate({"code": code, "locale": locale, "name": "x", "site_name": "x",
                                    "site_description": "x"})
    assert material_language(lang) == expected
