"""The MkDocs plugin's own behaviour, event by event, without a build (each MkDocs event called directly).

Its project is a warm scratch copy of the fixture digest (the pipeline writes its cache there).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from conftest import DIGEST, copy_warm
from digest.render import ShortcodeExtension
from digest.site.plugin import DigestPlugin


def plugin_with(root: Path = DIGEST, **options: object) -> DigestPlugin:
    plugin = DigestPlugin()
    errors, _warnings = plugin.load_config({"root": str(root), **options})
    assert not errors, errors
    return plugin


def test_the_extension_is_added_once_however_often_on_config_runs(built_project: Path, tmp_path: Path):
    """mkdocs-static-i18n re-runs the whole build, on_config included, once per language."""
    from mkdocs.config import load_config

    root = copy_warm(built_project, tmp_path / "project")
    plugin, config = plugin_with(root), load_config(str(root / "mkdocs.yml"))
    for _ in range(4):
        plugin.on_config(config)
    assert [type(e) for e in config.markdown_extensions if not isinstance(e, str)] == [ShortcodeExtension]


def test_disabled_it_touches_nothing():
    """`enabled: false`: no extension, no pipeline; events that would need one return early."""
    plugin, config = plugin_with(enabled=False), SimpleNamespace(markdown_extensions=[])
    plugin.on_config(config)  # type: ignore[arg-type]
    plugin.on_pre_build(config)  # type: ignore[arg-type]  - would need config_file_path if it ran
    assert config.markdown_extensions == [] and plugin._pipeline is None
    assert plugin.on_page_markdown("[[stat x]]", None, config, None) == "[[stat x]]"  # type: ignore[arg-type]
    plugin.on_post_build(config)  # type: ignore[arg-type]


def test_the_pipeline_is_guarded_before_the_build_starts():
    with pytest.raises(PluginError, match="before on_pre_build"):
        plugin_with().pipeline
