"""Citations for the site, in plain Python: no MkDocs import anywhere in this package.

- ``bibliography``: load and validate the CSL-YAML bibliography.
- ``syntax``: find Pandoc-style ``[@key]`` citations in Markdown (code is left alone).
- ``apa``: format in-text labels and reference entries in APA 7 style, as HTML.
- ``render``: turn a page's citations into links and add its References section.
- ``sources_page``: the generated list of every source with backlinks.
- ``exports``: CSL-JSON, BibTeX and RIS for reference managers.

``hooks/mkdocs_citations.py`` adapts these to MkDocs events; another site generator
can call them directly.
"""
