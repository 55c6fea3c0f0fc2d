"""Every command, option, setting, shortcode and dataset field is documented where its users look."""

from __future__ import annotations

import ast
import re

from conftest import ROOT
from digest.cli import COMMANDS
from digest.config import DigestConfig, Language
from digest.model import RECORD_TYPES
from digest.shortcodes import REGISTRY, contributing_table

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    for command in COMMANDS:
        assert f"`digest {command}" in README, command


def test_readme_states_the_two_commands_and_ci_calls_the_test_one():
    assert "make site" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M)


def test_contributing_holds_the_shortcode_table_of_the_registry():
    """The table is generated from the registry (``contributing_table()``); paste it again when this fails."""
    assert contributing_table() in CONTRIBUTING
    assert all(f"`{s.usage}`" in CONTRIBUTING for s in REGISTRY.values())


def test_every_plugin_option_has_a_docstring_with_a_yaml_example():
    tree = ast.parse((ROOT / "scripts" / "digest" / "site" / "plugin.py").read_text(encoding="utf-8"))
    config = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "DigestPluginConfig")
    options = [n.targets[0].id for n in config.body if isinstance(n, ast.Assign)]
    assert options
    for i, node in enumerate(config.body):
        if isinstance(node, ast.Assign):
            doc = config.body[i + 1]
            text = doc.value.value if isinstance(doc, ast.Expr) else ""
            assert "```yaml" in text and f"{node.targets[0].id}:" in text, node.targets[0].id
            assert f"{node.targets[0].id}:" in README


def test_every_setting_is_described_with_an_example():
    for model in (DigestConfig, Language):
        for name, field in model.model_fields.items():
            assert field.description and "Example" in field.description, name


def test_every_dataset_field_has_guidance():
    for kind, model in RECORD_TYPES.items():
        for name, field in model.model_fields.items():
            assert field.description or name == "id", f"{kind}.{name}"
