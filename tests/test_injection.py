"""Hostile text in data, translations, configuration and prose never becomes markup.

Strings an outsider controls (dataset fields, catalog entries, the site config, the
pages) are filled with HTML (<script>, <img onerror>), Markdown (**bold**,
[link](javascript:…)) and Jinja ({{ config }}, {% raw %}). In the built site they
must read as text: never a tag, an event handler, a link, a template evaluated.
Addresses that are not http(s) are refused, ids that could be paths are refused
before anything is written, and every generated file lands under the output folder.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
import yaml

from conftest import DIGEST, LANGS, build_in_process, cli_in_process, copy_project, make_valid, snapshot, topic_ids
from digest.config import load_config
from digest.load import check_dataset, load_dataset

SCRIPT = "<script>alert(document.domain)</script>"
IMG = "<img src=x onerror=alert(document.domain)>"
BOLD = "**zzbold**"
LINK = "[zzlink](javascript:alert(document.domain))"
JINJA = "{{ config }}"
JINJA_BLOCK = "{% raw %}"
PAYLOADS = (SCRIPT, IMG, BOLD, LINK, JINJA, JINJA_BLOCK)
# What the payloads contain and an honest page never does.
ACTIVE = "alert(document.domain)"
XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
# Read from the fixture digest, never typed: a measure in percent (the hostile figure's), and a
# language whose catalog translates the dataset (the hostile translations go there).
_CONFIG = load_config(DIGEST)
PERCENT_MEASURE = next(m.id for m in load_dataset(DIGEST / "stats").measures.values() if m.unit == "percent")
TRANSLATED = next(code for code in LANGS if code != _CONFIG.source_language
                  and (DIGEST / "content" / code / "LC_MESSAGES" / "digest.po").is_file())


def site_prefix(lang: str) -> str:
    """Where a language's pages are in the built site: the default language's at the root."""
    return "" if lang == LANGS[0] else f"{lang}/"


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def add_injected_records(root: Path, topic: str) -> None:
    """An article, a source and a statistic whose every free-text field is hostile."""
    with (root / "stats" / "articles.yaml").open("a", encoding="utf-8") as f:
        f.write(f"\n- id: zz-inject-article\n  title: {q(SCRIPT + ' ' + BOLD + ' ' + LINK)}\n  language: {LANGS[0]}\n"
                f"  publisher: {q(IMG + ' ' + JINJA)}\n  url: https://example.org/a\n"
                f"  note: {q(JINJA_BLOCK + ' _zzem_ ' + SCRIPT)}\n")
    with (root / "stats" / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(f"\n- id: zz-inject-source\n  producer: {q(SCRIPT + ' ' + JINJA)}\n  title: {q(IMG + ' ' + BOLD)}\n"
                f"  year_published: 2015\n  url: https://example.org/r?a=1&b=%3Cscript%3E\n"
                f"  method: {q(LINK + ' ' + JINJA_BLOCK)}\n  sample_size: 1000\n  geography: {q(IMG)}\n"
                f"  population: {q(SCRIPT)}\n  fieldwork: {q(BOLD + ' ' + JINJA)}\n  licence: {q(LINK)}\n"
                f"  via: [zz-inject-article]\n  note: {q('{{ config.site_name }} ' + BOLD + ' ' + SCRIPT)}\n")
    sentence = "{value} of " + SCRIPT + " " + BOLD + " " + LINK + " agree."
    with (root / "stats" / "statistics.yaml").open("a", encoding="utf-8") as f:
        f.write(f"\n- id: zz-inject\n  source: zz-inject-source\n  topic: {topic}\n  year: 2014\n  value: 50\n"
                f"  unit: percent\n  population: {q(SCRIPT)}\n  sentence: {q(sentence)}\n"
                f"  label: {q(IMG + ' ' + BOLD)}\n  quote: x\n  measure: {PERCENT_MEASURE}\n  question: zz-inject\n"
                f"  caveat: {q(SCRIPT + ' ' + JINJA + ' ' + JINJA_BLOCK + ' ' + LINK)}\n  headline: true\n")


def add_injected_translations(root: Path) -> None:
    """Translations (in ``TRANSLATED``'s catalog) of the hostile strings that are themselves hostile."""
    path = root / "content" / TRANSLATED / "LC_MESSAGES" / "digest.po"
    text = path.read_text(encoding="utf-8")
    add = {
        # msgid (the English of the statistic above) -> hostile msgstr with the same placeholders
        f"{IMG} {BOLD}": f"{SCRIPT} {LINK}",
        f"{SCRIPT} {JINJA} {JINJA_BLOCK} {LINK}": f"{IMG} {JINJA} {JINJA_BLOCK}",
    }
    entries = "".join(f"\nmsgid {q(k)}\nmsgstr {q(v)}\n" for k, v in add.items())
    path.write_text(text + entries, encoding="utf-8")


def hostile_pages(root: Path, topic: str) -> None:
    """Pages that show every hostile field: the topic page and the sources page, in every language."""
    for lang_dir in sorted(p for p in (root / "content").iterdir() if p.is_dir()):
        (lang_dir / "topics").mkdir(exist_ok=True)  # a language whose topic pages are all generated has none
        (lang_dir / "topics" / f"{topic}.md").write_text(
            f"# Title\n\nInline: [[stat zz-inject]] and [[sentence zz-inject]] by [[source zz-inject-source]].\n\n"
            f"[[figures {topic}]]\n\n[[chart {topic}]]\n\n[[caveats]]\n\n[[downloads]]\n\n[[headlines]]\n",
            encoding="utf-8")
        (lang_dir / "sources.md").write_text("# Sources\n\n[[sources]]\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, drawing_ready: None) -> dict:
    """A project full of hostile text, built once into ``out/site`` beside it; the tree before and after."""
    base = tmp_path_factory.mktemp("injection")
    root = copy_project(base / "project")
    topic = topic_ids(root)[0]
    config = root / "site_config" / "digest.yaml"
    text = re.sub(r"(?m)^licence:\n  name:.*$", "licence:\n  name: " + q("</script>" + SCRIPT + " " + JINJA),
                  config.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^dataset:\n  name:.*$", "dataset:\n  name: " + q("</script>" + SCRIPT + " " + JINJA), text)
    config.write_text(text, encoding="utf-8")
    assert cli_in_process(root, "i18n", "update").returncode == 0  # the dataset's name is a catalog string
    add_injected_records(root, topic)  # after the update: their translations are added below, by hand
    hostile_pages(root, topic)
    assert make_valid(root) == []  # valid as written: no hostile page replaced
    add_injected_translations(root)
    prose_slots = add_accepted_prose(root)
    check = cli_in_process(root, "validate")
    assert check.returncode == 0, f"the hostile (but valid) project does not validate:\n{check.stderr}"
    out = base / "out" / "site"
    out.parent.mkdir()
    before = snapshot(base)
    build_in_process(root, out)
    after = snapshot(base)
    return {"base": base, "root": root, "site": out, "topic": topic, "before": before, "after": after,
            "prose": prose_slots}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@functools.cache
def parse(path: Path) -> ET.Element:
    """A built page as a browser parses it; once per page (the built sites are not changed after the build)."""
    return html5lib.parse(path.read_text(encoding="utf-8"), treebuilder="etree", namespaceHTMLElements=True)


def text_of(doc: ET.Element) -> str:
    """The page's visible text and attribute values, as a reader's browser decodes them."""
    body = doc.find(f"{XHTML}body")
    return "".join((body if body is not None else doc).itertext())


def active_markup(doc: ET.Element) -> list[str]:
    """Tags, attributes and links that would do something a hostile string asked for."""
    found = []
    for el in doc.iter():
        tag = el.tag.replace(XHTML, "") if isinstance(el.tag, str) else ""
        for name, value in el.attrib.items():
            name = name.lower()
            if name.startswith("on") and ACTIVE in value:
                found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and re.match(
                    r"\s*(javascript|data|vbscript):", value, re.IGNORECASE):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "style" and "javascript:" in value.lower():
                found.append(f"<{tag} style={value[:60]!r}>")
        if tag == "script" and el.attrib.get("type") != "application/ld+json" and ACTIVE in (el.text or ""):
            found.append(f"<script>{(el.text or '')[:60]}")
        if tag == "img" and "onerror" in el.attrib:
            found.append(f"<img onerror={el.attrib['onerror']!r}>")
        # Markdown that took effect: the marker alone is the element's whole text.
        inner = "".join(el.itertext()).strip()
        if tag in ("strong", "b") and inner == "zzbold":
            found.append(f"<{tag}>zzbold</{tag}>")
        if tag in ("em", "i") and inner == "zzem":
            found.append(f"<{tag}>zzem</{tag}>")
        if tag == "a" and inner == "zzlink":
            found.append(f"<a href={el.attrib.get('href', '')!r}>zzlink</a>")
    return found


# --- data and translations ------------------------------------------------------------

def test_hostile_data_is_inert_on_every_page(hostile: dict) -> None:
    """Every page, the accepted prose cases' (and the navigation that shows their headings) included."""
    bad = {}
    for path in html_files(hostile["site"]):
        found = active_markup(parse(path))
        if found:
            bad[path.relative_to(hostile["site"]).as_posix()] = found
    assert not bad, f"hostile text became markup: {json.dumps(bad, indent=1)[:3000]}"


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_data_reads_as_text(hostile: dict, lang: str) -> None:
    """The hostile strings are shown, character for character, as text: escaped, not dropped or evaluated."""
    lang_prefix = site_prefix(lang)
    topic_page = parse(hostile["site"] / lang_prefix / "topics" / hostile["topic"] / "index.html")
    sources_page = parse(hostile["site"] / lang_prefix / "sources" / "index.html")
    shown = text_of(topic_page) + text_of(sources_page)
    for payload in (SCRIPT, BOLD, JINJA, JINJA_BLOCK, LINK, "{{ config.site_name }}"):
        assert payload in shown, f"{payload!r} is not shown as text on {lang} pages"
    assert "&lt;" not in shown and "&#" not in shown, "text is escaped twice: the reader sees entities"


def test_hostile_translations_are_inert_and_shown(hostile: dict) -> None:
    page = parse(hostile["site"] / site_prefix(TRANSLATED) / "topics" / hostile["topic"] / "index.html")
    assert not active_markup(page)
    shown = text_of(page)
    assert f"{IMG} {JINJA} {JINJA_BLOCK}" in shown, f"the {TRANSLATED} caveat is not shown as text"


def test_hostile_text_in_alt_and_title_attributes_stays_text(hostile: dict) -> None:
    """Alt text of charts carries labels: quotes must not end the attribute."""
    for path in html_files(hostile["site"]):
        raw = path.read_text(encoding="utf-8")
        assert not re.search(r"<[a-z]+[^>]*\s(alt|title)=\"[^\"]*<img", raw), path
        assert not re.search(r"\salt=\"[^\"]*\"\s*onerror", raw), path


def test_json_ld_cannot_end_its_script_element(hostile: dict) -> None:
    """The dataset's name (from the config) is in the JSON-LD; "</script>" in it must not close the element."""
    seen: set[Path] = set()
    for path in html_files(hostile["site"]):
        doc = parse(path)
        for el in doc.iter(f"{XHTML}script"):
            if el.attrib.get("type") == "application/ld+json":
                data = json.loads(el.text or "")
                seen.add(path)
                assert data["name"] == "</script>" + SCRIPT + " " + JINJA  # untranslated: shown as written
    topic_pages = {hostile["site"] / site_prefix(lang) / "topics" / hostile["topic"] / "index.html" for lang in LANGS}
    assert topic_pages <= seen, "no JSON-LD found: is [[downloads]] on the hostile topic page?"


def test_charts_carry_no_script(hostile: dict) -> None:
    """SVG charts hold labels (as paths and comments); none may become an element or attribute."""
    charts = sorted(hostile["site"].rglob("*.svg"))
    assert charts
    for path in charts:
        root = ET.fromstring(path.read_bytes())
        for el in root.iter():
            tag = el.tag.replace(SVG, "") if isinstance(el.tag, str) else ""
            assert tag not in ("script", "foreignObject", "a"), f"{path.name}: <{tag}>"
            for name in el.attrib:
                assert not name.lower().startswith("on"), f"{path.name}: {name}="
        assert b"<script" not in path.read_bytes()


def test_downloads_keep_hostile_text_as_data(hostile: dict) -> None:
    """CSV and JSON carry the text as it is (they are data, not HTML), intact and parseable."""
    data = json.loads((hostile["site"] / "data" / f"digest-{LANGS[0]}.json").read_text(encoding="utf-8"))
    row = next(r for r in data if r["id"] == "zz-inject")
    assert row["producer"] == SCRIPT + " " + JINJA
    assert row["label"] == IMG + " " + BOLD


def test_no_jinja_evaluated(hostile: dict) -> None:
    """Jinja in data is never rendered: no config dump appears anywhere."""
    for path in html_files(hostile["site"]):
        raw = path.read_text(encoding="utf-8")
        assert "'site_name'" not in raw and "MkDocsConfig" not in raw, path


def test_every_generated_file_lands_under_the_output_folder(hostile: dict) -> None:
    base, root, site = hostile["base"], hostile["root"], hostile["site"]
    before, after = hostile["before"], hostile["after"]
    allowed = (site.relative_to(base).as_posix() + "/", (root / ".cache").relative_to(base).as_posix() + "/")
    changed = sorted(k for k in set(before) | set(after)
                     if before.get(k) != after.get(k) and not k.startswith(allowed)
                     and k not in {"out", site.relative_to(base).as_posix(), "project/.cache"})
    assert not changed, f"the build wrote outside its output folder: {changed[:20]}"
    for path in site.rglob("*"):
        assert not path.is_symlink(), f"symlink in the output: {path}"
        assert site.resolve() in path.resolve().parents, path


@pytest.fixture
def dataset_copy(tmp_path: Path) -> Path:
    """A project folder holding only a copy of the fixture's stats/: the tests below check the dataset alone."""
    shutil.copytree(DIGEST / "stats", tmp_path / "project" / "stats")
    return tmp_path / "project"


# --- addresses and ids --------------------------------------------------------------------

BAD_URLS = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>",
    "file:///etc/passwd", "vbscript:msgbox(1)", "//evil.example/x", "http:/evil.example", "ftp://example.org/x",
    "https://example.org/\" onmouseover=\"alert(1)", "https://example.org/<script>", "https://exa mple.org/",
    "https://example.org/\nx",
]


@pytest.mark.parametrize("url", BAD_URLS, ids=[f"url{i}-{re.sub(r'[^a-z]+', '-', u.lower())[:24]}" for i, u in enumerate(BAD_URLS)])
@pytest.mark.parametrize("kind", ["sources", "articles"])
def test_non_http_urls_are_refused(dataset_copy: Path, kind: str, url: str) -> None:
    project = dataset_copy
    path = project / "stats" / f"{kind}.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    first_url = records[0]["url"]
    line = next(i for i, l in enumerate(text.split("\n"), 1) if l.strip().startswith("url:") and first_url in l)
    lines = text.split("\n")
    lines[line - 1] = f"  url: {q(url)}"
    path.write_text("\n".join(lines), encoding="utf-8")
    dataset, problems = check_dataset(project / "stats")
    assert dataset is None, f"{url!r} accepted as a {kind} address"
    assert any(p.file == f"stats/{kind}.yaml" and p.field == "url" and p.line == line and p.record == records[0]["id"]
               for p in problems), [str(p) for p in problems]


PATH_IDS = ["../evil", "..", "a/b", "/etc/passwd", "x/../../evil", "evil\\x", ".hidden", "con.", "a\x00b", "~root"]


@pytest.mark.parametrize("where", ["statistics", "topics", "sources", "series"])
@pytest.mark.parametrize("bad_id", PATH_IDS, ids=[f"id{i}" for i in range(len(PATH_IDS))])
def test_path_like_ids_are_refused_by_the_model(dataset_copy: Path, where: str, bad_id: str) -> None:
    project = dataset_copy
    kind = "statistics" if where == "series" else where
    path = project / "stats" / f"{kind}.yaml"
    text = path.read_text(encoding="utf-8")
    if where == "series":  # the first record's series, set or replaced
        first, rest = re.match(r"(?s)(.*?^- id: .*?)(?=^- |\Z)(.*)", text, re.MULTILINE).groups()  # type: ignore[union-attr]
        first = re.sub(r"(?m)^  series: .*\n", "", first)
        text = re.sub(r"(?m)^(- id: .*)$", lambda m: m.group(1) + f"\n  series: {q(bad_id)}", first, count=1) + rest
    else:
        text = re.sub(r"(?m)^- id: .*$", lambda m: f"- id: {q(bad_id)}", text, count=1)
    path.write_text(text, encoding="utf-8")
    dataset, problems = check_dataset(project / "stats")
    assert dataset is None, f"{bad_id!r} accepted as a {where} id"
    assert any(p.file == f"stats/{kind}.yaml" and p.field == ("series" if where == "series" else "id") for p in problems)


@pytest.fixture(scope="module")
def valid_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture digest, validated once (its cache holds the compiled catalogs); cases copy it."""
    root = copy_project(tmp_path_factory.mktemp("valid") / "project")
    assert make_valid(root) == []
    return root


@pytest.mark.parametrize("where", ["statistics", "topics", "sources", "config-language"])
def test_path_like_ids_stop_the_build_before_any_file_is_written(tmp_path: Path, where: str, valid_project: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.exceptions import MkDocsException

    root = Path(shutil.copytree(valid_project, tmp_path / "project", symlinks=True))
    evil = "../../../zz-escaped"
    if where == "config-language":
        path = root / "site_config" / "digest.yaml"
        text = path.read_text(encoding="utf-8")
        assert f"code: {LANGS[1]}\n" in text
        path.write_text(text.replace(f"code: {LANGS[1]}\n", f"code: {q(evil)}\n", 1), encoding="utf-8")
    else:
        path = root / "stats" / f"{where}.yaml"
        path.write_text(re.sub(r"(?m)^- id: .*$", lambda m: f"- id: {q(evil)}", path.read_text(encoding="utf-8"), count=1),
                        encoding="utf-8")
    out = tmp_path / "deep" / "out" / "site"
    out.parent.mkdir(parents=True)
    before = snapshot(tmp_path)
    with pytest.raises(MkDocsException):
        build_in_process(root, out)
    assert "nothing was written" in caplog.text and ("stats/" in caplog.text or "site_config/" in caplog.text)
    after = snapshot(tmp_path)
    assert before == after, f"files written: {sorted(set(after) ^ set(before))[:10]}"
    assert not list(tmp_path.rglob("zz-escaped*")) and not list(Path("/tmp").glob("zz-escaped*"))


# --- prose: what the people writing pages can smuggle in ------------------------------------

PROSE = {
    "front-matter-title": ("---\ntitle: " + q(IMG) + "\n---\n# Om\n\nTekst.\n", 2),
    "front-matter-unclosed": ("---\n\n" + SCRIPT + "\n\n# Om\n", 3),
    "attr-list-onclick-heading": ("# Om {: onclick=\"alert(document.domain)\" }\n\nTekst.\n", 1),
    "attr-list-onmouseover-link": ("# Om\n\nSe [her](https://example.org/){: onmouseover=\"alert(document.domain)\" }.\n", 3),
    "attr-list-href-override": ("# Om\n\nSe [her](about.md){: href=\"javascript:alert(document.domain)\" }.\n", 3),
    "reference-link-javascript": ("# Om\n\nSe [zzlink][evil].\n\n[evil]: javascript:alert(document.domain)\n", 5),
    "reference-image-data": ("# Om\n\n![x][pic]\n\n[pic]: data:image/svg+xml,abc\n", 5),
    "inline-link-javascript": ("# Om\n\nSe [zzlink](javascript:alert(document.domain)).\n", 3),
    "autolink-javascript": ("# Om\n\nSe <javascript:alert(document.domain)>.\n", 3),
    "html-entity-script": ("# Om\n\n&lt;script&gt; is text, and so is &lt;b&gt;.\n", None),
}


def add_accepted_prose(root: Path) -> dict[str, list[Path]]:
    """Each prose case the lint accepts, on a page of its own in every language, added to the navigation of the
    hostile project (built there, once): name → the page's paths in the built site."""
    from digest.lint import lint_prose

    accepted = [name for name, (page, _) in PROSE.items() if not lint_prose(page, "x.md")]
    assert accepted, "the lint refuses every prose case: the accepted ones are no longer built and checked"
    config = root / "site_config" / "digest.yaml"
    pages = "".join(f"  - zz-prose-{i}.md\n" for i in range(len(accepted)))
    text, found = re.subn(r"(?m)^pages:\n", "pages:\n" + pages, config.read_text(encoding="utf-8"))
    assert found == 1
    config.write_text(text, encoding="utf-8")
    slots = {}
    for i, name in enumerate(accepted):
        for lang in LANGS:
            (root / "content" / lang / f"zz-prose-{i}.md").write_text(PROSE[name][0], encoding="utf-8")
        slots[name] = [Path(site_prefix(lang)) / f"zz-prose-{i}" / "index.html" for lang in LANGS]
    return slots


@pytest.mark.parametrize("name", list(PROSE))
def test_prose_cannot_smuggle_markup(hostile: dict, valid_project: Path, tmp_path: Path, name: str) -> None:
    """A page either is refused (naming the file and line) or builds with nothing active in it."""
    if name in hostile["prose"]:  # accepted: built with the hostile project
        for page in hostile["prose"][name]:
            found = active_markup(parse(hostile["site"] / page))
            assert not found, f"{name}: the page was accepted and its markup is live: {found}"
        return
    root = copy_project(tmp_path / "project")
    shutil.copytree(valid_project / ".cache" / "i18n", root / ".cache" / "i18n")  # compiled catalogs, keyed by content
    rel = f"content/{LANGS[1]}/about.md"
    (root / rel).write_text(PROSE[name][0], encoding="utf-8")
    result = cli_in_process(root, "validate")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    line = PROSE[name][1]
    assert f"{rel}:{line}:" in output if line is not None else rel in output, output

