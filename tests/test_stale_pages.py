"""A committed change to a source-language page makes its translations stale: status names them, the site says so."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest

from conftest import LANGS, build_in_process, cli_in_process, copy_warm

PAGE = "topics/paying-more.md"
NEW_PARAGRAPH = "\nEn ny slutsats som översättningarna ännu inte har.\n"
NOTICE = {"da": "Den oprindelige side (Svenska) er ændret", "no": "Originalen til denne siden (Svenska) er endret",
          "ko": "이 페이지의 원문(Svenska)이"}


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2026-01-02T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z"}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_committed_source_change_is_named_in_status_and_shown_on_the_stale_pages(built_project: Path, tmp_path: Path):
    project = copy_warm(built_project, tmp_path / "project")  # with the cache of a build (charts drawn once)
    _git(project, "init", "-q")
    (project / ".git" / "info" / "exclude").write_text(".cache/\n", encoding="utf-8")  # as the repository ignores it
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "shipped")
    source = project / "content" / "sv" / PAGE
    source.write_text(source.read_text(encoding="utf-8") + NEW_PARAGRAPH, encoding="utf-8")
    _git(project, "commit", "-qam", "sv: a new paragraph")
    # Norwegian must be complete to be published: now that one page is stale, it is held back.
    config = project / "site_config" / "digest.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "name: Norsk (bokmål)\n    publish_threshold: 0.9", "name: Norsk (bokmål)\n    publish_threshold: 1.0"), encoding="utf-8")

    result = cli_in_process(project, "i18n", "status")
    assert result.returncode == 0, result.stderr
    stale = [line for line in result.stdout.splitlines() if ": outdated (" in line]
    assert stale == [f"content/{lang}/{PAGE}: outdated (content/sv/{PAGE} changed since)" for lang in LANGS[1:]]
    diff = re.search(r"git diff (\w+) (\w+)", result.stdout)
    assert diff and NEW_PARAGRAPH.strip() in _git(project, "diff", diff.group(1), diff.group(2))  # what changed

    site = tmp_path / "site"
    build_in_process(project, site)
    assert not (site / "no").exists() and 'hreflang="no"' not in (site / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="da"' in (site / "index.html").read_text(encoding="utf-8")
    for lang in ("da", "ko"):
        html = (site / lang / "topics" / "paying-more" / "index.html").read_text(encoding="utf-8")
        notice = html[html.index('class="admonition warning digest-stale"'):]
        notice = notice[:notice.index("</aside>")]
        assert NOTICE[lang] in notice, lang
        assert 'href="../../../topics/paying-more/"' in notice and 'hreflang="sv"' in notice
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(html)
        assert parser.errors == [], lang
        other = (site / lang / "topics" / "small-business" / "index.html").read_text(encoding="utf-8")
        assert "digest-stale" not in other  # only the stale page
    assert "digest-stale" not in (site / "topics" / "paying-more" / "index.html").read_text(encoding="utf-8")

    assert cli_in_process(project, "i18n", "reviewed", f"content/da/{PAGE}").returncode == 0
    after = cli_in_process(project, "i18n", "status").stdout
    assert f"content/da/{PAGE}" not in after and f"content/ko/{PAGE}: outdated" in after
