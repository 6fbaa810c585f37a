"""URLs read exactly as browsers read them: the WHATWG URL standard, through ada (the
parser Node.js uses), never a look-alike of it.

A browser strips leading and trailing spaces and controls, drops tabs and newlines
anywhere, reads ``\\`` as ``/`` in http(s) URLs and resolves ``http:host`` against the
page (relative on an http page, absolute on an https one). Every rule and rewrite here
therefore asks the standard's parser what a URL *is* before deciding anything.

Plain Python; no MkDocs import.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex
from ada_url import URL

# Pages are resolved against both schemes: whether "http:host" leaves the site depends on
# how the page was served, and the rules must hold for either.
BASES = ("https://site.invalid/page/", "http://site.invalid/page/")
PLACEHOLDER_HOST = "site.invalid"
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Scripts a host name's letters may come from; more than one (bar the CJK mixes browsers
# accept, RFC 5892 / Chromium's IDN policy) is a look-alike domain.
SCRIPTS = ("Latin", "Cyrillic", "Greek", "Armenian", "Hebrew", "Arabic", "Devanagari", "Bengali", "Thai",
           "Georgian", "Hangul", "Hiragana", "Katakana", "Han", "Bopomofo", "Ethiopic", "Cherokee", "Tamil")
ALLOWED_MIXES = ({"Latin", "Han", "Hiragana", "Katakana"}, {"Latin", "Han", "Bopomofo"}, {"Latin", "Han", "Hangul"})
_SCRIPT_PATTERNS = {name: regex.compile(rf"\p{{Script={name}}}") for name in SCRIPTS}
# Unicode's bidirectional formatting characters: they reorder what a reader sees.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class ReadURL:
    """What a browser makes of an attribute's URL on some page of this site."""

    scheme: str          # "" when the browser would not parse it at all
    host: str            # ASCII (punycode) host; "" for relative URLs and hostless schemes
    leaves_site: bool    # it names another host, on a page served over http or https
    unicode_host: str    # the host as a reader sees it


@lru_cache(maxsize=4096)
def read_url(value: str, site_host: str = "") -> ReadURL:
    """Parse ``value`` as a browser would, against a page of this site."""
    results = []
    for base in BASES:
        try:
            results.append(URL(value, base))
        except ValueError:
            continue
    if not results:
        return ReadURL("", "", False, "")  # the browser ignores the attribute: nothing loads or opens
    first = results[0]
    scheme = first.protocol.rstrip(":")
    hosts = {parsed.hostname for parsed in results}
    ours = {PLACEHOLDER_HOST, site_host.lower()} - {""}
    leaves = any(host and host not in ours for host in hosts)
    host = next((h for h in (parsed.hostname for parsed in results) if h and h not in ours), first.hostname or "")
    host = "" if host == PLACEHOLDER_HOST else host
    return ReadURL(scheme, host, leaves, unicode_host(host))


def is_external(value: str, site_host: str = "") -> bool:
    """Whether following this link leaves the site, on an http or an https page."""
    return read_url(value, site_host).leaves_site


def unicode_host(host: str) -> str:
    """An ASCII host name as a reader sees it (each ``xn--`` label decoded)."""
    labels = []
    for label in host.split("."):
        if label.lower().startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    return ".".join(labels)


def mixed_script_label(host: str) -> str:
    """The first label of ``host`` whose letters come from scripts no language mixes; ""."""
    for label in unicode_host(host).split("."):
        scripts = {name for char in label if char.isalpha()
                   for name, pattern in _SCRIPT_PATTERNS.items() if pattern.match(char)}
        letters_without_script = any(char.isalpha() and not any(p.match(char) for p in _SCRIPT_PATTERNS.values())
                                     for char in label)
        if letters_without_script and scripts:
            return label
        if len(scripts) > 1 and not any(scripts <= mix for mix in ALLOWED_MIXES):
            return label
    return ""


def bidi_control(text: str) -> str:
    """The name of the first bidirectional control character in ``text``; ""."""
    for char in text:
        if char in BIDI_CONTROLS:
            return unicodedata.name(char, f"U+{ord(char):04X}")
    return ""
