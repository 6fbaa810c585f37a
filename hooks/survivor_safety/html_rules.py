"""What a page may contain, decided on the HTML a browser will actually build.

Markdown can hide HTML from a check that reads the source (escaped backticks, code
spans inside HTML blocks, odd comments...), so the rules here run on what Markdown
produced, parsed with lexbor, a WHATWG-conformant HTML5 parser: entities are decoded,
the first of duplicated attributes wins and misnested tags are repaired exactly as a
browser does. Every rule is an allowlist: what is not listed is refused.

- ``page_violations``: the finished page, parsed whole (the content itself is held to
  ``content_allowlist`` by ``page_shape``). Only the theme's own inline scripts (a fixed
  set of hashes derived from the templates) may appear; nothing else that runs code,
  styles the page inline, redirects or loads from another site.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from urllib.parse import unquote

from ada_url import URL
from selectolax.lexbor import LexborHTMLParser, LexborNode

from html_elements import Element, elements
from link_check.html_scan import srcset_urls
from survivor_safety.urls import read_url

# Elements a page's content may never contain: each runs code, loads or embeds another
# document, submits data, or changes how the whole page is read.
FORBIDDEN_ELEMENTS = {
    "script": "pages run no scripts of their own (ask a maintainer if you need one)",
    "noscript": "pages run no scripts, so there is nothing to fall back from",
    "style": "use the site's stylesheet; inline styles are blocked by the page's security policy",
    "link": "the theme loads everything a page needs",
    "meta": "a <meta> tag can redirect readers or change the page's policy; the theme writes them",
    "base": "a <base> tag changes where every link on the page goes",
    "title": "the page title comes from the front matter or the first heading",
    "iframe": "embedded content loads another site in the reader's browser; link to it instead",
    "frame": "embedded content loads another site in the reader's browser; link to it instead",
    "frameset": "embedded content loads another site in the reader's browser; link to it instead",
    "object": "embedded content loads another site in the reader's browser; link to it instead",
    "embed": "embedded content loads another site in the reader's browser; link to it instead",
    "applet": "embedded content loads another site in the reader's browser; link to it instead",
    "portal": "embedded content loads another site in the reader's browser; link to it instead",
    "form": "forms send what readers type somewhere; link to the form's own page instead",
    "template": "template contents are hidden from every check",
    # SVG animation can set an attribute (say href) to a script URL after the page loads.
    "animate": "SVG animation is not allowed; use a still image",
    "set": "SVG animation is not allowed; use a still image",
    "animatemotion": "SVG animation is not allowed; use a still image",
    "animatetransform": "SVG animation is not allowed; use a still image",
    "foreignobject": "HTML inside SVG is not allowed; use a plain SVG image",
}
FORBIDDEN_ATTRIBUTES = {
    "style": "inline styles are blocked by the page's security policy; use a class from the site's stylesheet",
    "srcdoc": "an inline document is an embedded page; link to it instead",
    "ping": "'ping' reports every click to another address",
    "formaction": "forms are not allowed",
    "action": "forms are not allowed",
}
# Attributes whose value is a URL (the HTML and SVG standards' lists, lowercased).
URL_ATTRIBUTES = {"href", "src", "xlink:href", "poster", "data", "background", "cite", "longdesc",
                  "action", "formaction", "codebase", "lowsrc", "dynsrc", "manifest", "icon", "itemtype"}
# URL attributes that make the browser fetch something on page load (not on click).
RESOURCE_ATTRIBUTES = {"src", "poster", "data", "background", "lowsrc", "dynsrc", "manifest", "icon"}
# In SVG, href on these elements loads a resource rather than following a link.
SVG_RESOURCE_HREF = {"image", "use", "feimage", "script", "pattern", "filter", "mpath", "textpath"}
SRCSET_ATTRIBUTES = {"srcset", "imagesrcset"}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}

# Attributes that neither run code, style the page nor hold a URL: skipped at once.
PLAIN_ATTRIBUTES = frozenset({
    "class", "id", "title", "lang", "dir", "role", "tabindex", "hidden", "alt", "width", "height", "name", "type",
    "for", "value", "rel", "target", "colspan", "rowspan", "scope", "open", "checked", "disabled", "autocomplete",
    "placeholder", "spellcheck", "autocapitalize", "autocorrect", "required", "viewBox", "d", "xmlns", "fill",
    "stroke", "x", "y", "cx", "cy", "r", "points", "transform", "aria-label", "aria-hidden", "aria-labelledby",
    "aria-describedby", "aria-expanded", "aria-controls", "aria-current", "data-md-component", "data-md-state",
    "data-md-scrollfix", "data-md-color-scheme", "data-md-color-primary", "data-md-color-accent",
    "data-md-color-media", "data-search-exclude", "content", "charset", "property", "media", "sizes",
})

# Script types the browser executes; JSON data blocks (Material's __config) are data.
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                    "application/ecmascript"}
# <link rel> values the theme uses; each must point at this site (canonical may be absolute).
THEME_LINK_RELS = {"stylesheet", "icon", "canonical", "prev", "next", "alternate", "manifest",
                   "apple-touch-icon", "preload", "modulepreload", "sitemap", "search"}
# Elements the theme itself writes; in the finished page they are checked one by one
# (scripts by hash, <link> by rel and host, <meta http-equiv> by value).
THEME_ELEMENTS = {"script", "meta", "link", "title", "noscript", "form"}
# Elements the finished-page check looks at even when all their attributes are plain.
PLAIN_AND_HREF = PLAIN_ATTRIBUTES | {"href"}
PAGE_SPECIAL_TAGS = frozenset({"script", "meta", "link"} | set(FORBIDDEN_ELEMENTS))
# <meta http-equiv> values the build itself writes.
THEME_META_HTTP_EQUIV = {"content-security-policy"}


@dataclass(frozen=True)
class Violation:
    """One thing in the HTML that is not allowed, with a needle to find it in the source."""

    problem: str
    fix: str
    needle: str  # text to look for in the Markdown source to give a line number

    def line_in(self, source: str) -> int:
        """The first source line that mentions the needle (1 when Markdown built it unseen)."""
        position = source.lower().find(self.needle.lower()) if self.needle else -1
        return source.count("\n", 0, position) + 1 if position >= 0 else 1

    def render(self, path: str, line: int) -> str:
        return f"{path}:{line}: {self.problem} — {self.fix}"


def parse_document(html: str) -> LexborHTMLParser:
    """The finished page, parsed once as a browser would."""
    return LexborHTMLParser(html)


def script_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def is_executable_script(node: LexborNode) -> bool:
    script_type = (node.attributes.get("type") or "").strip().lower()
    return script_type in EXECUTABLE_TYPES


def inline_scripts(tree: LexborHTMLParser) -> list[str]:
    """The text of every inline script the browser would run, in document order."""
    return [node.text(deep=True) for node in tree.root.traverse()
            if node.tag == "script" and "src" not in node.attributes and is_executable_script(node)]


def page_violations(tree: LexborHTMLParser, allowed_script_hashes: set[str], site_host: str = "",
                    walked: list[Element] | None = None, path: str = "",
                    allowed_scripts: frozenset[str] | None = None) -> list[Violation]:
    """What the finished page may not contain beyond the theme's own fixed set.
    ``walked``: ``html_elements.elements(tree)``, when the caller shares it;
    ``allowed_scripts``: the site paths of the only scripts a ``src`` may name (the page
    itself is at ``path``)."""
    found: list[Violation] = []
    for node, tag, attributes in elements(tree) if walked is None else walked:
        tag = tag.lower()
        if tag not in PAGE_SPECIAL_TAGS and PLAIN_ATTRIBUTES.issuperset(attributes):
            continue  # most elements of a page: nothing in them loads, runs or styles
        if tag == "a" and PLAIN_AND_HREF.issuperset(attributes) and ":" not in (attributes.get("href") or ""):
            continue  # a relative link (the navigation's hundreds): no scheme, and an <a> loads nothing
        if tag == "script":
            found += _script_violations(node, allowed_script_hashes, site_host, path, allowed_scripts)
        elif tag == "meta" and "http-equiv" in attributes:
            value = (attributes.get("http-equiv") or "").strip().lower()
            if value not in THEME_META_HTTP_EQUIV:
                found.append(Violation(f"<meta http-equiv=\"{value}\"> is not allowed",
                                       "a refresh or policy tag can send readers to another site; remove it",
                                       "http-equiv"))
        elif tag == "link":
            found += _link_violations(node, site_host)
        elif tag in FORBIDDEN_ELEMENTS and tag not in THEME_ELEMENTS:
            found.append(Violation(f"<{tag}> is not allowed", FORBIDDEN_ELEMENTS[tag], f"<{tag}"))
            continue
        if attributes:
            found += _attribute_violations(attributes, tag, site_host)
    return found


def _attribute_violations(attributes: dict[str, str | None], tag: str, site_host: str) -> list[Violation]:
    found = []
    for name, value in attributes.items():
        if name in PLAIN_ATTRIBUTES:
            continue  # most attributes of a page; nothing in them loads or runs
        name = name.lower()
        value = value or ""
        if name.startswith("on"):
            found.append(Violation(f"inline event handler '{name}=' is not allowed", "remove the attribute", name))
        elif name in FORBIDDEN_ATTRIBUTES:
            found.append(Violation(f"attribute '{name}=' is not allowed", FORBIDDEN_ATTRIBUTES[name], f"{name}="))
        elif name in URL_ATTRIBUTES or name in SRCSET_ATTRIBUTES:
            urls = srcset_urls(value) if name in SRCSET_ATTRIBUTES else [value]
            loads = name in RESOURCE_ATTRIBUTES or name in SRCSET_ATTRIBUTES or (
                name in ("href", "xlink:href") and tag in SVG_RESOURCE_HREF)
            for url in urls:
                found += _url_violations(url, name, loads, site_host)
    return found


def _url_violations(url: str, attribute: str, loads: bool, site_host: str) -> list[Violation]:
    if ":" not in url and not (loads and ("/" in url or "\\" in url)) and "&" not in url:
        return []  # a relative path: no scheme, no host (the common case, checked cheaply)
    read = read_url(url, site_host)
    if read.scheme and read.scheme not in ALLOWED_SCHEMES:
        return [Violation(f"'{read.scheme}:' URLs are not allowed (in {attribute}=)",
                          "link to a page of the site or an https address", f"{read.scheme}:")]
    if loads and read.leaves_site:
        return [Violation(f"image or media from another site ('{url.strip()}')",
                          "save the file under docs/assets/images/ and link to it there, so readers' "
                          "browsers contact no other site", url.strip())]
    return []


def _script_violations(node: LexborNode, allowed: set[str], site_host: str, path: str,
                       allowed_scripts: frozenset[str] | None) -> list[Violation]:
    if "src" in node.attributes:
        src = node.attributes.get("src") or ""
        read = read_url(src, site_host)
        if read.leaves_site or read.scheme not in ("http", "https"):
            return [Violation(f"script from another site ('{src}')", "scripts are served by this site only", src)]
        if allowed_scripts is not None and site_path(src, path) not in allowed_scripts:
            return [Violation(f"script '{src}' is not one of the site's own scripts",
                              "pages load only the theme's scripts (overrides/assets/javascripts/)", src)]
        return []
    if not is_executable_script(node):
        return []
    text = node.text(deep=True)
    if script_hash(text) in allowed:
        return []
    return [Violation("inline <script> that the theme did not write",
                      "remove it: pages run no scripts of their own (ask a maintainer if you need one)",
                      text.strip()[:40] or "<script")]


def site_path(url: str, page_path: str) -> str:
    """The file in the site that a relative URL on the page at ``page_path`` names."""
    base = "https://site.invalid/" + page_path.lstrip("/")
    try:
        resolved = URL(url, base)
    except ValueError:
        return ""
    if resolved.hostname != "site.invalid":
        return ""
    return unquote(resolved.pathname).lstrip("/")


def _link_violations(node: LexborNode, site_host: str) -> list[Violation]:
    rels = set((node.attributes.get("rel") or "").lower().split())
    href = node.attributes.get("href") or ""
    if not rels or not rels <= THEME_LINK_RELS:
        return [Violation(f"<link rel=\"{' '.join(sorted(rels))}\"> is not allowed", "the theme writes every <link>",
                          "<link")]
    if "canonical" not in rels and "alternate" not in rels and is_third_party(href, site_host):
        return [Violation(f"<link> to another site ('{href}')", "the theme loads everything from this site", href)]
    return []


def is_third_party(url: str, site_host: str) -> bool:
    """A URL that names a host other than this site, read as a browser reads it."""
    return read_url(url, site_host).leaves_site
