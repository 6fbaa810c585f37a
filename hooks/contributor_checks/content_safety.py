"""What a page's Markdown may contain, so every page stays safe to read.

Errors: raw scripts, frames and plugin embeds, inline event handlers, ``javascript:``
links, and images or media from other sites (each would run code or make the
reader's browser contact a third party). Warnings: quotations with no attribution.
Code blocks and code spans are ignored, so the rules can be documented in examples.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from citations.syntax import mask_code
from contributor_checks.front_matter import Finding

SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
FRAME = re.compile(r"<(?P<tag>iframe|frame|object|embed|applet)\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(?P<attr>on[a-zA-Z]+)\s*=", re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:\]\(\s*<?|\b(?:href|src|action|formaction)\s*=\s*["']?)\s*(?P<url>javascript:)""",
                            re.IGNORECASE)
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<url>[^)\s>]+)")
HTML_MEDIA = re.compile(r"""<(?:img|video|audio|source|track|input)\b[^>]*?\s(?:src|poster|srcset)\s*=\s*["']?(?P<url>[^"'\s>]+)""",
                        re.IGNORECASE | re.DOTALL)
ATTRIBUTION = re.compile(r"^\s*(?:—|--|―)\s*\S")


def check_content(markdown: str, site_host: str = "") -> tuple[list[Finding], list[Finding]]:
    """Return (errors, warnings) for one page's Markdown (front matter included)."""
    masked = mask_code(markdown)
    errors: list[Finding] = []

    def report(match: re.Match[str], problem: str, fix: str) -> None:
        errors.append(Finding(masked.count("\n", 0, match.start()) + 1, problem, fix))

    for match in SCRIPT.finditer(masked):
        report(match, "raw <script> is not allowed",
               "remove it: pages run no scripts of their own (ask a maintainer if you need one)")
    for match in FRAME.finditer(masked):
        report(match, f"<{match['tag'].lower()}> is not allowed",
               "embedded content loads another site in the reader's browser; link to it instead")
    for match in EVENT_HANDLER.finditer(masked):
        report(match, f"inline event handler '{match['attr']}=' is not allowed", "remove the attribute")
    for match in JAVASCRIPT_URL.finditer(masked):
        report(match, "'javascript:' links are not allowed", "link to a page of the site or an https address")
    for pattern in (MARKDOWN_IMAGE, HTML_MEDIA):
        for match in pattern.finditer(masked):
            if _third_party(match["url"], site_host):
                report(match, f"image or media from another site ('{match['url']}')",
                       "save the file under docs/assets/images/ and link to it there, so readers' "
                       "browsers contact no other site")
    errors.sort(key=lambda finding: finding.line)
    return errors, unattributed_quotes(masked)


def unattributed_quotes(masked: str) -> list[Finding]:
    """Blockquotes whose last line does not say who said it (``> — Name, source``)."""
    findings, block, start = [], [], 0
    for number, line in enumerate([*masked.split("\n"), ""], start=1):
        quoted = re.match(r"^\s*>\s?(.*)$", line)
        if quoted:
            if not block:
                start = number
            block.append(quoted.group(1))
            continue
        if block:
            content = [text for text in block if text.strip()]
            if content and not ATTRIBUTION.match(content[-1]):
                findings.append(Finding(start, "quotation has no attribution",
                                        "end the blockquote with a line '> — who said it, where'"))
            block = []
    return findings


def _third_party(url: str, site_host: str) -> bool:
    parts = urlsplit(url.strip())
    if not (parts.scheme in ("http", "https") or url.startswith("//")):
        return False
    return not site_host or parts.hostname != site_host
