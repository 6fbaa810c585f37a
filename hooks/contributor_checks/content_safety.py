"""What a page's Markdown may contain, read from the source for good line numbers.

Errors: raw scripts, frames and plugin embeds, inline event handlers, ``javascript:``
links, images or media from other sites, and HTML blocks that are never closed (an
unclosed ``<div>`` swallows the rest of the page, References included). Warnings:
quotations with no attribution. Code blocks, code spans and comments are ignored, so
the rules can be documented in examples.

This is the first of two readings. The second, on the HTML that Markdown produced
(``survivor_safety.html_rules``), is the one that enforces: anything Markdown turns
into HTML that this reading misses is refused there.

Every pattern here is linear: a tag is read up to the next ``<`` or ``>`` at most, so
no input can make a match rescan the rest of the page.
"""

from __future__ import annotations

import bisect
import re

from citations.syntax import mask_code
from contributor_checks.front_matter import Finding
from contributor_checks.limits import limit_problems
from survivor_safety.html_rules import is_third_party

# "\<" is an escaped character in Markdown, shown as text: not a tag. (If this reading is
# ever wrong, the check on the rendered HTML still sees what Markdown made of it.)
SCRIPT = re.compile(r"(?<!\\)<script\b", re.IGNORECASE)
FRAME = re.compile(r"(?<!\\)<(?P<tag>iframe|frame|object|embed|applet)\b", re.IGNORECASE)
# An opening or closing tag, read no further than the next angle bracket.
TAG = re.compile(r"(?<!\\)<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>[^<>]*)")
EVENT_HANDLER = re.compile(r"[\s/\"'](?P<attr>on[a-zA-Z]+)\s*=")
MEDIA_URL = re.compile(r"""[\s/"'](?:src|poster|srcset)\s*=\s*["']?(?P<url>[^"'\s>]+)""", re.IGNORECASE)
MEDIA_TAGS = {"img", "video", "audio", "source", "track", "input", "image"}
JAVASCRIPT_URL = re.compile(r"""(?:\]\(\s*<?|\b(?:href|src|action|formaction)\s*=\s*["']?)\s*(?P<url>javascript:)""",
                            re.IGNORECASE)
MARKDOWN_IMAGE = re.compile(r"!\[[^\[\]]*\]\(\s*<?(?P<url>[^)\s>]+)")
ATTRIBUTION = re.compile(r"^\s*(?:—|--|―)\s*\S")
# Block elements whose end tag HTML requires; Python-Markdown passes a block through
# as raw HTML until it finds the matching end tag.
CLOSED_BLOCKS = {"div", "section", "aside", "article", "details", "summary", "table", "figure", "figcaption",
                 "blockquote", "nav", "header", "footer", "main", "pre", "ul", "ol", "dl", "fieldset"}


def check_content(markdown: str, site_host: str = "") -> tuple[list[Finding], list[Finding]]:
    """Return (errors, warnings) for one page's Markdown (front matter included)."""
    masked = mask_code(markdown)
    too_large = limit_problems(masked)
    if too_large:
        return too_large, []  # nothing else reads a page past its limits
    line_of = line_finder(masked)
    errors: list[Finding] = []

    def report(position: int, problem: str, fix: str) -> None:
        errors.append(Finding(line_of(position), problem, fix))

    for match in SCRIPT.finditer(masked):
        report(match.start(), "raw <script> is not allowed",
               "remove it: pages run no scripts of their own (ask a maintainer if you need one)")
    for match in FRAME.finditer(masked):
        report(match.start(), f"<{match['tag'].lower()}> is not allowed",
               "embedded content loads another site in the reader's browser; link to it instead")
    for match in JAVASCRIPT_URL.finditer(masked):
        report(match.start(), "'javascript:' links are not allowed", "link to a page of the site or an https address")
    media_urls = [(match.start(), match["url"]) for match in MARKDOWN_IMAGE.finditer(masked)]
    for tag in TAG.finditer(masked):
        if tag["close"]:
            continue
        for handler in EVENT_HANDLER.finditer(tag["attrs"]):
            report(tag.start(), f"inline event handler '{handler['attr']}=' is not allowed", "remove the attribute")
        if tag["name"].lower() in MEDIA_TAGS:
            media_urls += [(tag.start(), media["url"]) for media in MEDIA_URL.finditer(tag["attrs"])]
    for position, url in sorted(media_urls):
        if is_third_party(url, site_host):
            report(position, f"image or media from another site ('{url}')",
                   "save the file under docs/assets/images/ and link to it there, so readers' "
                   "browsers contact no other site")
    errors += unbalanced_blocks(masked, line_of)
    errors.sort(key=lambda finding: finding.line)
    return errors, unattributed_quotes(masked)


def line_finder(text: str):
    """A function from an offset in ``text`` to its 1-based line, in O(log n)."""
    starts = [match.end() for match in re.finditer("\n", text)]
    return lambda position: bisect.bisect_right(starts, position) + 1


def unbalanced_blocks(masked: str, line_of) -> list[Finding]:
    """Block tags opened and never closed, or closed without being opened."""
    findings: list[Finding] = []
    open_tags: list[tuple[str, int]] = []
    for tag in TAG.finditer(masked):
        name = tag["name"].lower()
        if name not in CLOSED_BLOCKS:
            continue
        if not tag["close"]:
            open_tags.append((name, tag.start()))
            continue
        if any(open_name == name for open_name, _ in open_tags):
            while open_tags:
                open_name, start = open_tags.pop()
                if open_name == name:
                    break
                findings.append(_never_closed(line_of(start), open_name))
        else:
            findings.append(Finding(line_of(tag.start()), f"</{name}> closes nothing", f"remove it, or add the <{name}> it closes"))
    findings += [_never_closed(line_of(start), name) for name, start in open_tags]
    return findings


def _never_closed(line: int, name: str) -> Finding:
    return Finding(line, f"<{name}> is never closed",
                   f"add </{name}> where the block ends; until then it swallows the rest of the page")


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
