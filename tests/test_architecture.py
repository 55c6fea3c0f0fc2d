"""The pipeline's shape: stages before the site know nothing of MkDocs, and none reaches back."""

from __future__ import annotations

import ast
import subprocess
import sys

from conftest import ROOT

PACKAGE = ROOT / "scripts" / "digest"
ORDER = ["problems", "model", "config", "messages", "load", "i18n", "format", "chart", "render", "pipeline"]


def test_stages_before_the_site_do_not_import_mkdocs():
    code = ("import sys; import digest.load, digest.format, digest.chart, digest.render, digest.pipeline; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'mkdocs_static_i18n')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(ROOT / "scripts")})
    assert result.stdout.strip() == "[]"


def test_no_stage_imports_a_later_one():
    for index, module in enumerate(ORDER):
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        imported = {node.module.lstrip(".") for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}
        later = imported & set(ORDER[index + 1:])
        assert not later, f"{module} imports later stage(s) {later}"
