"""The logger the hooks write contributors' messages with: ``FILE:LINE: problem — fix``.

It sits under ``mkdocs.plugins``, so ``mkdocs build --strict`` counts its warnings as
``get_plugin_logger``'s do. Unlike that one, it puts no prefix before the message (for a
hook the prefix is the hook's full path), so each line starts with its FILE:LINE, as
editors, terminals and GitHub annotations read it.
"""

from __future__ import annotations

import logging
from pathlib import Path


def contributor_log(hook_file: str) -> logging.Logger:
    """The logger for the hook in ``hook_file`` (pass ``__file__``)."""
    return logging.getLogger(f"mkdocs.plugins.{Path(hook_file).stem}")
