"""Survivor-safe output, in plain Python (no MkDocs import):

- ``csp``: a Content Security Policy with hashes of the theme's inline scripts, as a
  ``<meta>`` tag and as a ``_headers`` file for Netlify or Cloudflare Pages.
- ``links``: ``rel="noreferrer"`` on every external link, so no site learns which page
  a reader came from.
- ``content_notes``: the calm, always-visible note placed under a page's title.
- ``html_rules``: what a page may contain, decided on the parsed HTML.
- ``page_checks``: the checks of each page (its content, then the finished page) as
  plain functions of strings, so they run inline or in a worker process.

The quick-exit control itself is theme markup and a script: see ``overrides/``.
"""
