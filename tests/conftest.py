"""Shared test helpers: paths, a strict build of the real site, and small fixture sites."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import logging
import os
import subprocess
import sys
import textwrap
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "hooks"
DOCS = ROOT / "docs"
LETTER = ROOT / "source" / "nsn-racial-equity-letter-2022.txt"
RESEARCH = ROOT / "source" / "sources-research.yaml"
MKDOCS = Path(sys.executable).parent / "mkdocs"

# The plain modules (citations/, ...) import each other as top-level packages, exactly
# as they do when MkDocs loads a hook with hooks/ on sys.path.
sys.path.insert(0, str(HOOKS))


@dataclass
class BuildResult:
    """What `mkdocs build` printed and returned."""

    returncode: int
    output: str
    site_dir: Path

    def page(self, path: str) -> str:
        return (self.site_dir / path).read_text(encoding="utf-8")


def run_mkdocs_build(config_file: Path, site_dir: Path, *extra: str, env: dict | None = None,
                     strict: bool = True) -> BuildResult:
    """Run the real `mkdocs build` CLI (strict unless told otherwise), as CI would."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    mode = ["--strict"] if strict else []
    completed = subprocess.run(
        [str(MKDOCS), "build", *mode, "-f", str(config_file), "-d", str(site_dir), *extra],
        capture_output=True, text=True, env=environment, timeout=300, check=False,
    )
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site_dir)


class _CompiledTemplates:
    """Jinja's bytecode cache, in memory: each build makes a new template environment, and
    compiling the theme's templates again was half of a fixture site's build. Jinja
    checks each template's source against the cached code, so a changed one recompiles."""

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.code: dict[str, bytes] = {}

            def load_bytecode(self, bucket) -> None:
                if bucket.key in self.code:
                    bucket.bytecode_from_string(self.code[bucket.key])

            def dump_bytecode(self, bucket) -> None:
                self.code[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()

    @contextlib.contextmanager
    def in_every_environment(self):
        from mkdocs.theme import Theme

        get_env = Theme.get_env

        def with_cache(theme):
            environment = get_env(theme)
            environment.bytecode_cache = self.cache
            return environment

        Theme.get_env = with_cache
        try:
            yield
        finally:
            Theme.get_env = get_env


COMPILED_TEMPLATES = _CompiledTemplates()


def run_mkdocs_in_process(config_file: Path, site_dir: Path, *extra: str, env: dict | None = None,
                          strict: bool = True) -> BuildResult:
    """Run `mkdocs build` through MkDocs' own command-line entry point, in this process.

    The same code runs as in `run_mkdocs_build`, less the second a new interpreter spends
    importing and compiling templates (fixture sites build hundreds of times a run; the
    templates' compiled code is kept, as Jinja's bytecode cache keeps it). What
    it prints is collected as a terminal-less CLI prints it, and its exit status is the
    CLI's; an escaping exception is printed with its traceback, as Python would. Running
    many builds in one process also holds the hooks to resetting their state per build,
    as `mkdocs serve` needs. A test of this helper compares it with the real CLI.
    """
    from mkdocs.__main__ import ColorFormatter, cli

    arguments = ["build", *(["--strict"] if strict else []), "-f", str(config_file), "-d", str(site_dir), *extra]
    output = io.StringIO()
    mkdocs_log, build_log = logging.getLogger("mkdocs"), logging.getLogger("mkdocs.commands.build")
    saved = (os.environ.copy(), list(mkdocs_log.handlers), list(build_log.filters), ColorFormatter.text_wrapper.width)
    os.environ.update({"NO_MKDOCS_2_WARNING": "1", **(env or {})})
    ColorFormatter.text_wrapper.width = 0  # the CLI's output is a pipe in CI: never wrapped
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output), \
                COMPILED_TEMPLATES.in_every_environment():
            try:
                cli.main(arguments, prog_name="mkdocs")
                returncode = 0
            except SystemExit as exit_:
                returncode = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
            except Exception:  # noqa: BLE001 - printed and failed, as the interpreter would
                traceback.print_exc()
                returncode = 1
    finally:
        # The CLI adds a log handler and a duplicate filter on every call: each build starts clean.
        os.environ.clear()
        os.environ.update(saved[0])
        mkdocs_log.handlers[:], build_log.filters[:] = saved[1], saved[2]
        ColorFormatter.text_wrapper.width = saved[3]
    return BuildResult(returncode, output.getvalue(), site_dir)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id) -> BuildResult:
    """One strict build of the real site for the whole run, read by every test of its output.

    `make test` builds the site just before pytest and names it, and that build's log,
    in TEST_SITE_DIR and TEST_SITE_LOG: that build is the one read. Otherwise the first
    pytest-xdist worker builds it, under a lock, and the others read the same one.
    """
    given, log = os.environ.get("TEST_SITE_DIR"), os.environ.get("TEST_SITE_LOG")
    if given:
        assert log, "TEST_SITE_DIR needs TEST_SITE_LOG, the output of the strict build that made it"
        return BuildResult(0, Path(log).read_text(encoding="utf-8"), Path(given))
    if worker_id == "master":  # not distributed: this run's own folder
        result = run_mkdocs_build(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("site"))
    else:  # the folder all workers of this run share
        shared = tmp_path_factory.getbasetemp().parent
        with (shared / "built-site.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            record = shared / "built-site.json"
            if not record.exists():
                built = run_mkdocs_build(ROOT / "mkdocs.yml", shared / "built-site")
                record.write_text(json.dumps([built.returncode, built.output]), encoding="utf-8")
            returncode, output = json.loads(record.read_text(encoding="utf-8"))
        result = BuildResult(returncode, output, shared / "built-site")
    assert result.returncode == 0, result.output
    return result


MINIMAL_BIBLIOGRAPHY = """\
references:
- id: vera-unjust-burden-2018
  type: report
  title: "An Unjust Burden"
  author:
    - family: Hinton
      given: Elizabeth
  publisher: Vera Institute of Justice
  issued: "2018-05"
  URL: https://www.vera.org/example.pdf
  custom:
    confidence: likely
"""


class FixtureSite:
    """A throw-away site that uses the project's hooks and overrides."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = root / "docs"
        self.docs.mkdir(parents=True)
        self.bibliography(MINIMAL_BIBLIOGRAPHY)
        self.extra_config = ""
        self.letter_data = ""  # written to docs/_data/letter.yaml when set (the letter's contributor data)
        self.bibliography_name = "bibliography.yaml"  # or a .json / .bib file in docs/_data/, or a list of them
        self.hooks = ["mkdocs_citations.py", "mkdocs_safety.py", "mkdocs_links.py"]
        self.markdown_extensions = "[attr_list, md_in_html, pymdownx.details, pymdownx.superfences, toc]"

    def page(self, name: str, text: str) -> Path:
        path = self.docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def bibliography(self, text: str) -> None:
        (self.docs / "_data").mkdir(exist_ok=True)
        (self.docs / "_data" / "bibliography.yaml").write_text(textwrap.dedent(text), encoding="utf-8")

    def _bibliography_setting(self) -> str:
        names = [self.bibliography_name] if isinstance(self.bibliography_name, str) else self.bibliography_name
        shown = [f"docs/_data/{name}" for name in names]
        return shown[0] if isinstance(self.bibliography_name, str) else "[" + ", ".join(shown) + "]"

    def config_file(self) -> Path:
        if self.letter_data:
            (self.docs / "_data").mkdir(exist_ok=True)
            (self.docs / "_data" / "letter.yaml").write_text(self.letter_data, encoding="utf-8")
        config = self.root / "mkdocs.yml"
        hooks = "\n".join(f"              - {HOOKS / name}" for name in self.hooks)
        config.write_text(
            textwrap.dedent(f"""\
            site_name: Fixture
            exclude_docs: |
              _data/
              _snippets/
            theme:
              name: material
              font: false
              custom_dir: {ROOT / 'overrides'}
            hooks:
{hooks}
            markdown_extensions: {self.markdown_extensions}
            validation:
              omitted_files: warn
              absolute_links: warn
              unrecognized_links: warn
              anchors: warn
            extra:
              citations:
                bibliography: {self._bibliography_setting()}
              generator: false
              survivor_safety:
                quick_exit_url: https://www.weather.gov/
              link_check:
                # Tests talk to loopback only: every other URL is never requested.
                skip: ['^https?://(?!127\\.)']
            """) + self.extra_config,
            encoding="utf-8",
        )
        return config

    def build(self, *extra: str, strict: bool = True, env: dict | None = None) -> BuildResult:
        return run_mkdocs_in_process(self.config_file(), self.root / "site", *extra, strict=strict, env=env)


@pytest.fixture
def fixture_site(tmp_path) -> FixtureSite:
    site = FixtureSite(tmp_path)
    site.page("index.md", "# Home\n\nCited [@vera-unjust-burden-2018].\n")
    site.page("sources.md", "---\ndescription: Every source.\n---\n# Sources\n\n<!-- citations:sources-list -->\n")
    site.page("staying-safe-online.md", "---\ndescription: Safety advice.\n---\n# Staying safe online\n\nAdvice.\n")
    return site


@pytest.fixture
def site_copy(tmp_path):
    """A copy of the whole project, to change or break on purpose (without what git
    ignores: the environment, built output such as build/ and site/, caches)."""
    import shutil

    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "site", "build", ".git", ".cache",
                                                               "test-artifacts", "node_modules", "__pycache__"))
    return copy


def site_pages(docs: Path = DOCS) -> list[str]:
    """Every page the docs build, as its path in the site ("values/index.html"), read from
    docs/ itself: a new page is in every site, browser and accessibility test at once,
    with no edit to the tests (folders starting "_" hold data and snippets, not pages)."""
    pages = []
    for source in sorted(docs.rglob("*.md")):
        relative = source.relative_to(docs)
        if relative.parts[0].startswith("_"):
            continue
        stem = relative.with_suffix("").as_posix()
        pages.append("index.html" if stem == "index" else
                     f"{stem.removesuffix('/index')}/index.html" if stem.endswith("/index") else f"{stem}/index.html")
    return pages


def assert_one_line_error(result: BuildResult, expected: str) -> None:
    """A contributor error: non-zero exit, the exact message, and no traceback."""
    assert result.returncode != 0, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output, result.output


@pytest.fixture(autouse=True, scope="session")
def link_checker_may_use_loopback():
    """The external checker refuses non-public addresses; the tests' servers are on
    loopback, so the suite opts in (builds run as subprocesses inherit the variable)."""
    from link_check.external import ALLOW_LOOPBACK_ENV

    os.environ[ALLOW_LOOPBACK_ENV] = "1"
    yield
    os.environ.pop(ALLOW_LOOPBACK_ENV, None)


@pytest.fixture(autouse=True, scope="session")
def loopback_only():
    """Refuse to resolve any name but loopback in this process: a test that tried to reach
    the internet (or a DNS server) fails loudly instead of sending a packet."""
    import ipaddress
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            allowed = ipaddress.ip_address(name).is_loopback
        except ValueError:
            allowed = name == "localhost"
        if not allowed:
            raise socket.gaierror(socket.EAI_NONAME, f"tests may only reach loopback, not {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = guarded
    yield
    socket.getaddrinfo = real_getaddrinfo


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Every browser test drives Debian's Chromium (pytest-playwright's fixture, overridden)."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS

    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def count_calls(function, argument) -> int:
    """How many functions, Python and C (each regex search, say), ``function(argument)``
    calls: a count of work that a loaded machine does not change."""
    calls = 0

    def profile(frame, event, arg) -> None:
        nonlocal calls
        if event == "call" or event == "c_call":
            calls += 1

    sys.setprofile(profile)
    try:
        function(argument)
    finally:
        sys.setprofile(None)
    return calls


def assert_linear_work(function, unit: str, size: int = 20_000) -> None:
    """``function`` on four times as much of ``unit`` repeated makes at most about four
    times as many calls: linear work gives 4x, a rescan per unit 16x. Counted, never
    timed (timings live in benchmarks/linear_time.py). Work inside one regex call is not
    counted; each such call is one step here, and its linearity is measured there."""
    small = count_calls(function, unit * (size // len(unit)))
    large = count_calls(function, unit * (4 * size // len(unit)))
    assert large <= 4.5 * small + 200, (unit, small, large)
