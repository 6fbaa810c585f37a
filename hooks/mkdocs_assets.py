"""Serve the site's own scripts and stylesheets (``overrides/assets/``) minified.

Their sources keep the comments that say why the quick exit, search on demand and the
safety styles work as they do; readers, many on small data plans, get the same code
without them: about 3 KB less on every first visit (``benchmarks/page_weight.py``).
rjsmin and rcssmin only remove comments and whitespace. Material's own assets are
minified already and are left alone.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rcssmin import cssmin
from rjsmin import jsmin

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

MINIFIERS = {".js": jsmin, ".css": cssmin}


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Replace the text of each of our theme scripts and stylesheets with its minified form."""
    custom_dir = config.theme.custom_dir
    if not custom_dir:
        return files
    for file in files:
        minify = MINIFIERS.get(os.path.splitext(file.src_uri)[1])
        if minify and file.abs_src_path and _inside(file.abs_src_path, custom_dir):
            file.content_string = minify(file.content_string)
    return files


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(folder)
