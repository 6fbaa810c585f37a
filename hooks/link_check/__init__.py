"""Link checking on the built site, in plain Python (no MkDocs import):

- ``html_scan``: read every built page once: its ids, and every link with its line.
- ``internal``: links between pages, anchors, files, ``mailto:`` and ``tel:``; offline.
- ``external``: polite, concurrent checks of outside URLs with verdicts, not booleans.
- ``cache``: what earlier runs found, with a time-to-live per verdict and failure history.
- ``report``: the JSON report and the summary printed in the build log.
- ``settings``: the ``extra.link_check`` settings, validated.

Run it on any built site: ``python -m link_check site/`` with ``hooks/`` on the path
(``make check-links`` does this). ``hooks/mkdocs_links.py`` runs it inside a build.
"""
