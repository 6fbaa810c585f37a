"""Format citations and reference entries with Pandoc's citeproc, in one call per build.

Pandoc is the reference implementation of the citation syntax the pages use, and its
citeproc formats them with any CSL style (``styles/apa.csl`` beside this file by default). The
site's every unique citation cluster goes into one document, one paragraph each, with
every entry of the bibliography as ``nocite``; one run returns the HTML of each cluster
and of each reference entry. Because it is one document, disambiguation ("2022a",
added given names) is site-wide: a label means the same work on every page, in
References, on Sources and in the exports.

Results are cached by a hash of everything that goes in (Pandoc's version, the style,
the entries, the clusters), in memory for ``mkdocs serve`` rebuilds and on disk in a
cache folder outside the project, so a pull request cannot plant a cached answer.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from html import unescape
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

# Pandoc's Markdown, minus everything that could put markup of the contributor's own
# into a citation's prefix or suffix: raw HTML and TeX, attributes, spans and divs,
# footnotes (a note would need a section of its own) and metadata blocks.
READER = "markdown" + "".join(f"-{extension}" for extension in (
    "raw_html", "raw_tex", "raw_attribute", "native_divs", "native_spans", "fenced_divs",
    "bracketed_spans", "link_attributes", "inline_code_attributes", "footnotes",
    "inline_notes", "yaml_metadata_block", "pandoc_title_block",
))
DEFAULT_STYLE = Path(__file__).parent / "styles" / "apa.csl"
PANDOC_TIMEOUT_SECONDS = 120
# Pandoc's own runtime stops it past this heap (Pandoc's manual, "A note on security"),
# so no bibliography or page can make it use gigabytes.
PANDOC_MEMORY_CAP = ("+RTS", "-M1024m", "-RTS")
MEMORY_CACHE_SIZE = 8
# From this many unique clusters, a position-free style's document is split over the
# cores (Pandoc's citeproc runs on one; 4,000 clusters took 6.5 s in one run, 2.9 s in two).
SPLIT_FROM = 1000
MAX_PARTS = 4
DISK_CACHE_FILES = 32
CACHE_ENV = "CITATIONS_CACHE_DIR"
PANDOC_ENV = "CITATIONS_PANDOC"
NO_PRINTED_FORM = "Bibliography entry with no printed form:"
FORMAT_VERSION = 1  # bump when the shape of the cached results changes


class EngineError(Exception):
    """Pandoc could not run, or said something about a citation: one line with the fix."""

    def __init__(self, problem: str, fix: str, cluster: str = "", key: str = "") -> None:
        self.problem, self.fix, self.cluster, self.key = problem, fix, cluster, key
        super().__init__(f"{problem} — {fix}")


@dataclass(frozen=True)
class Formatted:
    """What citeproc made of the site's citations."""

    clusters: dict[str, str]                      # cluster text -> <span class="citation">…</span>
    references: dict[str, str]                    # key -> HTML of its entry
    order: list[str] = field(default_factory=list)  # keys in the style's bibliography order


def pandoc_binary() -> Path:
    """The Pandoc that ``pypandoc-binary`` ships (pinned in requirements.txt), or the one
    $CITATIONS_PANDOC names (tests use it to stand for a missing binary)."""
    if os.environ.get(PANDOC_ENV):
        named = Path(os.environ[PANDOC_ENV])
        if not (named.is_file() and os.access(named, os.X_OK)):
            raise EngineError(f"the Pandoc binary is missing (${PANDOC_ENV} names {named})",
                              f"unset {PANDOC_ENV}, or run 'make test' to install pypandoc-binary")
        return named
    try:
        import pypandoc
    except ImportError:
        raise EngineError("the citation engine is not installed (no module 'pypandoc')",
                          "run 'make test' or '.venv/bin/pip install -r requirements.txt'") from None
    bundled = Path(pypandoc.__file__).parent / "files" / "pandoc"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return bundled
    found = shutil.which("pandoc")
    if not found:
        raise EngineError(f"the Pandoc binary is missing (looked for {bundled})",
                          "reinstall it: '.venv/bin/pip install --force-reinstall pypandoc-binary==1.17'")
    return Path(found)


def pandoc_version(binary: Path) -> str:
    """``pandoc --version``'s first line, e.g. ``pandoc 3.9``."""
    return _run(binary, ["--version"], "").splitlines()[0].strip()


def bibtex_to_csl(text: str) -> list[dict]:
    """A BibTeX/BibLaTeX file as CSL-JSON items, by Pandoc's own reader."""
    binary = pandoc_binary()
    completed = _run_completed(binary, ["-f", "biblatex", "-t", "csljson"], text)
    if completed.returncode != 0:
        raise _engine_error(completed.returncode, completed.stderr.splitlines(), [])
    return json.loads(completed.stdout or "[]")


class Engine:
    """One Pandoc binary and one CSL style; results cached in memory and on disk."""

    _memory: dict[str, dict] = {}  # shared by every build of one process (mkdocs serve)

    def __init__(self, style: Path, cache_dir: Path | None = None, binary: Path | None = None) -> None:
        self.binary = binary or pandoc_binary()
        self.version = pandoc_version(self.binary)
        self.style = Path(style)
        self.style_bytes = self.style.read_bytes()
        self.cache_dir = cache_dir
        self.calls = 0  # Pandoc runs that were not answered from a cache (tests and benchmarks read it)
        self.split_from = SPLIT_FROM

    # Public API

    def format(self, clusters: list[str], items: list[dict]) -> Formatted:
        """HTML for every cluster (Pandoc Markdown, e.g. ``[see @a, p. 3]`` or ``@a [p. 3]``)
        and every entry of ``items`` (CSL-JSON)."""
        unique = list(dict.fromkeys(" ".join(cluster.split()) for cluster in clusters))
        cached = self._cached("format", {"clusters": unique, "items": items},
                              lambda: asdict(self._format(unique, items)))
        return Formatted(**cached)

    def export(self, items: list[dict], writer: str) -> str:
        """The entries written by Pandoc's ``writer`` (``bibtex`` or ``biblatex``)."""
        payload = json.dumps(items, ensure_ascii=False)
        return self._cached("export", {"writer": writer, "items": items},
                            lambda: {"text": self._pandoc(["-f", "csljson", "-t", writer, "--wrap=none"], payload)})["text"]

    def exports(self, items: list[dict], writers: list[str]) -> dict[str, str]:
        """Several exports at once, each Pandoc run on its own thread (two cores here)."""
        with ThreadPoolExecutor(max_workers=len(writers) or 1) as pool:
            futures = {writer: pool.submit(self.export, items, writer) for writer in writers}
        return {writer: future.result() for writer, future in futures.items()}

    # Formatting

    def _format(self, clusters: list[str], items: list[dict]) -> Formatted:
        """One document; or, for a large site and a style whose output cannot depend on
        where a citation sits, the same document split over the cores (every part holds
        every entry as nocite, so disambiguation sees the same items; the results are
        identical, tests/test_citation_rendering.py checks it)."""
        parts = self._parts(clusters)
        if len(parts) == 1:
            return self._format_document(clusters, items)
        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            results = list(pool.map(lambda part: self._format_document(part, items), parts))
        merged = {cluster: html for result in results for cluster, html in result.clusters.items()}
        return Formatted(merged, results[0].references, results[0].order)

    def _parts(self, clusters: list[str]) -> list[list[str]]:
        # A style with position conditions (first, subsequent, ibid) formats a citation by
        # what came before it: those stay in one document.
        if len(clusters) < self.split_from or b"position=" in self.style_bytes:
            return [clusters]
        count = max(1, min(os.cpu_count() or 1, MAX_PARTS))
        size = -(-len(clusters) // count)
        return [clusters[start:start + size] for start in range(0, len(clusters), size)]

    def _format_document(self, clusters: list[str], items: list[dict]) -> Formatted:
        with tempfile.TemporaryDirectory(prefix="citations-") as folder:
            bibliography = Path(folder) / "bibliography.json"
            bibliography.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
            metadata = Path(folder) / "metadata.json"
            metadata.write_text(json.dumps({"nocite": "@*", "link-citations": True, "lang": "en-US"}),
                                encoding="utf-8")
            html = self._pandoc(
                ["-f", READER, "-t", "html5", "--wrap=none", "--citeproc", f"--csl={self.style}",
                 f"--bibliography={bibliography}", f"--metadata-file={metadata}"],
                "\n\n".join(clusters) + "\n",
                clusters,
            )
        return _read_output(html, clusters)

    def _pandoc(self, args: list[str], stdin: str, clusters: list[str] | None = None) -> str:
        self.calls += 1
        completed = _run_completed(self.binary, args, stdin)
        warnings = [line for line in completed.stderr.splitlines() if line.strip()]
        if completed.returncode != 0 or warnings:
            raise _engine_error(completed.returncode, warnings, clusters or [])
        return completed.stdout

    # Caching

    def _cached(self, kind: str, inputs: dict, compute) -> dict:
        digest = hashlib.sha256(json.dumps(
            [FORMAT_VERSION, kind, self.version, hashlib.sha256(self.style_bytes).hexdigest(), inputs],
            ensure_ascii=False, sort_keys=True,
        ).encode("utf-8")).hexdigest()
        if digest in self._memory:
            return self._memory[digest]
        result = self._read_disk(digest)
        if result is None:
            result = compute()
            self._write_disk(digest, result)
        self._memory[digest] = result
        while len(self._memory) > MEMORY_CACHE_SIZE:
            self._memory.pop(next(iter(self._memory)))
        return result

    def _read_disk(self, digest: str) -> dict | None:
        if self.cache_dir is None:
            return None
        try:
            data = json.loads((self.cache_dir / f"{digest}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write_disk(self, digest: str, result: dict) -> None:
        if self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(result, stream, ensure_ascii=False)
            os.replace(temporary, self.cache_dir / f"{digest}.json")
            _prune(self.cache_dir)
        except OSError:
            pass  # a cache that cannot be written only costs the next build a Pandoc run


def default_cache_dir() -> Path:
    """Outside the project (a pull request cannot add files there): $CITATIONS_CACHE_DIR,
    else the user's cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("racial-equity-site")) / "citations"


# Helper functions


def _run_completed(binary: Path, args: list[str], stdin: str) -> subprocess.CompletedProcess:
    # --sandbox: Pandoc reads only the files named on its command line, so nothing a
    # contributor writes (a LaTeX \input in a .bib field, an image path) can make it read
    # or fetch anything else.
    try:
        return subprocess.run([str(binary), *PANDOC_MEMORY_CAP, "--sandbox", *args], input=stdin, capture_output=True, text=True,
                              encoding="utf-8", timeout=PANDOC_TIMEOUT_SECONDS, check=False)
    except OSError as error:
        raise EngineError(f"cannot run Pandoc at {binary} ({error.strerror})",
                          "reinstall it: '.venv/bin/pip install --force-reinstall pypandoc-binary==1.17'") from None
    except subprocess.TimeoutExpired:
        raise EngineError(f"Pandoc did not finish within {PANDOC_TIMEOUT_SECONDS} s",
                          "look for an unusually long citation or bibliography entry") from None


def _run(binary: Path, args: list[str], stdin: str) -> str:
    completed = _run_completed(binary, args, stdin)
    if completed.returncode != 0:
        raise _engine_error(completed.returncode, completed.stderr.splitlines(), [])
    return completed.stdout


def _engine_error(returncode: int, warnings: list[str], clusters: list[str]) -> EngineError:
    """Pandoc's first message, as one line; a citation it names is found among the clusters."""
    message = next((line.strip() for line in warnings if line.strip()), f"exit code {returncode}")
    message = message.removeprefix("[WARNING] ").removeprefix("Citeproc: ")
    key, fix = "", "check the bibliography and the citation style file"
    if message.startswith("citation ") and message.endswith(" not found"):
        key = message[len("citation "):-len(" not found")]
        fix = "check the citation's key against the bibliography"
    elif message.startswith(NO_PRINTED_FORM):
        key = message[len(NO_PRINTED_FORM):].strip()
        fix = ("the style prints nothing for this entry (APA leaves personal communications out of "
               "the list): add where it was published (container-title, publisher or URL), or change its type")
    cluster = next((c for c in clusters if key and (f"@{key}" in c or f"@{{{key}}}" in c)), "")
    return EngineError(f"Pandoc: {message}", fix, cluster, key)


def _read_output(html: str, clusters: list[str]) -> Formatted:
    """Split Pandoc's HTML into one citation per cluster and one entry per key; refuse any
    output whose shape is not exactly that (a cluster that broke out of its paragraph)."""
    tree = LexborHTMLParser(html)
    body = tree.body
    blocks = [node for node in body.iter() if node.tag != "-text" or (node.text() or "").strip()] if body else []
    paragraphs = [node for node in blocks if node.tag == "p"]
    rendered: dict[str, str] = {}
    for index, cluster in enumerate(clusters):
        paragraph = paragraphs[index] if index < len(paragraphs) else None
        children = [node for node in paragraph.iter(include_text=True)
                    if node.tag != "-text" or (node.text() or "").strip()] if paragraph else []
        if len(children) != 1 or children[0].tag != "span" or "citation" not in (children[0].attributes.get("class") or ""):
            raise EngineError("Pandoc did not read this as one citation",
                              "write it as [@key], [prefix @key, locator] or @key [locator], on one paragraph",
                              cluster)
        rendered[cluster] = children[0].html
    references: dict[str, str] = {}
    order: list[str] = []
    for entry in tree.css("div#refs > div.csl-entry"):
        key = unescape(entry.attributes.get("id") or "").removeprefix("ref-")
        order.append(key)
        references[key] = (entry.inner_html or "").strip()
    return Formatted(rendered, references, order)


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
    for old in files[DISK_CACHE_FILES:]:
        old.unlink(missing_ok=True)
