"""Survivor-safe output, in plain Python (no MkDocs import):

- ``csp``: a Content Security Policy with hashes of the theme's inline scripts, as a
  ``<meta>`` tag and as a ``_headers`` file for Netlify or Cloudflare Pages.
- ``links``: ``rel="noreferrer"`` on every external link, so no site learns which page
  a reader came from.
- ``content_notes``: the calm, always-visible note placed under a page's title.

The quick-exit control itself is theme markup and a script: see ``overrides/``.
"""
