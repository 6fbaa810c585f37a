"""Citations for the site, in plain Python: no MkDocs import anywhere in this package.

- ``syntax``: find citations in Markdown as Pandoc's grammar reads them (code is left alone).
- ``bibliography``: load and validate the bibliography (CSL-YAML, CSL JSON or BibTeX).
- ``engine``: format every citation and entry with Pandoc's citeproc, one run per build.
- ``render``: turn a page's citations into links and add its References section.
- ``sources_page``: the generated list of every source with backlinks.
- ``exports``: CSL-JSON, BibTeX, BibLaTeX and RIS for reference managers.
- ``styles/``: the CSL styles (APA 7 by default), with their licence.

``hooks/mkdocs_citations.py`` adapts these to MkDocs events; another site generator
can call them directly.
"""
