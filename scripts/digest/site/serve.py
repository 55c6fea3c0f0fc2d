"""``digest serve``: the preview server for editors and translators.

MkDocs' own ``mkdocs serve`` has two habits that hurt contributors:

- **A failed rebuild freezes the browser.** Its server holds every request until a
  rebuild succeeds, so a broken catalog looks like a hung site, and the messages are
  only in the terminal. Here each rebuild goes to a fresh folder that replaces the
  served one only when it succeeds; when it fails, the server keeps serving the last
  good pages with the problems shown in a box at the top of each, and browsers reload
  as soon as the next save fixes it. (Before any good build exists, every page is the
  list of problems.)
- **Every save rebuilds every language.** With ``--lang da`` only Danish is built
  (at the root of the preview, as mkdocs-static-i18n's ``build_only_locale`` does) and
  only what Danish pages depend on is watched: ``content/da/``, the source-language
  pages (whose changes make a translation outdated), ``stats/``, ``site_config/`` and
  ``mkdocs.yml``. The file watcher polls those few folders every 0.1 s instead of
  MkDocs' 0.5 s.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import _SCRIPT_TEMPLATE, LiveReloadServer, _serve_url, _timestamp

from ..problems import InputError, Problem
from .build import failure_problems

log = logging.getLogger("mkdocs.plugins.digest.serve")

POLL_SECONDS = 0.1


def restrict_to_language(config: MkDocsConfig, code: str) -> None:
    """Build only ``code``, at the root of the site (what ``build_only_locale`` does, after validation)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:  # derived by the digest plugin in on_config, which then builds only ``code``
        digest = config.plugins.get("digest")
        if digest is not None:
            digest.preview_language = code
        return
    locales = [lang.locale for lang in i18n.config.languages]
    if code not in locales:
        raise InputError([Problem("digest serve", None, None, "--lang",
                                  f"no language {code!r}; expected one of: {', '.join(locales)}")])
    for lang in i18n.config.languages:
        lang.default = lang.build = lang.locale == code
    i18n.config.build_only_locale = code
    digest = config.plugins.get("digest")
    if digest is not None:
        digest.preview_language = code  # the plugin prepares only this language's catalog and charts


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, serving whichever build folder last succeeded, and its problems."""

    problems: list[str]
    good: bool
    listening: threading.Event

    def server_activate(self) -> None:
        super().server_activate()
        self.listening.set()

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        if not self.problems:
            return content
        at = content.find(b">", content.find(b"<body")) + 1 if b"<body" in content else 0
        return content[:at] + problem_box(self.problems).encode() + content[at:]

    def problem_page(self) -> bytes:
        """A whole page listing the problems, which reloads itself when the next build is done."""
        script = _SCRIPT_TEMPLATE.substitute(epoch=self._visible_epoch, request_id=_timestamp())
        return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>Build failed</title></head>"
                f"<body>{problem_box(self.problems)}<script>{script}</script></body></html>").encode()


def problem_box(problems: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return ('<div role="alert" style="position:relative;z-index:10;margin:0;padding:1em 1.5em;background:#fff0f0;'
            'color:#600;border-bottom:3px solid #c00;font:14px/1.5 system-ui,sans-serif">'
            f"<strong>The last change could not be built ({len(problems)} problem{'s' if len(problems) != 1 else ''})."
            f"</strong> You are seeing the last good version of the site. Fix the file and save; this page reloads."
            f"<ul style=\"margin:.5em 0 0;padding-left:1.2em\">{items}</ul></div>")


class _Capture(logging.Handler):
    """Warnings and errors logged during one build: MkDocs logs the plugin's message, then raises ``Abort``."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} -  {record.getMessage()}")


def messages_of(error: BaseException, logged: list[str]) -> list[str]:
    """The problems in a failed build, one per line, as the terminal shows them."""
    if isinstance(error, InputError):
        return [str(p) for p in error.problems]
    return [str(p) for p in failure_problems("\n".join(logged + [str(error) or type(error).__name__]))]


def serve(root: Path, lang: str | None = None, dev_addr: str | None = None,
          on_ready: Callable[[PreviewServer], None] | None = None) -> None:
    """Build, serve and rebuild on change until interrupted (or until ``on_ready``'s caller shuts it down)."""
    config_file = str(root / "mkdocs.yml")
    base = Path(tempfile.mkdtemp(prefix="digest-serve-"))
    overrides: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}

    def get_config(site_dir: Path) -> MkDocsConfig:
        config = load_config(config_file=config_file, site_dir=str(site_dir), **overrides)
        digest = config.plugins.get("digest")
        if digest is not None:
            digest.previewing = True  # a preview holds no language back: its translators want to see it
        if lang:
            restrict_to_language(config, lang)
        return config

    first = get_config(base / "empty")
    host, port = first.dev_addr
    mount_path = urlsplit(first.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)
    lock = threading.Lock()
    builds: list[Path] = []  # good build folders, oldest first

    def builder(config: MkDocsConfig | None = None) -> None:
        """Build into a fresh folder; swap it in on success, keep the last good one on failure."""
        with lock:
            staging = Path(tempfile.mkdtemp(prefix="build-", dir=base))
            capture = _Capture()
            logging.getLogger("mkdocs").addHandler(capture)
            try:
                config = get_config(staging)
                config.site_url = serve_url
                build(config, serve_url=serve_url)
            except (Exception, SystemExit) as err:  # noqa: BLE001 - every failure is shown, none stops the server
                shutil.rmtree(staging, ignore_errors=True)
                server.problems = messages_of(err, capture.lines)
                log.error("build failed; serving the last good pages with %d problem(s)", len(server.problems))
                for line in server.problems:
                    log.error(line)
                return
            finally:
                logging.getLogger("mkdocs").removeHandler(capture)
            server.root, server.problems, server.good = str(staging), [], True
            # The previous build stays one round: a request that began before the swap still reads from it.
            builds.append(staging)
            while len(builds) > 2:
                shutil.rmtree(builds.pop(0), ignore_errors=True)

    (base / "empty").mkdir()
    server = PreviewServer(builder=builder, host=host, port=port, root=str(base / "empty"), mount_path=mount_path,
                           polling_interval=POLL_SECONDS)
    server.problems, server.good, server.listening = [], False, threading.Event()
    server.build_delay = 0.05
    server.error_handler = lambda code: server.problem_page() if server.problems else None
    try:
        builder()
        threading.Thread(target=_warm_up_charts, daemon=True).start()
        for path in watched_paths(root, lang, first):
            server.watch(str(path))
        first.plugins.on_serve(server, config=first, builder=builder)
        if on_ready is not None:  # called once the socket listens, from its own thread
            threading.Thread(target=lambda: server.listening.wait(120) and on_ready(server), daemon=True).start()
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _warm_up_charts() -> None:
    """Import matplotlib now, while the contributor reads the page, not on their first save that redraws a chart."""
    from ..chart import prepare_drawing

    prepare_drawing()


def watched_paths(root: Path, lang: str | None, config: MkDocsConfig) -> list[Path]:
    """What a rebuild depends on: one language's folder and its source pages, or all of content/."""
    paths = [root / "mkdocs.yml", root / "stats", root / "site_config"]
    if lang is None:
        paths.append(Path(config.docs_dir))
    else:
        source = _source_language(root)
        paths += [root / "content" / lang] + ([root / "content" / source] if source and source != lang else [])
    return [p for p in paths if p.exists()]


def _source_language(root: Path) -> str | None:
    from ..config import load_config as load_digest_config

    try:
        return load_digest_config(root).default.code
    except InputError:
        return None
