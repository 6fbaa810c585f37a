"""MkDocs adapter for survivor-safe output; the work is in ``survivor_safety/``.

- ``on_config``: validate ``extra.survivor_safety`` (the quick-exit destination above all).
- ``on_page_markdown``: put the page's content note, from front matter, under its title.
- ``on_page_content``: ``rel="noreferrer"`` on every external link.
- ``on_post_page`` / ``on_post_template``: a hash-based Content-Security-Policy ``<meta>``.
- ``on_post_build``: the ``_headers`` file with the full policy for Netlify/Cloudflare Pages.

The quick-exit markup and script live in ``overrides/`` (``main.html`` and
``assets/javascripts/quick-exit.js``).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from extra_settings import load_extra_settings
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from survivor_safety.content_notes import content_note_markdown, insert_after_title
from survivor_safety.csp import headers_file, inline_script_hashes, insert_csp_meta, policy
from survivor_safety.links import add_noreferrer

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)


class SafetyConfig(base.Config):
    """Settings under ``extra.survivor_safety`` in mkdocs.yml."""

    quick_exit_url = c.URL()
    safety_page = c.Type(str, default="staying-safe-online.md")
    content_security_policy = c.Type(bool, default=True)


class _BuildState:
    """Per-build data; reset in on_config because `mkdocs serve` keeps this module loaded."""

    def __init__(self, settings: SafetyConfig) -> None:
        self.settings = settings
        self.script_hashes: set[str] = set()


_state: _BuildState | None = None
_serving = False


# Hooks


def on_startup(*, command: str, dirty: bool) -> None:
    """Remember whether this is `mkdocs serve`: its live-reload script is inline and
    changes on every request, so no hash can allow it."""
    global _serving
    _serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate the safety settings once per build."""
    global _state
    settings = load_extra_settings(config, "survivor_safety", SafetyConfig, "see README, 'Reading safely'")
    _check_exit_destination(settings.quick_exit_url, config.site_url)
    config.extra["survivor_safety"] = dict(settings)  # templates read the validated values
    _state = _BuildState(settings)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """The safety page must exist: every content note and the footer link to it."""
    safety_page = _require_state().settings.safety_page
    safety_file = files.get_file_from_path(safety_page)
    if safety_file is None:
        raise PluginError(
            f"mkdocs.yml: extra.survivor_safety.safety_page: '{safety_page}' is not a page in docs/ — "
            "create it or point the setting at the 'Staying safe online' page"
        )
    config.extra["survivor_safety"]["safety_page_url"] = safety_file.url  # for the footer link
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    """Insert the content note under the title when the front matter asks for one."""
    note = page.meta.get("content_note")
    if note is None:
        return None
    settings = _require_state().settings
    text, skip_to, skip_label = _parse_content_note(note, page)
    safety_link = posixpath.relpath(settings.safety_page, posixpath.dirname(page.file.src_uri) or ".")
    block = content_note_markdown(text, settings.quick_exit_url, safety_link, skip_to, skip_label)
    return insert_after_title(markdown, block)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Outbound links carry rel="noreferrer"."""
    return add_noreferrer(html)


# (run last) the policy must hash the final HTML, after every other hook has changed it
@event_priority(-100)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Add the Content-Security-Policy meta tag to each page."""
    return _apply_csp(output, page.file.src_uri)


@event_priority(-100)
def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The same policy on theme pages such as 404.html."""
    if not template_name.endswith(".html"):
        return output_content
    return _apply_csp(output_content, template_name)


def on_post_build(*, config: MkDocsConfig) -> None:
    """Write `_headers` with the full policy, including what a <meta> cannot carry."""
    state = _require_state()
    if not state.settings.content_security_policy:
        return
    text = headers_file(policy(sorted(state.script_hashes), for_header=True))
    Path(config.site_dir, "_headers").write_text(text, encoding="utf-8")


# Helper functions


def _check_exit_destination(url: str | None, site_url: str | None) -> None:
    """A neutral https site that is not ours: Back must not land on this site again."""
    if not url:
        raise PluginError(
            "mkdocs.yml: extra.survivor_safety.quick_exit_url is not set — set it to a neutral, "
            "non-personalised https page such as a weather site"
        )
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise PluginError(f"mkdocs.yml: extra.survivor_safety.quick_exit_url '{url}' is not https — "
                          "use an https address, so the exit cannot be intercepted or downgraded")
    if site_url and urlsplit(site_url).hostname == parts.hostname:
        raise PluginError(f"mkdocs.yml: extra.survivor_safety.quick_exit_url '{url}' is on this site — "
                          "the quick exit must leave the site")


def _parse_content_note(note: Any, page: Page) -> tuple[str, str, str]:
    """``content_note`` is text, or a mapping with text, skip_to and skip_label."""
    if isinstance(note, str) and note.strip():
        return note, "", ""
    if isinstance(note, dict) and isinstance(note.get("text"), str) and note["text"].strip():
        unknown = set(note) - {"text", "skip_to", "skip_label"}
        if not unknown:
            return note["text"], str(note.get("skip_to", "")), str(note.get("skip_label", ""))
    raise PluginError(
        f"{page.file.src_uri}: 'content_note' in the front matter must be text, or 'text:' with optional "
        "'skip_to: \"#anchor\"' and 'skip_label:' — see CONTRIBUTING.md, 'Edit or add a page'"
    )


def _apply_csp(html: str, name: str) -> str:
    state = _require_state()
    if not state.settings.content_security_policy:
        return html
    if _serving:
        return html  # the preview server's live reload would be blocked; `make build` applies the policy
    hashes = inline_script_hashes(html)
    state.script_hashes.update(hashes)
    try:
        return insert_csp_meta(html, policy(hashes))
    except ValueError as error:
        raise PluginError(f"{name}: {error} — keep Material's site_meta block in overrides/main.html") from None


def _require_state() -> _BuildState:
    if _state is None:
        raise PluginError("hooks/mkdocs_safety.py: on_config did not run — list the hook under 'hooks:'")
    return _state
