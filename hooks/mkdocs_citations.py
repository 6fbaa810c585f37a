"""MkDocs adapter for the citations package: events only, the work is in ``citations/``.

Citations are a Python-Markdown extension (``citations.markdown_extension``): Markdown
itself decides what is code, text and attribute, and each citation becomes elements of
its tree. This hook gives the extension one engine run for the whole build and turns
its errors into ``FILE:LINE`` messages.

1. ``on_config``: validate ``extra.citations``, load the bibliography, check the citation
   style (errors stop) and add the extension to the build's Markdown extensions.
2. ``on_files``: read every page once and find its citations (an unknown key stops the
   build, with file and line); start the engine (``citations.engine``, cached): one
   Pandoc run formats every unique citation and every entry, two more write the BibTeX
   and BibLaTeX exports, in threads beside MkDocs' own work. Warn about sources nothing
   cites; add the exports (CSL-JSON and RIS written here).
3. ``on_page_markdown``: the first page waits for the engine's run; the extension uses
   its results. On the Sources page, a placeholder for each list of sources.
4. ``on_page_content``: what the page cites, and where, for the Sources page's backlinks.
5. ``on_env``: the BibTeX exports get their text (MkDocs writes files next).
6. ``on_page_context``: before the search plugin, the Sources page's lists (every page
   has been converted by now) and the page's citation tags; after it, "Cite this page"
   (dated by hooks/mkdocs_page_meta.py) and the check that no citation is left as text.
7. ``on_post_build``: the same wait, for a build in which no page waited for the engine.
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from citations.bibliography import KEY_PATTERN, Bibliography, BibliographyError, load_bibliographies, \
    suggest_key
from citations.engine import DEFAULT_STYLE, Engine, EngineError, default_cache_dir
from citations.exports import bibtex_exports, engine_items, to_csl_json, to_ris
from citations.markdown_extension import CitationsExtension, DocumentCitations
from citations.published_text import near_misses, unescaped_raw_citations
from citations.render import UnknownKeyError, cite_this_page_html, page_clusters
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
        self.citations = _SiteCitations(self)
        self.pages: dict[str, tuple[File, str]] = {}      # every page and its text, as on_files read it
        self.clusters: dict[str, list[Cluster]] = {}      # per page, as on_files found them
        self.cited: set[str] = set()                      # every key any page cites
        self.page: Page | None = None                     # the page Markdown is converting
        self.cited_on: dict[str, list[str]] = {}          # per page, the keys it cites in the style's order
        self.backlinks: dict[str, list[Backlink]] = {}
        self.sources_slots: HtmlSlots | None = None       # the Sources page's lists, filled before search
        self.sources_listing: SourcesListing | None = None
        self.formatting: Future | None = None             # the engine's runs, beside MkDocs' own work
        self.exports: Future[dict[str, str]] | None = None
        self.export_files: dict[str, File] = {}


class _SiteCitations(DocumentCitations):
    """The extension's citations for this build: formatted by the build's one engine
    run, and its errors, raised while Markdown converts a page, as that page's lines."""

    def __init__(self, state: _BuildState) -> None:
        super().__init__(state.bibliography, state.engine)
        self.state = state

    def format(self, clusters: list[Cluster]) -> None:
        """One more run, for a cluster the build's run was not given (an earlier hook
        added it to the page's Markdown)."""
        try:
            super().format(clusters)
        except EngineError as error:
            raise PluginError(f"{self._where(clusters[0].text)[0]}: {error}") from None

    def unknown_key(self, key: str, written: str) -> None:
        where, in_file = self._where(written)
        added = "" if in_file else " (added by a hook; it is not in the file)"
        raise PluginError(f"{where}: unknown citation key '{key}'{added} — {_unknown_key_fix(key, self.state)}")

    def _where(self, text: str) -> tuple[str, bool]:
        """FILE:LINE of ``text`` on the page being converted, and whether that is a line of
        its file (if not, of the Markdown an earlier hook gave the page)."""
        page = self.state.page
        file, source = self.state.pages.get(page.file.src_uri, (page.file, ""))
        line = _line_of(source, text)
        shown = f"{shown_file(file, self.state.config_dir)}:{line or _line_of(self.source, text) or 1}"
        return shown, line is not None


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
    config.markdown_extensions.append(CitationsExtension(citations=_state.citations))
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Find every page's citations, start the engine on them, add the exports."""
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
    files.append(File.generated(config, "bibliography.json", content=to_csl_json(state.bibliography)))
    files.append(File.generated(config, "bibliography.ris", content=to_ris(state.bibliography)))
    for name in PANDOC_EXPORTS:  # their text comes from the engine, in on_env
        state.export_files[name] = File.generated(config, name, content="")
        files.append(state.export_files[name])
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Give the extension the engine's results; on the Sources page, place its lists."""
    state = _require_state()
    _wait_for_formatting(state)
    state.page = page
    if page.file.src_uri == state.settings.sources_page:
        return _place_sources_list(markdown, page, state)
    return markdown


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """What the page cites, in the style's order, and where (the Sources page's backlinks)."""
    state = _require_state()
    citations = state.citations
    state.cited_on[page.file.src_uri] = citations.styled.ordered(citations.cited) if citations.cited else []
    file, source = state.pages.get(page.file.src_uri, (page.file, page.markdown or ""))
    title = _page_title(source, file) if citations.sites else ""
    for site in citations.sites:
        state.backlinks.setdefault(site.key, []).append(Backlink(file.src_uri, title, site.section, site.anchor))
    return html


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    """Give the BibTeX and BibLaTeX exports their text (MkDocs writes files next)."""
    state = _require_state()
    for name, text in _engine_result(state.exports, state).items():
        state.export_files[name].content_string = text
    return env


# Before the search plugin (priority 0) reads the page: the Sources page's entries are searchable.
@event_priority(100)
def _before_search(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """The Sources page's lists, now that every page's citations are known; every
    other page's citation tags for reference managers."""
    state = _require_state()
    if page.file.src_uri == state.settings.sources_page and state.sources_listing is not None:
        slots = state.sources_slots
        fill_sources(state.sources_listing, state.citations.styled, state.backlinks, _url_from(page, state), slots)
        page.content = slots.fill(page.content or "")
        if page.present_anchor_ids is not None:  # MkDocs checks links to them
            page.present_anchor_ids |= slots.ids
    elif page.file.src_uri in state.cited_on:
        page.meta["citation_meta"] = _citation_meta(page, config, state.cited_on[page.file.src_uri], state)
    return context


# After hooks/mkdocs_page_meta.py has dated the page, before the safety hook (-100) checks it.
@event_priority(-50)
def _after_search(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """"Cite this page" on content pages (excluded from search); then the invariant."""
    state = _require_state()
    if not page.is_homepage and page.file.src_uri != state.settings.sources_page:
        page.content = (page.content or "") + "\n" + _cite_this_page(page, config)
    _check_no_raw_citation(page, state)
    return context


on_page_context = CombinedEvent(_before_search, _after_search)


def on_post_build(*, config: MkDocsConfig) -> None:
    """Wait for the engine even if no page did, so its problems always stop the build."""
    _wait_for_formatting(_require_state())


# Helper functions


def _check_no_raw_citation(page: Page, state: _BuildState) -> None:
    """The invariant after rendering: no citation of a known key is left as text."""
    file, source = state.pages.get(page.file.src_uri, (page.file, page.file.content_string))
    raw = unescaped_raw_citations(page.content or "", source, state.bibliography.entries)
    if not raw:
        return
    line = _line_of(source, raw[0]) or 1
    raise PluginError(f"{shown_file(file, state.config_dir)}:{line}: citation '{raw[0]}' would be published as "
                      "text — Markdown reads nothing inside a raw HTML block: add markdown=\"1\" to the HTML "
                      "element around it, or write the citation outside the HTML")


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
    strays: list[int] = []
    try:
        clusters = page_clusters(source, state.bibliography, strays)
    except UnknownKeyError as error:
        raise PluginError(f"{shown_file(file, state.config_dir)}:{error.line}: unknown citation key "
                          f"'{error.key}' — {_unknown_key_fix(error.key, state)}") from None
    for miss in near_misses(source, strays):
        log.warning("%s", miss.message(shown_file(file, state.config_dir)))
    return clusters


def _unknown_key_fix(key: str, state: _BuildState) -> str:
    suggestion = suggest_key(key, state.bibliography)
    if suggestion is None:
        return f"add an entry with id '{key}' to {state.bibliography.path}"
    if KEY_PATTERN.match(suggestion):
        return f"did you mean '{suggestion}'?"
    return f"did you mean '{suggestion}'? Cite it in braces: {_citation_of(suggestion)}"  # Pandoc reads it only so


def _start_engine(state: _BuildState) -> None:
    """Format every cluster and write the BibTeX exports in two threads (each a Pandoc
    process), while MkDocs reads the navigation and the theme."""
    every_cluster = [cluster.engine_text for found in state.clusters.values() for cluster in found]
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="citations")
    state.formatting = pool.submit(state.engine.format, every_cluster, engine_items(state.bibliography))
    state.exports = pool.submit(bibtex_exports, state.bibliography, state.engine, PANDOC_EXPORTS)
    pool.shutdown(wait=False)  # the threads end with their runs


def _wait_for_formatting(state: _BuildState) -> None:
    """Once per build: the extension takes the engine's run over every page."""
    if not state.citations.collected:
        state.citations.use(_engine_result(state.formatting, state))


def _engine_result(future: Future | None, state: _BuildState):
    """Wait for one of the engine's runs; its problem as one line."""
    if future is None:
        raise PluginError("hooks/mkdocs_citations.py: on_files did not run — list the hook under 'hooks:'")
    try:
        return future.result()
    except EngineError as error:
        raise PluginError(_engine_message(error, state)) from None


def _engine_message(error: EngineError, state: _BuildState) -> str:
    """The engine's problem as one line, at the first page and line that has the citation."""
    for uri, (file, _) in state.pages.items():
        for cluster in state.clusters[uri]:
            if error.cluster and cluster.engine_text == error.cluster:
                return f"{shown_file(file, state.config_dir)}:{cluster.line}: {error.problem} in '{cluster.text}' — {error.fix}"
    if error.key in state.bibliography:
        return f"{state.bibliography.where(error.key)}: entry '{error.key}': {error}"
    return f"{state.bibliography.path}: {error}"


def _line_of(text: str, part: str) -> int | None:
    """The line of ``text`` where ``part`` first stands, or None."""
    position = text.find(part)
    return text.count("\n", 0, position) + 1 if position >= 0 else None


def _place_sources_list(markdown: str, page: Page, state: _BuildState) -> str:
    if not SOURCES_MARKER.search(markdown):
        log.warning(
            "%s: no '<!-- citations:sources-list -->' marker — add it where the list of "
            "sources should appear", page.file.src_uri,
        )
        return markdown
    state.sources_slots = HtmlSlots()
    state.sources_listing = sources_markdown(list(state.bibliography.keys()), state.cited, state.sources_slots)
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
        tags.append(("citation_reference", state.citations.styled.reference_text(key)))
    return tags


def _cite_this_page(page: Page, config: MkDocsConfig) -> str:
    """A collapsed "Cite this page" block: APA text and BibTeX, left out of search."""
    title = page.meta.get("title") or page.title or config.site_name
    author = config.site_author or config.site_name
    url = page.canonical_url if config.site_url else ""
    key = re.sub(r"[^a-z0-9]+", "-", f"{config.site_name} {title}".lower()).strip("-")
    return cite_this_page_html(author, title, config.site_name, url, key, str(page.meta.get("last_updated") or ""))


def _citation_of(key: str) -> str:
    """How a page cites ``key``: [@key], or [@{key}] when the key is not a plain one."""
    return f"[@{key}]" if KEY_PATTERN.match(key) else f"[@{{{key}}}]"


def _require_state() -> _BuildState:
    if _state is None:
        raise PluginError("hooks/mkdocs_citations.py: on_config did not run — list the hook under 'hooks:'")
    return _state
