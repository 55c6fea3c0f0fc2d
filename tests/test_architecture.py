"""The pipeline's shape: stages before the site know nothing of MkDocs, and none reaches back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "scripts" / "digest"
# The stages, in pipeline order: each may import only those before it.
ORDER = ["problems", "guard", "cache", "allowlist", "model", "units", "config", "messages", "load", "quotes",
         "tracking", "translate", "catalogs", "progress", "format", "chart", "export", "cite", "shortcodes", "lint",
         "render", "pages", "pipeline", "site"]
# Tools around the pipeline: they may import any stage, and no stage imports them.
TOOLS = {"cli", "bench", "schema", "scaffold", "i18n_commands", "preview_timing"}


def module_name(path: Path) -> str:
    """digest/site/plugin.py → "site"; digest/lint.py → "lint": the stage a file belongs to."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_modules(path: Path) -> set[str]:
    """Stages and tools a file imports (see :func:`imports_in`)."""
    return imports_in(path.read_text(encoding="utf-8"), depth=len(path.relative_to(PACKAGE).parts) - 1)


def imports_in(source: str, depth: int) -> set[str]:
    """Stages and tools imported in every spelling: ``from .x import y``, ``from . import x``,
    ``from ..x import y`` (in site/), ``import digest.x``, ``from digest.x import y``, ``from digest import x``.

    ``depth`` is 0 for digest/x.py, 1 for digest/site/x.py.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("digest.")}
        elif isinstance(node, ast.ImportFrom):
            found |= _from_import(node, depth)
    return found


def _from_import(node: ast.ImportFrom, depth: int) -> set[str]:
    if node.level == 0:
        parts = (node.module or "").split(".")
        if parts[0] != "digest":
            return set()
        return {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
    if node.level - 1 < depth:  # within the same subpackage (e.g. site/ importing site/)
        return set()
    return {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_is_a_stage_or_a_tool():
    unknown = {module_name(p) for p in package_files()} - set(ORDER) - TOOLS
    assert not unknown, f"add {unknown} to ORDER (a stage, in pipeline order) or TOOLS"


@pytest.mark.parametrize("path", package_files(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_stage_imports_a_later_one_or_a_tool(path: Path):
    module = module_name(path)
    if module in TOOLS:
        return
    imported = imported_modules(path) - {module}
    allowed = set(ORDER[: ORDER.index(module)])
    assert imported <= allowed, f"{module} imports later stage(s) or tools {imported - allowed}"


def test_the_import_check_catches_every_spelling():
    """The checker itself: a checker that sees nothing would pass everything."""
    source = ("from . import plugin\nfrom .. import render\nfrom ..lint import validate\n"
              "import digest.pipeline\nfrom digest import bench\nfrom digest.cli import main\nimport os\n")
    assert imports_in(source, depth=1) == {"render", "lint", "pipeline", "bench", "cli"}
    assert imports_in("from . import lint\nfrom .render import x\n", depth=0) == {"lint", "render"}


def test_stages_before_the_site_do_not_import_mkdocs():
    stages = ", ".join(f"digest.{m}" for m in ORDER if m != "site")
    code = (f"import sys; import {stages}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'mkdocs_static_i18n')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(ROOT / "scripts")})
    assert result.stdout.strip() == "[]"
