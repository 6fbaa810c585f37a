"""The citations package runs without MkDocs, so the checks can move to another generator."""

from __future__ import annotations

import subprocess
import sys

from conftest import DOCS, HOOKS

SCRIPT = f"""
import sys
sys.modules["mkdocs"] = None          # any 'import mkdocs...' now raises ImportError
sys.path.insert(0, {str(HOOKS)!r})
from citations import bibliography, engine, exports, render, sources_page, syntax
bib = bibliography.load_bibliography({str(DOCS / '_data' / 'bibliography.yaml')!r})
formatted = engine.Engine(engine.DEFAULT_STYLE).format(["[@vera-unjust-burden-2018]"], exports.engine_items(bib))
page = render.render_page("Text [@vera-unjust-burden-2018].", render.Styled(bib, formatted))
assert 'href="#ref-vera-unjust-burden-2018"' in page.fill(page.markdown)
assert not any(name.startswith("mkdocs.") for name in sys.modules)
print("ok")
"""


def test_citations_package_imports_without_mkdocs():
    completed = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"
