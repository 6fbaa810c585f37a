"""MkDocs adapter for the citations package: events only, the work is in ``citations/``.

Order of work in a build:

1. ``on_config``: validate ``extra.citations``, load the bibliography and check the
   citation style (errors stop).
2. ``on_files``: read every page once and find its citations (an unknown key stops the
   build, with file and line); format every unique citation and every entry in one
   Pandoc run (``citations.engine``, cached); collect backlinks for the Sources page,
   warn about sources nothing cites, and add the CSL-JSON, BibTeX, BibLaTeX and RIS
   exports.
   Each page is rendered there too: citations replaced with placeholders for their
   links, References appended.
3. ``on_page_markdown``: take that rendering (found again only if an earlier hook
   changed the page's Markdown), append "Cite this page", and generate the Sources list.
4. ``on_page_content``: put the HTML of citations in place of their placeholders
   (Pandoc's HTML, with bibliography text escaped; it never passes through Markdown),
   and tell MkDocs about the anchors every placeholder carries.
5. ``on_page_context``: the same for References and "Cite this page", after the search
   plugin has read the page (search excludes both, so it need not parse them).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from citations.bibliography import Bibliography, BibliographyError, load_bibliography, suggest_key
from citations.engine import DEFAULT_STYLE, Engine, EngineError, default_cache_dir
from citations.exports import bibtex_exports, engine_items, to_csl_json, to_ris
from citations.render import (
    CitationSite,
    RenderedPage,
    Styled,
    UnformattedClusterError,
    UnknownKeyError,
    cite_this_page_html,
    page_clusters,
    render_page,
)
from citations.slots import HtmlSlots
from citations.sources_page import Backlink, sources_markdown
from citations.syntax import Cluster
from extra_settings import load_extra_settings, shown_file, shown_path
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import meta as front_matter

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)

SOURCES_MARKER = re.compile(r"<!-- citations:sources-list.*?-->", re.DOTALL)
# Exports Pandoc writes (file name -> writer); CSL-JSON and RIS are written here.
PANDOC_EXPORTS = {"bibliography.bib": "bibtex", "bibliography-biblatex.bib": "biblatex"}
CSL_NAMESPACE = "{http://purl.org/net/xbiblio/csl}"


class CitationsConfig(base.Config):
    """Settings under ``extra.citations`` in mkdocs.yml."""

    bibliography = c.File(exists=True)
    sources_page = c.Type(str, default="sources.md")
    # Any in-text CSL style, relative to mkdocs.yml; APA 7 (hooks/citations/styles/) if unset.
    style = c.Optional(c.File(exists=True))


class _BuildState:
    """Everything one build learns; replaced in on_config because `mkdocs serve`
    keeps this module loaded between rebuilds."""

    def __init__(self, settings: CitationsConfig, bibliography: Bibliography, engine: Engine,
                 config_dir: Path) -> None:
        self.settings = settings
        self.bibliography = bibliography
        self.engine = engine
        self.config_dir = config_dir
        self.styled: Styled | None = None
        self.backlinks: dict[str, list[Backlink]] = {}
        self.read_pages: dict[str, _ReadPage] = {}  # per page, from on_files to on_page_markdown
        self.slots: dict[str, HtmlSlots] = {}   # per page, between markdown and content


@dataclass(frozen=True)
class _ReadPage:
    """A page as on_files read and rendered it: on_page_markdown reuses the rendering
    instead of finding the citations a second time."""

    source: str
    clusters: list[Cluster]
    rendered: RenderedPage


_state: _BuildState | None = None


# Hooks


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate settings, load the bibliography and check the style, once per build."""
    global _state
    settings = load_extra_settings(config, "citations", CitationsConfig,
                                   "set it to the CSL-YAML file, e.g. 'bibliography: docs/_data/bibliography.yaml'")
    config_dir = Path(config.config_file_path).parent
    shown = shown_path(settings.bibliography, config_dir)
    try:
        bibliography = load_bibliography(settings.bibliography, display_path=shown)
    except BibliographyError as error:
        raise PluginError(str(error)) from None
    style = Path(settings.style) if settings.style else DEFAULT_STYLE
    _check_style(style, config_dir)
    try:
        engine = Engine(style, cache_dir=default_cache_dir())
    except EngineError as error:
        raise PluginError(f"mkdocs.yml: extra.citations: {error}") from None
    _state = _BuildState(settings, bibliography, engine, config_dir)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Find every page's citations, format them all at once, collect backlinks, add the exports."""
    state = _require_state()
    pages = [(file, file.content_string) for file in files.documentation_pages()]
    clusters = {file.src_uri: _find_clusters(file, source, state) for file, source in pages}
    every_cluster = [cluster.engine_text for found in clusters.values() for cluster in found]
    with ThreadPoolExecutor(max_workers=2) as pool:
        exports = pool.submit(bibtex_exports, state.bibliography, state.engine, PANDOC_EXPORTS)
        formatted = pool.submit(state.engine.format, every_cluster, engine_items(state.bibliography))
    try:
        state.styled = Styled(state.bibliography, formatted.result())
        written = exports.result()
    except EngineError as error:
        raise PluginError(_engine_message(error, pages, clusters, state)) from None
    state.backlinks, state.read_pages = {}, {}
    for file, source in pages:
        found = clusters[file.src_uri]
        rendered = render_page(source, state.styled, clusters=found)
        state.read_pages[file.src_uri] = _ReadPage(source, found, rendered)
        _collect_backlinks(file, source, rendered.sites, state)
    for key in state.bibliography.keys():
        if key not in state.backlinks:
            log.warning(
                "%s: entry '%s' is not cited on any page — cite it with [@%s], or remove it "
                "(it is listed under Further reading until then)",
                _bibliography_path(state), key, key,
            )
    files.append(File.generated(config, "bibliography.json", content=to_csl_json(state.bibliography)))
    files.append(File.generated(config, "bibliography.ris", content=to_ris(state.bibliography)))
    for name, text in written.items():
        files.append(File.generated(config, name, content=text))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Render citations; on the Sources page, generate the list of sources."""
    state = _require_state()
    if page.file.src_uri == state.settings.sources_page:
        slots = state.slots[page.file.src_uri] = HtmlSlots()
        return _render_sources_page(markdown, page, files, state, slots)
    rendered = _rendered_page(markdown, page, state)
    slots = state.slots[page.file.src_uri] = rendered.slots
    page.meta["citation_meta"] = _citation_meta(page, config, rendered.cited_keys, state)
    if page.is_homepage:
        return rendered.markdown  # the home page introduces the site; content pages are what readers cite
    return rendered.markdown + "\n\n" + slots.slot(_cite_this_page(page, config), searched=False) + "\n"


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill the placeholders with their HTML, except the blocks search skips; MkDocs
    validates links to the anchors of all of them."""
    slots = _require_state().slots.get(page.file.src_uri)
    if slots is None:
        return html
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= slots.ids
    return slots.fill(html, searched_only=True)


# After the search plugin (priority 0) has indexed the page, before the safety hook
# (-100) checks the content: the References list and "Cite this page" are excluded
# from search, so search need not parse them on every page.
@event_priority(-50)
def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """Fill the blocks that search skips."""
    slots = _require_state().slots.pop(page.file.src_uri, None)
    if slots is not None and page.content is not None:
        page.content = slots.fill(page.content)
    return context


# Helper functions


def _check_style(style: Path, config_dir: Path) -> None:
    """The style must be a CSL file for in-text citations (the site has no footnote citations)."""
    shown = shown_path(style, config_dir)
    try:
        root = ElementTree.parse(style).getroot()
    except (ElementTree.ParseError, OSError) as error:
        raise PluginError(f"{shown}: not a CSL style ({error}) — copy the .csl file again from the CSL "
                          "styles repository (see hooks/citations/styles/README.md)") from None
    if root.tag != f"{CSL_NAMESPACE}style":
        raise PluginError(f"{shown}: not a CSL style (the root element is not <style>) — point "
                          "extra.citations.style at a .csl file")
    if root.get("class") != "in-text":
        raise PluginError(f"{shown}: '{root.get('class')}' style — this site needs an in-text (author-date "
                          "or numeric) style; choose one such as hooks/citations/styles/apa.csl")


def _find_clusters(file: File, source: str, state: _BuildState) -> list[Cluster]:
    try:
        return page_clusters(source, state.bibliography)
    except UnknownKeyError as error:
        suggestion = suggest_key(error.key, state.bibliography)
        fix = f"did you mean '{suggestion}'?" if suggestion else (
            f"add an entry with id '{error.key}' to {_bibliography_path(state)}")
        raise PluginError(f"{shown_file(file, state.config_dir)}:{error.line}: unknown citation key "
                          f"'{error.key}' — {fix}") from None


def _engine_message(error: EngineError, pages, clusters: dict[str, list[Cluster]], state: _BuildState) -> str:
    """The engine's problem as one line, at the first page and line that has the citation."""
    for file, _ in pages:
        for cluster in clusters[file.src_uri]:
            if error.cluster and cluster.engine_text == error.cluster:
                return f"{shown_file(file, state.config_dir)}:{cluster.line}: {error.problem} in '{cluster.text}' — {error.fix}"
    entry = f"entry '{error.key}': " if error.key in state.bibliography else ""
    return f"{_bibliography_path(state)}: {entry}{error}"


def _rendered_page(markdown: str, page: Page, state: _BuildState) -> RenderedPage:
    """The rendering from on_files, cut to the Markdown after the front matter; rendered
    again only if an earlier hook changed the page's Markdown."""
    read = state.read_pages.pop(page.file.src_uri, None)
    if read is not None and read.source.endswith(markdown):
        offset = len(read.source) - len(markdown)
        if not read.clusters or read.clusters[0].start >= offset:
            return replace(read.rendered, markdown=read.rendered.markdown[offset:])
    try:
        return render_page(markdown, state.styled)
    except UnknownKeyError as error:
        raise PluginError(f"{shown_file(page.file, state.config_dir)}:{error.line}: unknown citation key "
                          f"'{error.key}' was added after the pages were read — add it to the page's "
                          "Markdown file and the bibliography, not in a later hook") from None
    except UnformattedClusterError as error:
        raise PluginError(
            f"{shown_file(page.file, state.config_dir)}:{error.cluster.line}: citation '{error.cluster.text}' "
            "was added after the pages were read — add it to the page's Markdown file, not in a later hook"
        ) from None


def _collect_backlinks(file: File, source: str, sites: list[CitationSite], state: _BuildState) -> None:
    if not sites:
        return
    title = _page_title(source, file)
    for site in sites:
        state.backlinks.setdefault(site.key, []).append(
            Backlink(file.src_uri, title, site.section, site.anchor)
        )


def _render_sources_page(markdown: str, page: Page, files: Files, state: _BuildState, slots: HtmlSlots) -> str:
    if not SOURCES_MARKER.search(markdown):
        log.warning(
            "%s: no '<!-- citations:sources-list -->' marker — add it where the list of "
            "sources should appear", page.file.src_uri,
        )
        return markdown
    def url_of(page_path: str) -> str:
        return files.get_file_from_path(page_path).url_relative_to(page.file)

    listing = sources_markdown(state.styled, state.backlinks, url_of, slots)
    return SOURCES_MARKER.sub(lambda _: listing, markdown, count=1)


def _page_title(source: str, file: File) -> str:
    body, meta = front_matter.get_data(source)
    if isinstance(meta.get("title"), str):
        return meta["title"]
    heading = re.search(r"^#\s+(.+?)\s*$", body, re.MULTILINE)
    return heading.group(1) if heading else file.src_uri


def _citation_meta(page: Page, config: MkDocsConfig, keys: list[str], state: _BuildState) -> list[tuple[str, str]]:
    """Highwire Press tags that Zotero and Google Scholar read."""
    tags = [("citation_title", page.meta.get("title") or page.title or config.site_name),
            ("citation_author", config.site_author or config.site_name)]
    if page.meta.get("last_reviewed"):
        tags.append(("citation_publication_date", str(page.meta["last_reviewed"]).replace("-", "/")))
    if config.site_url and page.canonical_url:
        tags.append(("citation_public_url", page.canonical_url))
    for key in keys:
        tags.append(("citation_reference", state.styled.reference_text(key)))
    return tags


def _cite_this_page(page: Page, config: MkDocsConfig) -> str:
    """A collapsed "Cite this page" block: APA text and BibTeX, left out of search."""
    title = page.meta.get("title") or page.title or config.site_name
    author = config.site_author or config.site_name
    url = page.canonical_url if config.site_url else ""
    key = re.sub(r"[^a-z0-9]+", "-", f"{config.site_name} {title}".lower()).strip("-")
    return cite_this_page_html(author, title, config.site_name, url, key)


def _bibliography_path(state: _BuildState) -> str:
    return shown_path(state.settings.bibliography, state.config_dir)


def _require_state() -> _BuildState:
    if _state is None:
        raise PluginError("hooks/mkdocs_citations.py: on_config did not run — list the hook under 'hooks:'")
    return _state

