"""A standalone verifier of a built site: ``python -m survivor_safety site/``.

It reads only the finished files, whatever mkdocs.yml said when they were built, so a
pull request that drops the safety hook, switches the security policy off or removes
the theme overrides fails CI here. Every HTML page must have:

- a strict Content-Security-Policy ``<meta>`` before anything else runs: scripts from
  this site and hashed inline scripts only, no ``unsafe-inline``, no plugins, no
  ``<base>`` elsewhere, no form posts;
- no script beyond the theme's bundle and the site's own scripts, by exact path, and no
  inline script the policy does not hash;
- no URL to another host in any attribute a browser loads on its own;
- the quick exit: ``#quick-exit-button`` linking to the configured destination, with
  its script.

Plain Python; no MkDocs import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from link_check.html_scan import srcset_urls
from survivor_safety.html_rules import inline_scripts, script_hash, site_path
from survivor_safety.urls import read_url

SITE_SCRIPTS = frozenset({"assets/javascripts/palette-storage.js", "assets/javascripts/search-on-demand.js",
                          "assets/javascripts/code-copy.js", "assets/javascripts/quick-exit.js"})
MATERIAL_BUNDLE = re.compile(r"^assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js$")
REQUIRED_DIRECTIVES = {"default-src": "'self'", "object-src": "'none'", "base-uri": "'self'",
                       "form-action": "'none'", "style-src": "'self'"}
HASH = re.compile(r"^'sha256-[A-Za-z0-9+/]{43}='$")
# Attributes through which a browser fetches something without a click.
LOADING_ATTRIBUTES = {"src", "poster", "data", "background", "srcset", "imagesrcset", "lowsrc", "dynsrc", "manifest"}
NOT_LOADED_LINK_RELS = {"canonical", "alternate"}


def verify_site(site_dir: Path, exit_url: str) -> list[str]:
    """Every problem in the built site, one ``PATH: problem`` line each."""
    pages = sorted(site_dir.rglob("*.html"))
    if not pages:
        return [f"{site_dir}: no HTML pages — build the site first (make build)"]
    problems = []
    for page in pages:
        relative = page.relative_to(site_dir).as_posix()
        html = page.read_text(encoding="utf-8", errors="replace")
        problems += [f"{relative}: {problem}" for problem in verify_page(html, relative, exit_url)]
    return problems


def verify_page(html: str, path: str, exit_url: str) -> Iterator[str]:
    tree = LexborHTMLParser(html)
    hashes = yield from _policy_problems(tree)
    for node in tree.css("script"):
        src = node.attributes.get("src")
        if src is not None:
            target = site_path(src or "", path)
            # (404.html names scripts from the site's root path, which may be a folder)
            name = target[target.find("assets/javascripts/"):] if "assets/javascripts/" in target else target
            if read_url(src or "").leaves_site or not (name in SITE_SCRIPTS or MATERIAL_BUNDLE.match(name)):
                yield f"script '{src}' is not the theme's bundle or one of the site's own scripts"
    for text in inline_scripts(tree):
        if script_hash(text) not in hashes:
            yield f"inline script '{text.strip()[:40]}' is not allowed by the page's policy"
    for node in tree.root.traverse(include_text=False):
        for name, value in node.attributes.items():
            name = name.lower()
            loads = name in LOADING_ATTRIBUTES or (node.tag == "link" and name == "href" and not (
                set((node.attributes.get("rel") or "").lower().split()) & NOT_LOADED_LINK_RELS))
            if not loads or value is None:
                continue
            for url in srcset_urls(value) if name.endswith("srcset") else [value]:
                if read_url(url).leaves_site:
                    yield f"<{node.tag} {name}=\"{url[:80]}\"> loads from another site"
    yield from _exit_problems(tree, path, exit_url)


def _policy_problems(tree: LexborHTMLParser):
    """Problems with the page's policy; returns the script hashes it allows."""
    head = [node for node in tree.head.iter(include_text=False) if node.is_element_node] if tree.head else []
    metas = tree.css('meta[http-equiv]')
    policies = [m for m in metas if (m.attributes.get("http-equiv") or "").lower() == "content-security-policy"]
    if not policies:
        yield "no Content-Security-Policy — the safety hook must run (hooks/mkdocs_safety.py in mkdocs.yml, " \
              "extra.survivor_safety.content_security_policy: true)"
        return set()
    if len(policies) > 1 or len(head) < 2 or "charset" not in head[0].attributes or \
            head[1].mem_id != policies[0].mem_id:
        yield "the Content-Security-Policy is not the first thing after <meta charset>"
    directives = {}
    for part in (policies[0].attributes.get("content") or "").split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    for name, value in REQUIRED_DIRECTIVES.items():
        if directives.get(name) != [value]:
            yield f"the policy's {name} is not {value}"
    scripts = directives.get("script-src", [])
    if not scripts or scripts[0] != "'self'" or not all(HASH.match(source) for source in scripts[1:]):
        yield "the policy's script-src allows more than this site's scripts and hashed inline scripts"
    return set(scripts[1:])


def _exit_problems(tree: LexborHTMLParser, path: str, exit_url: str) -> Iterator[str]:
    button = tree.css_first("#quick-exit-button")
    if button is None or button.tag != "a":
        yield "no quick exit (#quick-exit-button) — keep theme.custom_dir: overrides in mkdocs.yml"
        return
    for name in ("href", "data-quick-exit-destination"):
        if (button.attributes.get(name) or "") != exit_url:
            yield f"the quick exit's {name} is '{button.attributes.get(name)}', not {exit_url}"
    if not any(site_path(node.attributes.get("src") or "", path).endswith("assets/javascripts/quick-exit.js")
               for node in tree.css("script[src]")):
        yield "the quick exit's script (assets/javascripts/quick-exit.js) is not loaded"
