"""Content Security Policy without 'unsafe-inline': hash the theme's inline scripts.

Material for MkDocs puts a few small inline scripts in every page (scope helpers, a
hash-target fix). Their text depends on the theme configuration, so their hashes are
computed at build time, from the templates alone (see ``theme_scripts``): never from
what a finished page happens to contain, or an injected script would allow itself.
"""

from __future__ import annotations

import re

from survivor_safety.html_rules import inline_scripts, parse_document, script_hash

META_CHARSET = re.compile(r"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.IGNORECASE)

# Everything from this site only; frames, plugins, forms and <base> are never needed.
BASE_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'none'",
}
# Only a response header can carry these; browsers ignore them in a <meta> policy.
HEADER_ONLY_DIRECTIVES = {"frame-ancestors": "'none'"}
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-...') for every executable inline script in
    ``html``, parsed as a browser would; used on the theme's probe rendering only."""
    return list(dict.fromkeys(script_hash(text) for text in inline_scripts(parse_document(html))))


def policy(script_hashes: list[str], for_header: bool = False) -> str:
    """The policy text; the header form adds directives a <meta> cannot carry."""
    directives = dict(BASE_DIRECTIVES)
    directives["script-src"] = " ".join(["'self'", *sorted(set(script_hashes))])
    if for_header:
        directives.update(HEADER_ONLY_DIRECTIVES)
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def insert_csp_meta(html: str, policy_text: str) -> str:
    """Put the policy right after <meta charset>, before any script can run."""
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy_text}">'
    match = META_CHARSET.search(html)
    if not match:
        raise ValueError("no <meta charset> in the page; the policy must come before the first script")
    return html[:match.end()] + tag + html[match.end():]


def headers_file(policy_text: str) -> str:
    """A `_headers` file (Netlify and Cloudflare Pages format) for every path."""
    lines = ["/*", f"  Content-Security-Policy: {policy_text}"]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    return "\n".join(lines) + "\n"
