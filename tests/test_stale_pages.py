"""A committed change to a source-language page makes its translations stale: status names them, the site says so.

On the fixture digest: its first language writes the pages, the second translates them (here made a
complete, reviewed translation first, so that a stale page is the only thing it lacks).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest
from markupsafe import escape

from conftest import DIGEST, LANGS, build_in_process, cli_in_process, copy_warm
from digest.config import load_config
from digest.messages import STALE_NOTICE

CONFIG = load_config(DIGEST)
SOURCE, TRANSLATION = LANGS[0], LANGS[1]
# Two hand-written pages besides the home page: both go stale; one is reviewed, the other stays outdated.
PAGE, OTHER = [page for page in CONFIG.hand_written_pages() if page != "index.md"][:2]
NEW_PARAGRAPH = "\nA new conclusion that the translations do not have yet.\n"


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2026-01-02T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z"}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


def _page_html(site: Path, lang: str, page: str) -> str:
    folder = "" if page == "index.md" else page[:-3]
    base = site if lang == SOURCE else site / lang
    return (base / folder / "index.html").read_text(encoding="utf-8")


def _set_threshold(project: Path, threshold: float | None) -> None:
    """The translation's ``publish_threshold`` in the declaration (None: the default, publish whatever is done)."""
    config = project / "site_config" / "digest.yaml"
    text = re.sub(r"(?m)^    publish_threshold: .*\n", "", config.read_text(encoding="utf-8"))
    if threshold is not None:
        text, found = re.subn(rf"(?m)^(  - code: {TRANSLATION}\n)", rf"\g<1>    publish_threshold: {threshold}\n", text)
        assert found == 1
    config.write_text(text, encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_committed_source_change_is_named_in_status_and_shown_on_the_stale_pages(built_project: Path, tmp_path: Path,
                                                                                   inputs):
    project = copy_warm(built_project, tmp_path / "project")  # with the cache of a build (charts drawn once)
    # A complete translation: every page of the source language, each reviewed against its source page.
    for page in (project / "content" / SOURCE).rglob("*.md"):
        target = project / "content" / TRANSLATION / page.relative_to(project / "content" / SOURCE)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(page, target)
    assert cli_in_process(project, "i18n", "reviewed", "--all").returncode == 0
    before = cli_in_process(project, "i18n", "status")
    assert before.returncode == 0 and ": outdated (" not in before.stdout and ": missing (" not in before.stdout, before.stdout
    row = next(line.split() for line in before.stdout.splitlines() if line.startswith(f"{TRANSLATION} "))
    assert row[-2:] == ["100.0%", "yes"], row  # complete: published even at a threshold of 1.0
    _git(project, "init", "-q")
    (project / ".git" / "info" / "exclude").write_text(".cache/\n", encoding="utf-8")  # as the repository ignores it
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "translated")
    for page in (PAGE, OTHER):
        source = project / "content" / SOURCE / page
        source.write_text(source.read_text(encoding="utf-8") + NEW_PARAGRAPH, encoding="utf-8")
    _git(project, "commit", "-qam", f"{SOURCE}: a new paragraph")
    # The translation must be complete to be published: now that its pages are stale, it is held back.
    _set_threshold(project, 1.0)

    result = cli_in_process(project, "i18n", "status")
    assert result.returncode == 0, result.stderr
    stale = [line for line in result.stdout.splitlines() if ": outdated (" in line]
    assert sorted(stale) == sorted(f"content/{TRANSLATION}/{page}: outdated (content/{SOURCE}/{page} changed since)"
                                   for page in (PAGE, OTHER))
    diff = re.search(r"git diff (\w+) (\w+)", result.stdout)
    assert diff and NEW_PARAGRAPH.strip() in _git(project, "diff", diff.group(1), diff.group(2))  # what changed

    held_back = build_in_process(project, tmp_path / "held-back")
    assert not (held_back / TRANSLATION).exists()
    assert f'hreflang="{CONFIG.html_lang_of(TRANSLATION)}"' not in (held_back / "index.html").read_text(encoding="utf-8")

    # Without a threshold the stale translation is published, and says on each stale page that it is.
    _set_threshold(project, None)
    site = build_in_process(project, tmp_path / "site")
    assert f'hreflang="{CONFIG.html_lang_of(TRANSLATION)}"' in (site / "index.html").read_text(encoding="utf-8")
    notice_text = escape(inputs.translators[TRANSLATION].text(STALE_NOTICE).value.format(language=CONFIG.default.name))
    for page in (PAGE, OTHER):
        html = _page_html(site, TRANSLATION, page)
        notice = html[html.index('class="admonition warning digest-stale"'):]
        notice = notice[:notice.index("</aside>")]
        assert notice_text in notice, page
        folder = page[:-3] + "/"
        original = "../" * (1 + folder.count("/")) + folder  # from <lang>/<page>/ to the source's <page>/
        assert f'href="{original}"' in notice and f'hreflang="{CONFIG.html_lang_of(SOURCE)}"' in notice, notice
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(html)
        assert parser.errors == [], page
        assert "digest-stale" not in _page_html(site, SOURCE, page)
    assert "digest-stale" not in _page_html(site, TRANSLATION, "index.md")  # only the stale pages

    assert cli_in_process(project, "i18n", "reviewed", f"content/{TRANSLATION}/{PAGE}").returncode == 0
    after = cli_in_process(project, "i18n", "status").stdout
    assert f"content/{TRANSLATION}/{PAGE}" not in after and f"content/{TRANSLATION}/{OTHER}: outdated" in after


def test_the_notice_links_the_original_in_its_locale_language_not_its_folder_code(built_project: Path, tmp_path: Path):
    """A source language whose folder code is not its language (as `no` is for nb_NO): the notice's link
    says the locale's language. The translation's pages record no reviewed version, so they are stale."""
    project = copy_warm(built_project, tmp_path / "project")
    renamed = "x" + SOURCE[0]
    declaration = project / "site_config" / "digest.yaml"
    text = declaration.read_text(encoding="utf-8")
    assert text.count(f"code: {SOURCE}\n") == 1
    declaration.write_text(text.replace(f"code: {SOURCE}\n", f"code: {renamed}\n"), encoding="utf-8")
    (project / "content" / SOURCE).rename(project / "content" / renamed)
    site = build_in_process(project, tmp_path / "site")
    html = (site / TRANSLATION / PAGE[:-3] / "index.html").read_text(encoding="utf-8")
    notice = re.search(r'<aside class="admonition warning digest-stale">(.*?)</aside>', html, re.S)
    assert notice, "the untracked translation shows no notice"
    assert f'hreflang="{CONFIG.html_lang_of(SOURCE)}"' in notice.group(1) and renamed not in notice.group(1), notice.group(1)
