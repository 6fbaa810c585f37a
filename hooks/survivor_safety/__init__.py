"""Survivor-safe output, in plain Python (no MkDocs import):

- ``csp``: a Content Security Policy with hashes of the theme's inline scripts, as a
  ``<meta>`` tag and as a ``_headers`` file for Netlify or Cloudflare Pages.
- ``links``: ``rel="noreferrer"`` on every external link, so no site learns which page
  a reader came from.
- ``content_notes``: the calm, always-visible note placed under a page's title.
- ``html_rules``: what a finished page may contain (scripts by hash and exact path,
  theme ``<link>`` and ``<meta>``), decided on the parsed HTML.
- ``page_shape``: the finished page, parsed whole, against the theme's own rendering
  of it (a shape probe); ``content_allowlist``: what the content itself may hold.
- ``template_values``: titles and heading ids, checked where they are written.
- ``urls``: URLs read by the WHATWG URL parser; look-alike hosts; bidi controls.
- ``settings``: the ``extra`` keys and URL settings that reach the page.
- ``page_checks``: the check of each finished page as a plain function of strings, so
  it runs inline or in a worker process.
- ``verify`` (``python -m survivor_safety site/``): the built site checked on its own,
  whatever mkdocs.yml says.

The quick-exit control itself is theme markup and a script: see ``overrides/``.
"""
