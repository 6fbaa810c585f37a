"""The citations package runs without MkDocs, so the checks can move to another generator."""

from __future__ import annotations

import subprocess
import sys

from conftest import DOCS, HOOKS

SCRIPT = f"""
import sys
sys.modules["mkdocs"] = None          # any 'import mkdocs...' now raises ImportError
sys.path.insert(0, {str(HOOKS)!r})
import markdown
from citations import (bibliography, engine, exports, markdown_extension, published_text, render, slots,
                       sources_page, syntax)
extension = markdown_extension.CitationsExtension(bibliography=[{str(DOCS / '_data' / 'bibliography.yaml')!r}])
html = markdown.markdown("Text [@vera-unjust-burden-2018].", extensions=[extension])
assert 'href="#ref-vera-unjust-burden-2018"' in html and 'id="ref-vera-unjust-burden-2018"' in html
assert not any(name.startswith("mkdocs.") for name in sys.modules)
print("ok")
"""


def test_citations_package_imports_without_mkdocs():
    completed = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"
