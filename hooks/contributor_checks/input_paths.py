"""Every file a contributor can add to docs/, checked before the build uses it.

- Names: plain letters, digits, ``-``, ``_``, ``.`` and ``/``, so a file name can never
  become markup in a URL, a title or a link.
- No symbolic links: MkDocs follows them, so a link could publish any file on the
  machine that builds the site (``/etc/passwd``, ``/proc/self/environ``, ``.git/config``).
- Static files (anything that is not a page) from a fixed list of types. An ``.html``
  or ``.xhtml`` file would be a page that no check reads; ``_redirects`` or
  ``_headers`` would reconfigure the host.
- SVG images are XML documents that run scripts when opened directly, so each is read
  with an XML parser and refused if it has scripts, handlers or outside references.
- A file may not take the place of one of the theme's (``assets/javascripts/quick-exit.js``
  replaced would remove the quick exit).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from pathlib import Path, PurePosixPath

from contributor_checks.front_matter import Finding

SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$")
# No .txt, .js or other type a browser would run as a script when the host sends no
# "X-Content-Type-Options: nosniff" (GitHub Pages sends none); browsers never run
# text/csv or images as scripts.
STATIC_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".svg", ".pdf", ".csv"}

# SVG elements that run code, animate attributes (an href can be animated into a
# script URL), embed HTML, or style with CSS that can load from anywhere.
SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "animate", "set", "animatemotion", "animatetransform",
                          "style", "iframe", "object", "embed", "handler", "listener"}
SVG_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
# Opened directly, an SVG is an XML document in which elements of other namespaces
# (XHTML's <iframe>, <meta http-equiv>, <img src>...) do what they do in HTML: every
# element must be SVG, every attribute SVG's own, xlink's or xml's.
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ATTRIBUTE_NAMESPACES = {"", "http://www.w3.org/1999/xlink", "http://www.w3.org/XML/1998/namespace"}


def name_problems(relative: str) -> list[Finding]:
    """A docs file whose name is not plain."""
    if SAFE_NAME.match(relative):
        return []
    return [Finding(1, "file name has characters other than letters, digits, '-', '_' and '.'",
                    "rename the file, e.g. 'my-page.md'")]


def symlink_problems(path: Path, docs_dir: Path) -> list[Finding]:
    """A link anywhere between docs/ and the file."""
    current = path
    while current != docs_dir and docs_dir in current.parents:
        if current.is_symlink():
            return [Finding(1, "symbolic links are not allowed in docs/",
                            "copy the file itself into docs/ instead of linking to it")]
        current = current.parent
    return []


def static_file_problems(relative: str, path: Path, theme_dirs: list[str]) -> list[Finding]:
    """Problems with one file that MkDocs will copy into the site as it is."""
    if shadows_theme_file(relative, theme_dirs):
        return [Finding(1, f"'{relative}' would replace the theme's own file of that name",
                        "rename it: the theme's file (the quick exit, the site's styles...) must not be replaced")]
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix not in STATIC_SUFFIXES:
        shown = f"'{suffix}'" if suffix else "without an extension"
        return [Finding(1, f"static file type {shown} is not allowed",
                        f"pages are Markdown (.md); other files may be {', '.join(sorted(STATIC_SUFFIXES))}")]
    if suffix == ".svg":
        return svg_problems(path.read_bytes())
    return []


def shadows_theme_file(relative: str, theme_dirs: list[str]) -> bool:
    """Whether the theme (with its overrides) has a file at this path in the site.

    Checked per docs file rather than by listing the theme (Material ships thousands of
    icons). Case-insensitively, since some hosts serve from case-insensitive disks.
    """
    for theme_dir in theme_dirs:
        folder = Path(theme_dir)
        *parents, name = PurePosixPath(relative).parts
        for part in parents:
            match = _entry(folder, part)
            if match is None:
                break
            folder = match
        else:
            found = _entry(folder, name)
            if found is not None and found.is_file():
                return True
    return False


def _entry(folder: Path, name: str) -> Path | None:
    exact = folder / name
    if exact.exists():
        return exact
    if not folder.is_dir():
        return None
    lowered = name.lower()
    return next((child for child in folder.iterdir() if child.name.lower() == lowered), None)


def svg_problems(data: bytes) -> list[Finding]:
    """Scripts, handlers, outside references, DTDs or stylesheets in an SVG file."""
    findings: list[Finding] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def report(problem: str, fix: str) -> None:
        findings.append(Finding(parser.CurrentLineNumber, problem, fix))

    def start_element(name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        local = local.lower()
        if not namespace:
            report(f"element <{local}> has no namespace, so browsers do not read it as SVG",
                   'add xmlns="http://www.w3.org/2000/svg" to the <svg> element')
            raise _StopParsing
        if namespace != SVG_NAMESPACE:
            report(f"element <{local}> is not an SVG element (namespace '{namespace}')",
                   "save the image as plain SVG: every element in the SVG namespace, nothing from HTML")
            return
        if local in SVG_FORBIDDEN_ELEMENTS:
            report(f"SVG element <{local}> is not allowed", "save the image without scripts, animation or styles "
                   "(for example, export it again as 'plain SVG')")
        for attribute, value in attributes.items():
            attribute_namespace, _, attribute_local = attribute.rpartition(" ")
            attribute_local = attribute_local.lower()
            if attribute_namespace not in ATTRIBUTE_NAMESPACES:
                report(f"attribute '{attribute_local}=' from namespace '{attribute_namespace}' is not allowed",
                       "save the image as plain SVG")
            elif attribute_local in ("src", "http-equiv", "srcdoc", "action", "formaction"):
                report(f"attribute '{attribute_local}=' is not an SVG attribute", "save the image as plain SVG")
            elif attribute_local.startswith("on"):
                report(f"SVG event handler '{attribute_local}=' is not allowed", "remove the attribute")
            elif attribute_local == "href" and not value.strip().startswith("#"):
                report(f"SVG reference to another file ('{value.strip()}')",
                       "keep everything the image needs inside the file")
            elif SVG_URL.search(value):
                report(f"SVG reference to another file in '{attribute_local}='",
                       "keep everything the image needs inside the file")

    def refuse_doctype(*_: object) -> None:
        report("an SVG with a DOCTYPE is not allowed", "remove the <!DOCTYPE ...> declaration")
        raise _StopParsing

    def refuse_instruction(target: str, _: str) -> None:
        report(f"processing instruction <?{target} ...?> is not allowed", "remove it")

    parser.StartElementHandler = start_element
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.ProcessingInstructionHandler = refuse_instruction
    try:
        parser.Parse(data, True)
    except _StopParsing:
        pass
    except xml.parsers.expat.ExpatError as error:
        findings.append(Finding(error.lineno, f"the SVG is not well-formed XML ({xml.parsers.expat.errors.messages[error.code]})",
                                "export the image again"))
    return findings


class _StopParsing(Exception):
    """Stop before a DTD can declare entities."""
