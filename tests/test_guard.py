"""The inputs guard: links, special files, file types and config that runs code are refused
by `validate` and by the build before MkDocs reads anything (in process: no MkDocs runs here),
on scratch copies of the fixture digest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import DIGEST, LANGS, copy_project
from digest import cli
from digest.guard import MAX_DEPTH, check_inputs, yaml_problems
from digest.problems import InputError
from digest.site import build as site_build
from digest.site.build import build_site

SECRET = "TOKEN=ghp_do-not-publish-me"
CONTENT = f"content/{LANGS[0]}"  # a language's pages (the default's)


def _never_run(*args: object, **kwargs: object) -> None:
    raise AssertionError("the build started MkDocs")


def _refused(root: Path, capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    """validate exits 1 and the build stops before MkDocs; both name the place; return what was shown."""
    assert cli.main(["--root", str(root), "validate"]) == 1
    shown = capsys.readouterr()
    out = shown.out + shown.err
    with pytest.raises(InputError) as caught, pytest.MonkeyPatch.context() as patch:
        patch.setattr(site_build.subprocess, "run", _never_run)
        build_site(root, root / "site")
    out += str(caught.value)
    for text in expected:
        assert text in out, out
    assert "Traceback" not in out and SECRET not in out
    assert not (root / "site").exists()
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the fixture digest's inputs."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere-dir" / "config"
    path.parent.mkdir()
    path.write_text(f"[remote]\n{SECRET}\n", encoding="utf-8")
    return path


def test_a_good_digest_passes_and_uses_no_python_tag() -> None:
    assert check_inputs(DIGEST) == []
    assert "!!python" not in (DIGEST / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("rel", [f"{CONTENT}/x.txt", f"{CONTENT}/notes.md", f"{CONTENT}/LC_MESSAGES/digest.po",
                                 "stats/statistics.yaml", "site_config/digest.yaml", "mkdocs.yml"])
def test_a_symlink_anywhere_in_the_inputs_is_refused_without_quoting_its_target(
        project: Path, secret: Path, rel: str, capsys: pytest.CaptureFixture[str]) -> None:
    link = project / rel
    if link.exists():
        link.unlink()
    link.symlink_to(secret)
    out = _refused(project, capsys, rel, "symbolic link")
    assert str(secret) not in out and "elsewhere-dir" not in out


def test_proc_environ_link_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / CONTENT / "env.md").symlink_to("/proc/self/environ")
    out = _refused(project, capsys, f"{CONTENT}/env.md", "symbolic link")
    assert "environ" not in out.replace(f"{CONTENT}/env.md", "")


def test_a_symlinked_folder_is_refused_and_not_entered(project: Path, secret: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (project / CONTENT / "extra").symlink_to(secret.parent, target_is_directory=True)
    out = _refused(project, capsys, f"{CONTENT}/extra", "symbolic link")
    assert "extra/config" not in out


def test_a_fifo_is_refused_without_being_opened(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(project / CONTENT / "pipe.md")  # reading it would hang the build
    _refused(project, capsys, f"{CONTENT}/pipe.md", "not a regular file")


@pytest.mark.parametrize("rel, data, message", [
    (f"{CONTENT}/x.html", b"<script>alert(1)</script>", "file type '.html' is not allowed"),
    (f"{CONTENT}/logo.svg", b"<svg onload=alert(1)><script>alert(1)</script></svg>", "'.svg' is not allowed"),
    (f"{CONTENT}/LOGO.SVG", b"<svg/>", "'.svg' is not allowed"),
    (f"{CONTENT}/assets/app.js", b"alert(1)", "'.js' is not allowed"),
    (f"{CONTENT}/README", b"x", "'(none)' is not allowed"),
    (f"{CONTENT}/photo.png", b"<html><script>alert(1)</script>", "not a png image"),
    (f"{CONTENT}/photo.webp", b"RIFF\0\0\0\0WAVEfmt ", "not a webp image"),
    (f"{CONTENT}/extra.po", b'msgid ""\nmsgstr ""\n', "only there"),
    (f"{CONTENT}/LC_MESSAGES/page.md", b"# x\n", "only there"),
    ("site_config/overrides/evil.js", b"alert(1)", "'.js' is not allowed under site_config/"),
    ("stats/notes.txt", b"x", "'.txt' is not allowed under stats/"),
])
def test_only_allowed_file_types(project: Path, rel: str, data: bytes, message: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    (project / rel).parent.mkdir(parents=True, exist_ok=True)
    (project / rel).write_bytes(data)
    _refused(project, capsys, rel, message)


def test_real_images_are_allowed(project: Path) -> None:
    (project / CONTENT / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    (project / CONTENT / "b.JPG").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20)
    (project / CONTENT / "c.webp").write_bytes(b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 20)
    assert check_inputs(project) == []


@pytest.mark.parametrize("config_line, message", [
    ('x: !!python/object/apply:os.system ["touch {marker}"]', "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("x: !!python/name:os.system", "python/name:os.system"),
    ("x: !!python/object/new:subprocess.Popen [[touch, {marker}]]", "python/object/new"),
    ("site_author: !ENV GITHUB_TOKEN", "'!ENV'"),
    ("site_author: !relative $config_dir", "'!relative'"),
    ("x: !!binary aGVsbG8=", "tag:yaml.org,2002:binary"),
    ("hooks: [evil.py]", "field=hooks"),
    ("extra_javascript: [assets/x.js]", "field=extra_javascript"),
    ("docs_dir: .", "must be 'content'"),
])
def test_mkdocs_yml_runs_no_code(project: Path, config_line: str, message: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    marker = project / "PWNED"
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("docs_dir: content\n", "")
    config.write_text(text + "\n" + config_line.format(marker=marker) + "\n", encoding="utf-8")
    _refused(project, capsys, "mkdocs.yml", message)
    assert not marker.exists()


@pytest.mark.parametrize("old, new, message", [
    ("  - admonition\n", "  - admonition\n  - evil_module\n", "'evil_module' is not allowed"),
    ("  - search\n", "  - search\n  - macros\n", "'macros' is not allowed"),
    ("  name: material\n", "  name: material\n  custom_dir: /\n", "must be 'site_config/overrides'"),
])
def test_mkdocs_yml_loads_only_allowed_extensions_and_plugins(project: Path, old: str, new: str, message: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    _refused(project, capsys, "mkdocs.yml", message)


def test_site_config_yaml_is_scanned_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "site_config" / "digest.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "x: !!python/object/apply:os.getcwd []\n", encoding="utf-8")
    _refused(project, capsys, "site_config/digest.yaml", "python/object/apply")


def test_alias_bomb_and_deep_nesting_are_refused_quickly() -> None:
    bomb = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n".encode() for i in range(8))
    assert len(bomb) < 600
    assert "anchors and aliases" in str(yaml_problems(bomb, "mkdocs.yml"))
    deep = b"x: " + b"[" * 250 + b"]" * 250 + b"\n"
    assert f"nested more than {MAX_DEPTH} levels" in str(yaml_problems(deep, "mkdocs.yml"))
    assert yaml_problems(b"a: [1, {b: c}]\n", "x.yaml") == []


def test_catalog_commands_refuse_a_linked_catalog(project: Path, secret: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`digest i18n update` rewrites catalogs: through a link it would write outside the repository."""
    catalog = next(path for code in LANGS if (path := project / "content" / code / "LC_MESSAGES" / "digest.po").is_file())
    secret.write_bytes(catalog.read_bytes())
    before = secret.read_bytes()
    catalog.unlink()
    catalog.symlink_to(secret)
    for action in ("update", "status"):
        assert cli.main(["--root", str(project), "i18n", action]) == 1
        assert "symbolic link" in capsys.readouterr().err
    assert secret.read_bytes() == before
