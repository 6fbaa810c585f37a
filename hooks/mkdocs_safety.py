"""MkDocs adapter for survivor-safe output; the work is in ``survivor_safety/``.

- ``on_config``: validate the settings that reach the page (``extra``'s keys, site
  texts, ``site_url``) and ``extra.survivor_safety`` (the quick-exit destination above
  all, rebuilt from its parse).
- ``on_page_markdown``: put the page's content note, from front matter, under its title.
- ``on_page_content`` (last): the page's title and heading ids, which the theme prints
  outside the content, must be plain text and plain names.
- ``on_page_context`` (last of every hook): the page's shape probe (the template with
  neutral values for everything its author wrote); then the theme's own inline scripts
  for this page, from a probe rendering with no contributor content: the fixed allowlist.
- ``on_post_page`` / ``on_post_template``: the finished page is parsed once, whole:
  outside the content it must be the shape probe, inside it the content allowlist holds,
  and the content note's ``skip_to`` must be an id on it; ``rel="noreferrer"`` goes on
  every outbound link; the hash-based Content-Security-Policy ``<meta>`` goes right
  after ``<meta charset>``.
- ``on_post_build`` (first): the results of every check (the internal links too, which
  the checking process checks as each page arrives, for the links hook: ``built_pages``),
  then the ``_headers`` file with the full policy for Netlify/Cloudflare Pages.

Both checks (``survivor_safety.page_checks``) run in a worker process beside the build
(``worker_process``) while MkDocs renders the next page. MkDocs then writes a stand-in
for each page, and the checked page replaces it once its check has passed; a page that
fails is never written. Under `mkdocs serve`, and where no worker can be forked, the
checks run inline and stop the build at the page itself.

The quick-exit markup and script live in ``overrides/`` (``main.html`` and
``assets/javascripts/quick-exit.js``).
"""

from __future__ import annotations

import copy
import posixpath
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import built_pages
from extra_settings import load_extra_settings, shown_file
from mkdocs.config import base
from mkdocs.config import config_options as c
from contributor_log import contributor_log
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc
from mkdocs.utils import write_file
from survivor_safety.content_notes import SKIP_TO, content_note_markdown, insert_after_title
from survivor_safety.csp import headers_file, inline_script_hashes, insert_csp_meta, policy
from survivor_safety.page_checks import SecuredPage, secure_page
from survivor_safety.page_shape import probe_content
from survivor_safety.settings import extra_problems, rebuilt_https_url, rebuilt_site_url, site_text_problems
from survivor_safety.template_values import heading_problems, title_problems
from survivor_safety.urls import read_url
from worker_process import OrderedChecks, WorkerStopped, can_fork

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = contributor_log(__file__)


class SafetyConfig(base.Config):
    """Settings under ``extra.survivor_safety`` in mkdocs.yml."""

    quick_exit_url = c.URL()
    safety_page = c.Type(str, default="staying-safe-online.md")
    content_security_policy = c.Type(bool, default=True)
    # Links inside the site replace the tab's current history entry, so that after the
    # exit Back leaves the site instead of walking back through the pages read.
    replace_history = c.Type(bool, default=True)


class _BuildState:
    """Per-build data; reset in on_config because `mkdocs serve` keeps this module loaded."""

    def __init__(self, settings: SafetyConfig, site_host: str, config_dir: str, checks: OrderedChecks) -> None:
        self.settings = settings
        self.site_host = site_host
        self.config_dir = config_dir
        self.checks = checks
        self.problem: str | None = None  # the first check that failed (in the worker): raised after the pages
        self.env: Environment | None = None
        # The theme's inline scripts, keyed by (template, base_url): they depend on both.
        self.theme_hashes: dict[tuple[str, str], set[str]] = {}
        self.page_hashes: dict[str, set[str]] = {}
        self.shape_probes: dict[str, str] = {}  # src_uri -> the page rendered with neutral values (page_shape)
        self.allowed_scripts: frozenset[str] = frozenset()  # site paths of the theme's and our scripts
        self.script_hashes: set[str] = set()
        self.link_check_started = False  # built_pages.start sent, with the first page


_state: _BuildState | None = None
_serving = False
# What MkDocs writes for a page until its check has passed (never a page that failed).
STAND_IN = "<!-- this page is written once its safety check has passed -->\n"


# Hooks


def on_startup(*, command: str, dirty: bool) -> None:
    """Remember whether this is `mkdocs serve`: its live-reload script is inline and
    changes on every request, so no hash can allow it."""
    global _serving
    _serving = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate the safety settings once per build."""
    global _state
    problems = site_text_problems(config) + extra_problems(config.extra)
    if config.site_url:
        try:
            config.site_url = rebuilt_site_url(config.site_url)  # the theme prints it raw (canonical links)
        except ValueError as error:
            problems.append(f"{error} — write the published address, e.g. https://example.org/racial-equity/")
    if problems:
        raise PluginError("\n".join(f"mkdocs.yml: {problem}" for problem in problems))
    settings = load_extra_settings(config, "survivor_safety", SafetyConfig, "see README, 'Reading safely'")
    settings.quick_exit_url = _check_exit_destination(settings.quick_exit_url, config.site_url)
    config.extra["survivor_safety"] = dict(settings)  # templates read the validated values
    site_host = urlsplit(config.site_url or "").hostname or ""
    if _state is not None:
        _state.checks.close()  # a previous build that stopped early
    _state = _BuildState(settings, site_host, str(Path(config.config_file_path).parent),
                         OrderedChecks(in_worker=can_fork() and not _serving))
    # Theme pages such as 404.html name their scripts from the site's root path.
    site_root = unquote(urlsplit(config.site_url or "").path.strip("/"))
    scripts = theme_scripts(config.theme.dirs)
    _state.allowed_scripts = scripts | {f"{site_root}/{path}" for path in scripts if site_root}
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


@event_priority(-100)
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    """The title and heading ids the theme prints outside the content must be text and
    plain names (``template_values``); refused here, at the page, with its line."""
    # A front-matter title is escaped text already (contributor checks); a title taken
    # from the first heading is HTML, which the theme's striptags would turn into markup.
    title = "" if "title" in page.meta else page.title or ""
    problems = title_problems(title) + list(heading_problems(_headings(page.toc)))
    if problems:
        state = _require_state()
        raise PluginError("\n".join(dict.fromkeys(_violation_lines(problems, _shown_path(page, state),
                                                                    _source_text(page)))))
    return None


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    """Keep the template environment for the probe renderings."""
    _require_state().env = env
    return env


# (run last) check the content as every hook and Markdown extension left it, and probe
# with the context every other hook has prepared
@event_priority(-100)
def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """Render the page's shape probe (``page_shape``: the same template and context with
    neutral values for everything its author wrote), which the finished page is held
    to; derive this page's allowed inline scripts from the template alone."""
    state = _require_state()
    template = page.meta.get("template") or "main.html"
    state.shape_probes[page.file.src_uri] = _render(template, dict(context, page=_shape_probe_page(page)))
    state.page_hashes[page.file.src_uri] = _theme_script_hashes(template, context, page)
    return context


def on_template_context(context: dict[str, Any], *, template_name: str, config: MkDocsConfig) -> dict[str, Any]:
    """The same for theme pages such as 404.html (not sitemap.xml: no scripts run there)."""
    if not template_name.endswith(".html"):
        return context
    state = _require_state()
    state.page_hashes[template_name] = _theme_script_hashes(template_name, context, page=None)
    return context


# (run last) the policy must cover the final HTML, after every other hook has changed it
@event_priority(-100)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Check the finished page against the allowlist, then secure its links and policy."""
    state = _require_state()
    note = page.meta.get("content_note")
    skip_to = note.get("skip_to") if isinstance(note, dict) else ""
    return _secure_page(output, state.page_hashes.get(page.file.src_uri, set()),
                        lambda: (_shown_path(page, state), _source_text(page)), page.file.dest_uri,
                        page.file.abs_dest_path, shape_probe=state.shape_probes.pop(page.file.src_uri, ""),
                        skip_to=skip_to or "")


@event_priority(-100)
def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The same on theme pages such as 404.html."""
    if not template_name.endswith(".html"):
        return output_content
    state = _require_state()
    return _secure_page(output_content, state.page_hashes.get(template_name, set()), lambda: (template_name, ""),
                        template_name, str(Path(config.site_dir, template_name)), theme_template=True)


# (run first) the link check and every other post-build step read the checked pages
@event_priority(100)
def on_post_build(*, config: MkDocsConfig) -> None:
    """Take every check's result (the checked pages replace their stand-ins), stop on the
    first problem; then write `_headers` with the full policy, which a <meta> cannot carry."""
    state = _require_state()
    if state.link_check_started:
        _submit(state, built_pages.deliver, built_pages.finish)
    _finish_checks(state)
    if state.problem:
        raise PluginError(state.problem)
    if not state.settings.content_security_policy:
        return
    text = headers_file(policy(sorted(state.script_hashes), for_header=True))
    Path(config.site_dir, "_headers").write_text(text, encoding="utf-8")


def on_build_error(*, error: Exception) -> None:
    """A build stopped elsewhere: stop the worker too."""
    if _state is not None:
        _state.checks.close()


# Helper functions


def _check_exit_destination(url: str | None, site_url: str | None) -> str:
    """A neutral https site that is not ours (Back must not land on this site again),
    rebuilt from its parse."""
    if not url:
        raise PluginError(
            "mkdocs.yml: extra.survivor_safety.quick_exit_url is not set — set it to a neutral, "
            "non-personalised https page such as a weather site"
        )
    if read_url(url).scheme != "https":
        raise PluginError(f"mkdocs.yml: extra.survivor_safety.quick_exit_url '{url}' is not https — "
                          "use an https address, so the exit cannot be intercepted or downgraded")
    try:
        rebuilt = rebuilt_https_url(url, "extra.survivor_safety.quick_exit_url")
    except ValueError as error:
        raise PluginError(f"mkdocs.yml: {error} — use a plain https address such as https://www.weather.gov/") from None
    if site_url and read_url(site_url).host == read_url(rebuilt).host:
        raise PluginError(f"mkdocs.yml: extra.survivor_safety.quick_exit_url '{url}' is on this site — "
                          "the quick exit must leave the site")
    return rebuilt


def _parse_content_note(note: Any, page: Page) -> tuple[str, str, str]:
    """``content_note`` is text, or a mapping with text, skip_to and skip_label."""
    if isinstance(note, str) and note.strip():
        return note, "", ""
    if isinstance(note, dict) and isinstance(note.get("text"), str) and note["text"].strip():
        unknown = set(note) - {"text", "skip_to", "skip_label"}
        skip_to, skip_label = note.get("skip_to", ""), note.get("skip_label", "")
        if not unknown and isinstance(skip_label, str) and isinstance(skip_to, str) and (
                not skip_to or SKIP_TO.match(skip_to)):
            return note["text"], skip_to, skip_label
    raise PluginError(
        f"{page.file.src_uri}: 'content_note' in the front matter must be text, or 'text:' with optional "
        "'skip_to: \"#anchor\"' and 'skip_label:' — see CONTRIBUTING.md, 'Edit or add a page'"
    )


def _headings(items) -> list[tuple[str, str, list]]:
    return [(item.id, item.title, _headings(item.children)) for item in items]


def _probe_page(page: Page) -> Page:
    """The page with everything a contributor wrote taken out: no content, no table of
    contents, no front matter, a fixed title and no neighbours."""
    probe = copy.copy(page)
    probe.markdown, probe.content, probe.toc, probe.meta = "", "", get_toc([]), {}
    probe.title = "Page"
    probe.previous_page = probe.next_page = None
    return probe


def _shape_probe_page(page: Page) -> Page:
    """The page with neutral values for everything its author wrote, in the same shape:
    markers for the content, a table of contents with the same tree and neutral ids,
    a fixed title and description."""
    probe = copy.copy(page)
    probe.__class__ = _ShapeProbePage
    probe.content = probe_content(page.content or "")
    probe.toc = _neutral_toc(page.toc)
    probe.title = "Page"
    probe.meta = dict(page.meta)
    for key in ("title", "description"):
        if key in probe.meta:
            probe.meta[key] = "Text"
    if probe.meta.get("citation_meta"):
        probe.meta["citation_meta"] = [(name, "Text") for name, _ in probe.meta["citation_meta"]]
    return probe


class _ShapeProbePage(Page):
    """A page equal to the page it stands for (Material marks the current page in the
    navigation with ``nav_item == page``, which MkDocs decides by title and file)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Page) and self.file == other.file

    __hash__ = Page.__hash__


def _neutral_toc(toc: TableOfContents) -> TableOfContents:
    counter = iter(range(1, 1_000_000))

    def neutral(items: list[AnchorLink]) -> list[AnchorLink]:
        copies = []
        for item in items:
            link = AnchorLink("Heading", f"heading-{next(counter)}", item.level)
            link.children = neutral(item.children)
            copies.append(link)
        return copies

    return TableOfContents(neutral(list(toc)))


def theme_scripts(theme_dirs: list[str]) -> frozenset[str]:
    """The site paths of the only scripts a page may load: the theme's bundle and the
    site's own scripts, as files of the theme (``assets/javascripts/*.js``)."""
    found = set()
    for folder in theme_dirs:
        scripts = Path(folder, "assets", "javascripts")
        if scripts.is_dir():
            found |= {f"assets/javascripts/{path.name}" for path in scripts.glob("*.js")}
    return frozenset(found)


def _render(template_name: str, context: dict[str, Any]) -> str:
    state = _require_state()
    if state.env is None:
        raise PluginError("hooks/mkdocs_safety.py: on_env did not run — list the hook under 'hooks:'")
    return state.env.get_template(template_name).render(context)


def _theme_script_hashes(template_name: str, context: dict[str, Any], page: Page | None) -> set[str]:
    """Hashes of the inline scripts the template itself writes, rendered with an empty
    navigation and the page's probe (``_probe_page``); cached per template and base URL."""
    state = _require_state()
    base_url = str(context.get("base_url", ""))
    key = (template_name, base_url)
    if key not in state.theme_hashes:
        probe_context = dict(context, nav=Navigation([], []), page=_probe_page(page) if page else None)
        state.theme_hashes[key] = set(inline_script_hashes(_render(template_name, probe_context)))
    return state.theme_hashes[key]


def _secure_page(html: str, allowed_hashes: set[str], where: Callable[[], tuple[str, str]], dest: str = "",
                 abs_dest: str = "", theme_template: bool = False, shape_probe: str = "", skip_to: str = "") -> str:
    """The finished page, checked (``page_checks.secure_page``) with its policy added.
    ``where`` gives the file to name in errors and its source text (read only when there
    is an error); ``dest``, its path in the site, for the link check. With the checks in
    the worker, the page goes there, MkDocs writes the stand-in, and ``_page_secured``
    writes the page to ``abs_dest`` once it has passed."""
    state = _require_state()
    secured: list[str] = []
    state.script_hashes.update(allowed_hashes)
    if not state.link_check_started:  # the links hook has asked by now (its on_config ran)
        state.link_check_started = True
        _submit(state, _no_result, built_pages.start, built_pages.requested())
    _submit(state, lambda result: secured.append(_page_secured(result, html, allowed_hashes, where, state,
                                                                abs_dest, theme_template)),
            secure_page, html, allowed_hashes, state.site_host, dest, shape_probe, skip_to, state.allowed_scripts)
    return secured[0] if secured else STAND_IN


def _page_secured(result: SecuredPage, html: str, allowed_hashes: set[str], where: Callable[[], tuple[str, str]],
                  state: _BuildState, abs_dest: str, theme_template: bool) -> str:
    if result.violations:
        _refuse("\n".join(dict.fromkeys(_violation_lines(result.violations, *where()))), state)
        return STAND_IN
    output = html if result.html is None else result.html
    if state.settings.content_security_policy and not _serving:  # live reload is inline; `make build` has the policy
        try:
            output = insert_csp_meta(output, policy(sorted(allowed_hashes)))
        except ValueError as error:
            _refuse(f"{where()[0]}: {error} — keep Material's site_meta block in overrides/main.html", state)
            return STAND_IN
    if state.checks.in_worker and state.problem is None:
        # As MkDocs would have written it (pages: undecodable characters as references).
        write_file(output.encode("utf-8") if theme_template else output.encode("utf-8", errors="xmlcharrefreplace"),
                   abs_dest)
    return output


def _no_result(_: None) -> None:
    pass


def _violation_lines(violations, shown: str, source: str) -> list[str]:
    """One ``FILE:LINE: problem — fix`` line per violation, its line found in the source."""
    return [violation.render(shown, violation.line_in(source)) for violation in violations]


def _submit(state: _BuildState, then: Callable[[Any], None], check: Callable[..., Any], *arguments: Any) -> None:
    try:
        state.checks.submit(then, check, *arguments)
    except WorkerStopped as error:
        raise _worker_stopped(error) from None


def _finish_checks(state: _BuildState) -> None:
    try:
        state.checks.finish()
    except WorkerStopped as error:
        raise _worker_stopped(error) from None


def _worker_stopped(error: Exception) -> PluginError:
    return PluginError(f"hooks/mkdocs_safety.py: the worker process that checks finished pages stopped ({error}) — "
                       "build again; if it stops again, report it with the page last changed")


def _refuse(problem: str, state: _BuildState) -> None:
    """Stop the build on a failed check: at once inline; after the pages with the worker
    (the page being built now is not the one that failed)."""
    if not state.checks.in_worker:
        raise PluginError(problem)
    if state.problem is None:
        state.problem = problem


def _source_text(page: Page) -> str:
    try:
        return page.file.content_string
    except (OSError, UnicodeDecodeError, AssertionError):
        return ""


def _shown_path(page: Page, state: _BuildState) -> str:
    return shown_file(page.file, state.config_dir)


def _require_state() -> _BuildState:
    if _state is None:
        raise PluginError("hooks/mkdocs_safety.py: on_config did not run — list the hook under 'hooks:'")
    return _state
