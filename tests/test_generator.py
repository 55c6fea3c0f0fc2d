"""The generator, not one site: the declaration, units, quotes policy and scaffolding, on the fixture digest.

These are engine tests: they run against ``tests/fixtures/digest`` (Finnish and English,
English source) and read its languages from its config, never this digest's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import DIGEST, LANGS, SHIPPED_LANGS, copy_project
from digest.config import DigestConfig, load_config
from digest.load import check_dataset, load_dataset
from digest.problems import InputError
from digest.quotes import check_quotes

@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "digest")


# --- the declaration ---------------------------------------------------------------------

def test_fixture_declares_languages_that_are_not_the_shipped_ones():
    config = load_config(DIGEST)
    assert config.codes == ["fi", "en"] == list(LANGS) and config.default.code == "fi"
    assert not set(LANGS) & set(SHIPPED_LANGS)
    assert config.source_language == "en"
    assert [lang.speaks("en") for lang in config.languages] == [False, True]


def test_any_locale_babel_knows_is_accepted_and_others_are_named(fixture_copy: Path):
    path = fixture_copy / "site_config" / "digest.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("locale: en_GB", "locale: zh_Hant_TW"), encoding="utf-8")
    assert load_config(fixture_copy).language("en").language == "zh"
    path.write_text(text.replace("locale: en_GB", "locale: xx_YY"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(fixture_copy)
    [problem] = err.value.problems
    assert problem.field == "languages.1.locale" and "Babel knows no locale 'xx_YY'" in problem.message
    assert problem.line == text.split("\n").index("    locale: en_GB") + 1


@pytest.mark.parametrize("change, field, message", [
    (("project: fixture-digest", "project: Fixture Digest"), "project", "not allowed"),
    (("  - sources.md\n", "  - ../secret.md\n"), "pages", "expected `topics` or a page"),
    (("  - index.md\n", ""), "pages", "expected `index.md`"),
    (("  - about.md\n", "  - about.md\n  - about.md\n"), "pages", "listed twice"),
    (("code: en", "code: fi"), "languages", "listed twice: fi"),
    (("source_language: en", "source_language: en_GB"), "source_language", "expected a language code"),
    (("  url: https://creativecommons.org/licenses/by/4.0/", "  url: javascript:alert(1)"), "licence.url", "http(s)"),
    (("texts: articles", "texts: /etc"), "quotes.texts", "relative to the project root"),
])
def test_a_bad_declaration_is_one_clear_error(fixture_copy: Path, change, field, message):
    path = fixture_copy / "site_config" / "digest.yaml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(fixture_copy)
    assert [p.field for p in err.value.problems] == [field]
    assert message in err.value.problems[0].message


def test_every_option_is_shown_in_the_scaffold_declaration():
    """`digest new` writes every option, so a new digest's own file documents them all."""
    from importlib.resources import files

    text = files("digest").joinpath("templates/new/site_config/digest.yaml.j2").read_text(encoding="utf-8")
    for name in DigestConfig.model_fields:
        assert f"\n{name}:" in text, name


# --- units are data ------------------------------------------------------------------------

def test_the_fixtures_own_unit_is_formatted_and_charted():
    dataset = load_dataset(DIGEST / "stats")
    assert dataset.units["nights"].charted and dataset.units["nights"].forms == ("{n} night", "{n} nights")


def test_time_units_are_written_by_babel_in_each_locale():
    from digest.config import Language
    from digest.format import value_text
    from digest.translate import Translator  # noqa: F401 - exists after the refactor
    import gettext

    dataset = load_dataset(DIGEST / "stats")
    stat = dataset.statistics["minutes-to-fall-asleep"]
    shown = {}
    for code, locale in (("fi", "fi_FI"), ("en", "en_GB"), ("ko", "ko_KR"), ("sv", "sv_SE")):
        lang = Language(code=code, locale=locale, name=code, site_name="x", site_description="x")
        shown[code] = value_text(stat, Translator(lang, gettext.NullTranslations()), dataset.units).value
    assert shown == {"fi": "54 minuuttia", "en": "54 minutes", "ko": "54분", "sv": "54 minuter"}


# --- quotes policy ---------------------------------------------------------------------------

def test_quotes_are_checked_where_a_text_exists_and_counted_where_not():
    config = load_config(DIGEST)
    dataset = load_dataset(DIGEST / "stats", config.quotes.required)
    problems, report = check_quotes(DIGEST, config, dataset)
    assert problems == []
    assert sorted(report.checked) == ["minutes-to-fall-asleep", "nights-at-home", "sleep-well-2019",
                                      "sleep-well-2023", "wake-at-night"]
    assert len(report.unchecked) == 5 and "not machine-checked" in report.summary()


def test_a_quote_not_in_its_article_names_file_line_and_article(fixture_copy: Path):
    path = fixture_copy / "stats" / "statistics.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("62 percent of adults said", "sixty-two percent said"), encoding="utf-8")
    config = load_config(fixture_copy)
    problems, _ = check_quotes(fixture_copy, config, load_dataset(fixture_copy / "stats"))
    assert [str(p) for p in problems] == [
        f"stats/statistics.yaml:{text.split(chr(10)).index('- id: sleep-well-2023') + 1}: error: id=sleep-well-2023 "
        "field=quote: not found in the text of sleep-news (sleep-news.txt); copy the article's words exactly"]


def test_quotes_are_optional_when_the_policy_says_so(fixture_copy: Path):
    path = fixture_copy / "stats" / "statistics.yaml"
    path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").split("\n")
                              if not line.startswith("  quote:")), encoding="utf-8")
    _, problems = check_dataset(fixture_copy / "stats", require_quotes=True)
    assert {p.field for p in problems} == {"quote"} and len(problems) == 10
    dataset, problems = check_dataset(fixture_copy / "stats", require_quotes=False)
    assert problems == [] and dataset is not None
    _, report = check_quotes(fixture_copy, load_config(fixture_copy), dataset)
    assert len(report.without_quote) == 10


def test_an_article_file_cannot_name_a_path(fixture_copy: Path):
    path = fixture_copy / "stats" / "articles.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("file: sleep-news.txt", "file: ../../etc/passwd"),
                    encoding="utf-8")
    _, problems = check_dataset(fixture_copy / "stats")
    assert [(p.record, p.field) for p in problems] == [("sleep-news", "file")]


# --- digest new --------------------------------------------------------------------------------

def test_new_writes_a_complete_digest(tmp_path: Path):
    from digest.scaffold import create_digest

    written = create_digest(tmp_path / "my-digest", "en,fi,no:nb_NO")
    for path in ("site_config/digest.yaml", "mkdocs.yml", "README.md", ".gitignore", ".github/workflows/digest.yml",
                 "requirements.txt", "stats/statistics.yaml", "stats/sources.yaml", "stats/articles.yaml",
                 "stats/topics.yaml", "stats/schema/statistics.schema.json", "content/en/index.md",
                 "content/fi/index.md", "content/no/about.md", "content/fi/LC_MESSAGES/digest.po"):
        assert path in written, path
    assert "content/en/LC_MESSAGES/digest.po" not in written  # English speaks the source language
    config = load_config(tmp_path / "my-digest")
    assert config.codes == ["en", "fi", "no"] and config.source_language == "en"
    assert config.language("no").locale == "nb_NO" and config.project == "my-digest"
    dataset, problems = check_dataset(tmp_path / "my-digest" / "stats")
    assert dataset is not None and problems == []
    readme = (tmp_path / "my-digest" / "README.md").read_text(encoding="utf-8")
    assert "digest validate" in readme and "digest build" in readme
    workflow = yaml.safe_load((tmp_path / "my-digest" / ".github/workflows/digest.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert "digest validate" in runs and "digest build" in runs


@pytest.mark.parametrize("spec, message", [
    ("en,EN", "expected two lowercase letters"),
    ("en,xx", "Babel knows no locale 'xx'"),
    ("en,en", "listed twice"),
    ("", "at least one language"),
])
def test_new_refuses_bad_languages(tmp_path: Path, spec: str, message: str):
    from digest.scaffold import create_digest

    with pytest.raises(InputError) as err:
        create_digest(tmp_path / "d", spec)
    assert message in str(err.value)
    assert not (tmp_path / "d").exists()


def test_new_never_writes_into_a_folder_with_files(tmp_path: Path):
    from digest.scaffold import create_digest

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError):
        create_digest(tmp_path / "d", "en")
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["keep.txt"]


def test_fixture_schemas_are_current():
    from digest.schema import write_schemas

    assert write_schemas(DIGEST / "stats" / "schema", check=True) == []


def test_a_chart_font_this_machine_lacks_is_an_error_at_validate(fixture_copy: Path):
    from digest.lint import validate

    path = fixture_copy / "site_config" / "digest.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    name: English\n", "    name: English\n    font: No Such Sans\n"),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        validate(fixture_copy, fixture_copy / ".cache")
    assert [(p.field, p.message.split(";")[0]) for p in err.value.problems] == [
        ("languages.1.font", "no font 'No Such Sans' on this machine")]
