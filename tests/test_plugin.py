"""The MkDocs plugin's own behaviour, event by event, without a build (each MkDocs event called directly)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT
from digest.render import ShortcodeExtension
from digest.site.plugin import DigestPlugin


def plugin_with(**options: object) -> DigestPlugin:
    plugin = DigestPlugin()
    errors, _warnings = plugin.load_config({"root": str(ROOT), **options})
    assert not errors, errors
    return plugin


def test_the_extension_is_added_once_however_often_on_config_runs():
    """mkdocs-static-i18n re-runs the whole build, on_config included, once per language."""
    from mkdocs.config import load_config

    plugin, config = plugin_with(), load_config(str(ROOT / "mkdocs.yml"))
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
