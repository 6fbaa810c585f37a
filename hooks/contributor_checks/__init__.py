"""Checks on what contributors write, in plain Python (no MkDocs import):

- ``front_matter``: parse and validate each page's front matter against a schema.
- ``content_safety``: refuse scripts, frames, event handlers, ``javascript:`` links and
  third-party images; warn about quotations without attribution.

Every problem carries the file's line, what is wrong and how to fix it.
"""
