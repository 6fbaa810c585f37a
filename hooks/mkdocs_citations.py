"""MkDocs adapter for the citations package: events only, the work is in ``citations/``.

Order of work in a build:

1. ``on_config``: validate ``extra.citations``, load the bibliography and check the
   citation style (errors stop).
2. ``on_files``: read every page once and find its citations (an unknown key stops the
   build, with file and line); start the engine (``citations.engine``, cached): one
   Pandoc run formats every unique citation and every entry, two more write the BibTeX
   and BibLaTeX exports. They run beside MkDocs' own work, which needs none of their
   results until the first page's context. Warn about sources nothing cites; put a
   placeholder for each citation and a References section in every page; add the
   exports (CSL-JSON and RIS written here).
3. ``on_page_markdown``: take that placement (found again only if an earlier hook
   changed the page's Markdown), append "Cite this page", and place the Sources list.
4. ``on_env``: the BibTeX exports get their text (MkDocs writes files next).
5. ``on_page_context``, before the search plugin: wait for the engine once, put its HTML
   in every page's placeholders (Pandoc's HTML, with bibliography text escaped; it
   never passes through Markdown) and collect the Sources page's backlinks; then fill
   this page's citations (search reads them as text) and tell MkDocs about the anchors
   they carry. After search: the citations' links, and References and "Cite this page",
   which search excludes, so its parser reads none of their markup.
6. ``on_post_build``: the same wait, for a build in which no page's context ran.
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from citations.bibliography import KEY_PATTERN, Bibliography, BibliographyError, load_bibliographies, \
    suggest_key
from citations.engine import DEFAULT_STYLE, Engine, EngineError, Formatted, default_cache_dir
from citations.exports import bibtex_exports, engine_items, to_csl_json, to_ris
from citations.markdown_escapes import AtSignEscapes
from citations.published_text import near_misses, unescaped_raw_citations
from citations.render import (
    CitationSite,
    PlacedPage,
    Styled,
    UnformattedClusterError,
    UnknownKeyError,
    cite_this_page_html,
    fill_citations,
    page_clusters,
    place_citations,
)
from citations.slots import HtmlSlots
from citations.sources_page import Backlink, SourcesListing, fill_sources, sources_markdown
from citations.syntax import Cluster
from extra_settings import OneOrMoreFiles, load_extra_settings, shown_file, shown_path
from mkdocs.config import base
from mkdocs.config import config_options as c
from contributor_log import contributor_log
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File
from mkdocs.utils import meta as front_matter

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = contributor_log(__file__)

SOURCES_MARKER = re.compile(r"<!-- citations:sources-list.*?-->", re.DOTALL)
# Exports Pandoc writes (file name -> writer); CSL-JSON and RIS are written here.
PANDOC_EXPORTS = {"bibliography.bib": "bibtex", "bibliography-biblatex.bib": "biblatex"}
CSL_NAMESPACE = "{http://purl.org/net/xbiblio/csl}"


class CitationsConfig(base.Config):
    """Settings under ``extra.citations`` in mkdocs.yml."""

    bibliography = OneOrMoreFiles()
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
        self.pages: dict[str, tuple[File, str]] = {}      # every page and its text, as on_files read it
        self.clusters: dict[str, list[Cluster]] = {}      # per page, as on_files found them
        self.cited: set[str] = set()                      # every key any page cites
        self.read_pages: dict[str, PlacedPage] = {}       # per page, placed in on_files, for on_page_markdown
        self.placed: dict[str, PlacedPage] = {}           # per page, from on_page_markdown
        self.slots: dict[str, HtmlSlots] = {}             # per page, until its last placeholder is filled
        self.cite_slots: dict[str, int] = {}              # per page, its "Cite this page" slot (dated after page meta)
        self.for_search: dict[str, tuple[str, str]] = {}  # per page, while search reads it: (HTML with
        #                                                   placeholders, the search view given to search)
        self.sources_listing: SourcesListing | None = None
        self.formatting: Future[Formatted] | None = None  # the engine's runs, beside MkDocs' own work
        self.exports: Future[dict[str, str]] | None = None
        self.export_files: dict[str, File] = {}
        self.styled: Styled | None = None
        self.cited_on: dict[str, list[str]] = {}          # per page, the keys it cites in the style's order
        self.backlinks: dict[str, list[Backlink]] = {}


_state: _BuildState | None = None


# Hooks


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate settings, load the bibliography and check the style, once per build."""
    global _state
    settings = load_extra_settings(config, "citations", CitationsConfig,
                                   "set it to the bibliography file, or a list of files (CSL-YAML, CSL-JSON or BibTeX), "
                                   "e.g. 'bibliography: [docs/_data/bibliography.yaml, docs/_data/zotero.json]'")
    config_dir = Path(config.config_file_path).parent
    try:
        bibliography = load_bibliographies([(path, shown_path(path, config_dir)) for path in settings.bibliography])
    except BibliographyError as error:
        raise PluginError(str(error)) from None
    style = Path(settings.style) if settings.style else DEFAULT_STYLE
    _check_style(style, config_dir)
    try:
        engine = Engine(style, cache_dir=default_cache_dir())
    except EngineError as error:
        raise PluginError(f"mkdocs.yml: extra.citations: {error}") from None
    _state = _BuildState(settings, bibliography, engine, config_dir)
    config.markdown_extensions.append(AtSignEscapes())  # "\@" keeps an @ literal, as in Pandoc
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Find every page's citations, start the engine on them, place them, add the exports."""
    state = _require_state()
    state.pages = {file.src_uri: (file, file.content_string) for file in files.documentation_pages()}
    state.clusters = {uri: _find_clusters(file, source, state) for uri, (file, source) in state.pages.items()}
    _start_engine(state)
    state.cited = {key for found in state.clusters.values() for cluster in found for key in cluster.keys}
    for key in state.bibliography.keys():
        if key not in state.cited:
            log.warning(
                "%s: entry '%s' is not cited on any page — cite it with %s, or remove it "
                "(it is listed under Further reading until then)",
                state.bibliography.where(key), key, _citation_of(key),
            )
    state.read_pages = {uri: place_citations(source, state.clusters[uri]) for uri, (_, source) in state.pages.items()}
    files.append(File.generated(config, "bibliography.json", content=to_csl_json(state.bibliography)))
    files.append(File.generated(config, "bibliography.ris", content=to_ris(state.bibliography)))
    for name in PANDOC_EXPORTS:  # their text comes from the engine, in on_env
        state.export_files[name] = File.generated(config, name, content="")
        files.append(state.export_files[name])
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put placeholders for the citations; on the Sources page, for the list of sources."""
    state = _require_state()
    uri = page.file.src_uri
    placed = state.placed[uri] = _placed_page(markdown, page, state)
    state.slots[uri] = placed.slots
    if uri == state.settings.sources_page:  # its own citations, if any, and the list of sources
        return _place_sources_list(placed.markdown, page, state, placed.slots)
    if page.is_homepage:
        return placed.markdown  # the home page introduces the site; content pages are what readers cite
    # Filled after the page's date is known (hooks/mkdocs_page_meta.py, in on_page_context).
    number = state.cite_slots[uri] = placed.slots.reserve(searched=False)
    return placed.markdown + "\n\n" + placed.slots.placeholder(number) + "\n"


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    """Give the BibTeX and BibLaTeX exports their text (MkDocs writes files next)."""
    state = _require_state()
    for name, text in _engine_result(state.exports, state).items():
        state.export_files[name].content_string = text
    return env


# Before the search plugin (priority 0) reads the page: the citations are searchable.
@event_priority(100)
def _fill_before_search(context: dict[str, Any], *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> dict[str, Any]:
    """Fill the citations (on the Sources page, the lists of sources); MkDocs validates
    links to the anchors of every placeholder."""
    state = _require_state()
    _fill_every_page(state)
    uri = page.file.src_uri
    slots = state.slots.get(uri)
    if slots is None:
        return context
    if uri == state.settings.sources_page and state.sources_listing is not None:
        fill_sources(state.sources_listing, state.styled, state.backlinks, _url_from(page, state), slots)
    else:
        page.meta["citation_meta"] = _citation_meta(page, config, state.cited_on.get(uri, []), state)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids = {slots.text(anchor, anchor=True) for anchor in page.present_anchor_ids} | slots.ids
    _citations_in_toc(page.toc, slots)
    html = page.content or ""
    page.content = slots.fill(html, for_search=True)
    state.for_search[uri] = (html, page.content)
    return context


# After the search plugin has indexed the page, before the safety hook (-100) checks
# the content. Search read each citation as its text, and skipped the References list
# and "Cite this page" (excluded from search), so its pure-Python parser read neither.
@event_priority(-50)
def _fill_after_search(context: dict[str, Any], *, page: Page, config: MkDocsConfig,
                       nav: Navigation) -> dict[str, Any]:
    """Fill every placeholder with its HTML."""
    state = _require_state()
    uri = page.file.src_uri
    slots = state.slots.pop(uri, None)
    html, search_view = state.for_search.pop(uri, (None, None))
    if slots is None or html is None:
        return context
    if page.content is not search_view and search_view != html:
        raise PluginError(f"{shown_file(page.file, state.config_dir)}: a plugin changed the page's HTML while the search "
                          "index read it, so "
                          "hooks/mkdocs_citations.py cannot put the citations' links in — give that plugin's "
                          "on_page_context a priority above 100 or below -50")
    if uri in state.cite_slots:
        slots.fill_in(state.cite_slots.pop(uri), _cite_this_page(page, config))
    # Unchanged, the page is filled from before its search view; changed by a plugin when
    # search had read nothing in a light form, it is filled as it now is.
    page.content = slots.fill(html if page.content is search_view else page.content or "")
    _check_no_raw_citation(page, state)
    return context


on_page_context = CombinedEvent(_fill_before_search, _fill_after_search)


def _check_no_raw_citation(page: Page, state: _BuildState) -> None:
    """The invariant after rendering: no citation of a known key is left as text."""
    file, source = state.pages.get(page.file.src_uri, (page.file, page.file.content_string))
    raw = unescaped_raw_citations(page.content or "", source, state.bibliography.entries)
    if not raw:
        return
    formatted_at = {cluster.start for cluster in state.clusters.get(page.file.src_uri, [])}
    position = next((found.start() for found in re.finditer(re.escape(raw[0]), source)
                     if found.start() not in formatted_at), source.find(raw[0]))
    line = source.count("\n", 0, position) + 1 if position >= 0 else 1
    raise PluginError(f"{shown_file(file, state.config_dir)}:{line}: citation '{raw[0]}' would be published as "
                      "text — Markdown reads this line differently from the citation check (a ``` or ~~~ line "
                      "above it that Markdown does not take for a fence, say): close or remove that fence line")


def _citations_in_toc(items, slots: HtmlSlots) -> None:
    """A heading with a citation: its entry in the table of contents reads the citation's
    text, and its id the slug of that text, as in the page (``HtmlSlots.fill``)."""
    for item in items:
        item.title = slots.text(item.title)
        item.id = slots.text(item.id, anchor=True)
        _citations_in_toc(item.children, slots)


def on_post_build(*, config: MkDocsConfig) -> None:
    """Wait for the engine even if no page did, so its problems always stop the build."""
    _fill_every_page(_require_state())


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
        clusters = page_clusters(source, state.bibliography)
    except UnknownKeyError as error:
        suggestion = suggest_key(error.key, state.bibliography)
        if suggestion is None:
            fix = f"add an entry with id '{error.key}' to {_bibliography_path(state)}"
        elif KEY_PATTERN.match(suggestion):
            fix = f"did you mean '{suggestion}'?"
        else:  # Pandoc reads such a key only in braces
            fix = f"did you mean '{suggestion}'? Cite it in braces: {_citation_of(suggestion)}"
        raise PluginError(f"{shown_file(file, state.config_dir)}:{error.line}: unknown citation key "
                          f"'{error.key}' — {fix}") from None
    for miss in near_misses(source, clusters):
        log.warning("%s", miss.message(shown_file(file, state.config_dir)))
    return clusters


def _start_engine(state: _BuildState) -> None:
    """Format every cluster and write the BibTeX exports in two threads (each a Pandoc
    process). Nothing before the first page's context needs the results, so Markdown
    conversion and the theme's templates run meanwhile on the other core."""
    every_cluster = [cluster.engine_text for found in state.clusters.values() for cluster in found]
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="citations")
    state.formatting = pool.submit(state.engine.format, every_cluster, engine_items(state.bibliography))
    state.exports = pool.submit(bibtex_exports, state.bibliography, state.engine, PANDOC_EXPORTS)
    pool.shutdown(wait=False)  # the threads end with their runs


def _engine_result(future: Future | None, state: _BuildState):
    """Wait for one of the engine's runs; its problem as one line."""
    if future is None:
        raise PluginError("hooks/mkdocs_citations.py: on_files did not run — list the hook under 'hooks:'")
    try:
        return future.result()
    except EngineError as error:
        raise PluginError(_engine_message(error, state)) from None


def _fill_every_page(state: _BuildState) -> None:
    """Once per build, when the first page needs it: the engine's results into every
    page's placeholders, and the backlinks the Sources page lists."""
    if state.styled is not None:
        return
    state.styled = Styled(state.bibliography, _engine_result(state.formatting, state))
    for uri, placed in state.placed.items():
        file, source = state.pages[uri]
        try:
            sites, state.cited_on[uri] = fill_citations(placed, state.styled,
                                                        file.page.content if file.page is not None else None)
        except UnformattedClusterError as error:
            raise PluginError(
                f"{shown_file(file, state.config_dir)}:{error.cluster.line}: citation '{error.cluster.text}' "
                "was added after the pages were read — add it to the page's Markdown file, not in a later hook"
            ) from None
        _collect_backlinks(file, source, sites, state)


def _engine_message(error: EngineError, state: _BuildState) -> str:
    """The engine's problem as one line, at the first page and line that has the citation."""
    for uri, (file, _) in state.pages.items():
        for cluster in state.clusters[uri]:
            if error.cluster and cluster.engine_text == error.cluster:
                return f"{shown_file(file, state.config_dir)}:{cluster.line}: {error.problem} in '{cluster.text}' — {error.fix}"
    if error.key in state.bibliography:
        return f"{state.bibliography.where(error.key)}: entry '{error.key}': {error}"
    return f"{_bibliography_path(state)}: {error}"


def _placed_page(markdown: str, page: Page, state: _BuildState) -> PlacedPage:
    """The placement from on_files, cut to the Markdown after the front matter; placed
    again only if an earlier hook changed the page's Markdown."""
    read = state.read_pages.pop(page.file.src_uri, None)
    if read is not None and read.source.endswith(markdown):
        offset = len(read.source) - len(markdown)
        if not read.clusters or read.clusters[0].start >= offset:
            return replace(read, markdown=read.markdown[offset:])
    try:
        return place_citations(markdown, page_clusters(markdown, state.bibliography))
    except UnknownKeyError as error:
        raise PluginError(f"{shown_file(page.file, state.config_dir)}:{error.line}: unknown citation key "
                          f"'{error.key}' was added after the pages were read — add it to the page's "
                          "Markdown file and the bibliography, not in a later hook") from None


def _collect_backlinks(file: File, source: str, sites: list[CitationSite], state: _BuildState) -> None:
    if not sites:
        return
    title = _page_title(source, file)
    for site in sites:
        state.backlinks.setdefault(site.key, []).append(
            Backlink(file.src_uri, title, site.section, site.anchor)
        )


def _place_sources_list(markdown: str, page: Page, state: _BuildState, slots: HtmlSlots) -> str:
    if not SOURCES_MARKER.search(markdown):
        log.warning(
            "%s: no '<!-- citations:sources-list -->' marker — add it where the list of "
            "sources should appear", page.file.src_uri,
        )
        return markdown
    state.sources_listing = sources_markdown(list(state.bibliography.keys()), state.cited, slots)
    return SOURCES_MARKER.sub(lambda _: state.sources_listing.markdown, markdown, count=1)


def _url_from(page: Page, state: _BuildState):
    """A page's URL relative to ``page``, from its docs-relative path."""
    def url_of(page_path: str) -> str:
        return state.pages[page_path][0].url_relative_to(page.file)
    return url_of


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
    return cite_this_page_html(author, title, config.site_name, url, key, str(page.meta.get("last_updated") or ""))


def _bibliography_path(state: _BuildState) -> str:
    """The first bibliography file: where a new entry goes."""
    return state.bibliography.path


def _citation_of(key: str) -> str:
    """How a page cites ``key``: [@key], or [@{key}] when the key is not a plain one."""
    return f"[@{key}]" if KEY_PATTERN.match(key) else f"[@{{{key}}}]"


def _require_state() -> _BuildState:
    if _state is None:
        raise PluginError("hooks/mkdocs_citations.py: on_config did not run — list the hook under 'hooks:'")
    return _state

