"""What a page's content may contain: a positive model, decided on the document the
browser builds (the finished page, parsed whole; see ``page_shape``).

Every element, attribute and attribute value must be listed here; anything else is
refused, whatever it is (``inert``, ``popover``, ``style``, ``tabindex``, a ``<label>``
that toggles the theme's menus, an attribute no browser knows yet). Ids and classes
follow a pattern and may not take names the site or the theme reserves, so nothing in
the content can pose as the quick exit or restyle the page around it.

Plain Python; no MkDocs import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from link_check.html_scan import srcset_urls
from survivor_safety.html_rules import FORBIDDEN_ELEMENTS
from survivor_safety.urls import SAFE_SCHEMES, bidi_control, mixed_script_label, read_url

# What Markdown and its extensions (tables, footnotes, abbr, admonition, details,
# attr_list, md_in_html, superfences) and this site's hooks write, and the plain
# phrasing and grouping elements a contributor may write by hand.
ELEMENTS = frozenset("""
a abbr aside b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure
h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp section small span strong sub summary sup
table tbody td tfoot th thead time tr u ul var wbr
""".split())

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role", "aria-label", "aria-labelledby",
                               "aria-describedby", "aria-hidden", "data-search-exclude"})
ELEMENT_ATTRIBUTES = {
    "a": {"href", "rel", "hreflang", "download", "type"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope", "abbr"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "col": {"span"}, "colgroup": {"span"},
    "span": {"data-cites"},  # in-text citations (hooks/citations)
}

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.\-]{0,199}$")
CLASS = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,99}$")
# Names the site (the quick exit, its scripts) and Material ("md-", "__drawer"...) use.
RESERVED_PREFIXES = ("quick-exit", "md-", "js-", "__")
NUMBER = re.compile(r"^\d{1,4}$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,4}$")
ROLES = frozenset({"note", "list", "listitem", "img", "presentation", "none", "region", "group", "figure",
                   "table", "term", "definition", "doc-biblioref", "doc-bibliography", "doc-biblioentry",
                   "doc-footnote", "doc-endnotes", "doc-noteref", "doc-backlink", "doc-example", "doc-tip",
                   "doc-notice", "doc-pullquote", "doc-epigraph"})
REL_TOKENS = frozenset({"noreferrer", "noopener", "nofollow", "external", "license", "author", "help", "tag",
                        "bookmark", "ugc", "sponsored"})


def _one_of(*values: str) -> Callable[[str], bool]:
    allowed = frozenset(values)
    return lambda value: value.strip().lower() in allowed


def _matches(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda value: bool(pattern.match(value))


def _tokens(allowed: frozenset[str]) -> Callable[[str], bool]:
    return lambda value: all(token.lower() in allowed for token in value.split())


def _free_text(value: str) -> bool:
    return True  # shown as text (bidi controls are checked with the page's text)


VALUE_RULES: dict[str, tuple[Callable[[str], bool], str]] = {
    "dir": (_one_of("ltr", "rtl", "auto"), "ltr, rtl or auto"),
    "lang": (_matches(LANGUAGE), "a language tag such as en or es-MX"),
    "hreflang": (_matches(LANGUAGE), "a language tag such as en or es-MX"),
    "role": (_tokens(ROLES), "a document role such as note, or none"),
    "rel": (_tokens(REL_TOKENS), "noreferrer, nofollow or external"),
    "aria-hidden": (_one_of("true", "false"), "true or false"),
    "aria-labelledby": (lambda value: all(ID.match(token) for token in value.split()), "ids on this page"),
    "aria-describedby": (lambda value: all(ID.match(token) for token in value.split()), "ids on this page"),
    "download": (_matches(re.compile(r"^[A-Za-z0-9_.\-]{0,100}$")), "a plain file name, or nothing"),
    "type": (_matches(re.compile(r"^(?:[a-z]+/[a-z0-9.+\-]+|[1aAiI])$")), "a media type such as text/csv"),
    "loading": (_one_of("lazy", "eager"), "lazy or eager"),
    "decoding": (_one_of("async", "sync", "auto"), "async, sync or auto"),
    "align": (_one_of("left", "right", "center"), "left, right or center"),
    "scope": (_one_of("row", "col", "rowgroup", "colgroup"), "row or col"),
    "open": (_one_of("", "open"), "nothing: write it as plain 'open'"),
    "reversed": (_one_of("", "reversed"), "nothing: write it as plain 'reversed'"),
    "data-search-exclude": (_one_of(""), "nothing: write it as plain 'data-search-exclude'"),
    "datetime": (_matches(re.compile(r"^[0-9][0-9T:\-+.Z ]{0,39}$")), "a date such as 2022-03-01"),
    "data-cites": (_matches(re.compile(r"^[^\s<>\"'`]{1,200}(?: [^\s<>\"'`]{1,200}){0,50}$")), "citation keys"),
    "title": (_free_text, ""), "alt": (_free_text, ""), "aria-label": (_free_text, ""), "abbr": (_free_text, ""),
    "sizes": (_matches(re.compile(r"^[A-Za-z0-9 ().,:\-%]{0,200}$")), "a sizes list such as 100vw"),
}
for _name in ("width", "height", "colspan", "rowspan", "start", "value", "span"):
    VALUE_RULES[_name] = (_matches(NUMBER), "a whole number")
# URL attributes: what following (href, cite) or loading (src, srcset) them may reach.
LINK_ATTRIBUTES = frozenset({"href", "cite"})
LOAD_ATTRIBUTES = frozenset({"src", "srcset"})
# Text that reads as an address: "example.org", "www.example.org/x", "https://example.org".
ADDRESS_TEXT = re.compile(r"^(?:(?:https?:)?//)?(?:[\w\-]+\.)+[^\W\d_][\w\-]*(?::\d+)?(?:[/?#]\S*)?$")


def reserved_name(name: str) -> bool:
    return name.lower().startswith(RESERVED_PREFIXES)


def element_problems(tag: str, attributes: dict[str, str | None], site_host: str,
                     theme_ids: frozenset[str] | set[str] = frozenset()) -> Iterable[tuple[str, str, str]]:
    """(problem, fix, needle) for one content element; nothing when it is allowed."""
    if tag not in ELEMENTS:
        yield (f"<{tag}> is not allowed", FORBIDDEN_ELEMENTS.get(tag) or _element_fix(tag), f"<{tag}")
        return
    allowed = ELEMENT_ATTRIBUTES.get(tag, set())
    for name, value in attributes.items():
        value = value or ""
        if name not in GLOBAL_ATTRIBUTES and name not in allowed:
            yield (f"attribute '{name}=' is not allowed on <{tag}>", _attribute_fix(name), name)
        elif name == "id":
            yield from _id_problems(value, theme_ids)
        elif name == "class":
            yield from _class_problems(value)
        elif name in LINK_ATTRIBUTES or name in LOAD_ATTRIBUTES:
            urls = srcset_urls(value) if name == "srcset" else [value]
            for url in urls:
                yield from url_problems(url, name, name in LOAD_ATTRIBUTES, site_host)
        else:
            rule, expected = VALUE_RULES[name]
            if not rule(value):
                yield (f"{name}=\"{value[:60]}\" is not allowed on <{tag}>", f"use {expected}", f"{name}=")
            elif control := bidi_control(value):
                yield (f"{name}= contains the invisible control character {control}",
                       "delete it: it makes text read differently from how it is stored", f"{name}=")


def url_problems(url: str, attribute: str, loads: bool, site_host: str) -> Iterable[tuple[str, str, str]]:
    """A link may go anywhere over http(s), mailto: or tel:; what loads comes from this site."""
    read = read_url(url, site_host)
    if read.scheme and read.scheme not in SAFE_SCHEMES:
        yield (f"'{read.scheme}:' URLs are not allowed (in {attribute}=)",
               "link to a page of the site or an https address", f"{read.scheme}:")
        return
    if loads and (read.leaves_site or read.scheme not in ("http", "https")):
        yield (f"image or media from another site ('{url.strip()}')",
               "save the file under docs/assets/images/ and link to it there, so readers' "
               "browsers contact no other site", url.strip())
        return
    if read.host and (label := mixed_script_label(read.host)):
        yield (f"the address '{read.unicode_host}' mixes alphabets in '{label}', as look-alike addresses do",
               "check the address and write it in one alphabet (or its xn-- form if that is really its name)",
               url.strip()[:40])


def link_text_problems(text: str, href: str, site_host: str) -> Iterable[tuple[str, str, str]]:
    """Link text that shows an address must lead to that address's host."""
    shown = text.strip()
    if not ADDRESS_TEXT.match(shown):
        return
    shown_host = read_url(shown if "//" in shown else f"https://{shown}", site_host).host
    target_host = read_url(href, site_host).host
    if shown_host and _bare(shown_host) != _bare(target_host):
        yield (f"the link text shows '{shown}' but the link goes to '{target_host or href}'",
               "make the text match the address, or describe the page in words", shown[:40])


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _id_problems(value: str, theme_ids: frozenset[str] | set[str]) -> Iterable[tuple[str, str, str]]:
    if reserved_name(value) or value in theme_ids:
        yield (f"id=\"{value}\" is reserved for the site's own controls",
               "choose another id (ids starting quick-exit, md-, js- or __ belong to the theme)", value)
    elif not ID.match(value):
        yield (f"id=\"{value[:60]}\" is not a plain name",
               "use letters, digits, '-', '_', '.' and ':' only, starting with a letter or digit", value[:30] or "id=")


def _class_problems(value: str) -> Iterable[tuple[str, str, str]]:
    for name in value.split():
        if reserved_name(name):
            yield (f"class \"{name[:60]}\" is reserved for the site's own controls",
                   "choose another class (classes starting quick-exit, md-, js- or __ belong to the theme)", name)
        elif not CLASS.match(name):
            yield (f"class \"{name[:60]}\" is not a plain name", "use letters, digits, '-' and '_' only", name[:30])


def _element_fix(tag: str) -> str:
    if tag in ("script", "noscript"):
        return "remove it: pages run no scripts of their own (ask a maintainer if you need one)"
    if tag in ("iframe", "frame", "frameset", "object", "embed", "applet", "portal", "video", "audio"):
        return "embedded content loads another site in the reader's browser; link to it instead"
    if tag == "style":
        return "use the site's stylesheet; inline styles are blocked by the page's security policy"
    if tag in ("meta", "base", "link", "title", "head", "body", "html"):
        return "the theme writes the page around the content; remove it"
    if tag == "form" or tag in ("input", "button", "select", "textarea", "label"):
        return "forms and controls are not allowed; link to the form's own page instead"
    return "use Markdown, or one of the plain elements listed in CONTRIBUTING.md"


def _attribute_fix(name: str) -> str:
    if name.startswith("on"):
        return "remove the attribute: pages run no scripts"
    if name == "style":
        return "inline styles are blocked by the page's security policy; use a class from the site's stylesheet"
    return "remove it; pages may use the attributes listed in CONTRIBUTING.md"
