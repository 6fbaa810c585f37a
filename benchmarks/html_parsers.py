"""Which HTML parser the post-build pass uses: speed on the built site, and the cases
where browsers and parsers disagree.

Run (the alternatives are not project dependencies; install them beside it):
  python -m venv /tmp/pv && /tmp/pv/bin/pip install selectolax==1.0.2 lxml==6.1.3 html5lib==1.1 html5-parser==0.5.0
  /tmp/pv/bin/python benchmarks/html_parsers.py site/

For each parser: the time to parse every page and read every element's attributes
(what the link scan and the safety rules do), as a ratio to selectolax in the same run;
then what each makes of the standards cases of issue "One pass over the built HTML".
"""

from __future__ import annotations

import sys
import time
from html.parser import HTMLParser
from pathlib import Path


def with_selectolax(html: str) -> list[tuple[str, dict]]:
    from selectolax.lexbor import LexborHTMLParser

    return [(n.tag, n.attributes) for n in LexborHTMLParser(html).root.traverse(include_text=False)]


def with_html5_parser(html: str) -> list[tuple[str, dict]]:
    import html5_parser

    return [(e.tag, dict(e.attrib)) for e in html5_parser.parse(html, namespace_elements=False).iter()
            if isinstance(e.tag, str)]


def with_lxml(html: str) -> list[tuple[str, dict]]:
    import lxml.html

    return [(e.tag, dict(e.attrib)) for e in lxml.html.document_fromstring(html).iter() if isinstance(e.tag, str)]


def with_html5lib(html: str) -> list[tuple[str, dict]]:
    import html5lib

    return [(e.tag.split("}")[-1], dict(e.attrib)) for e in html5lib.parse(html).iter() if isinstance(e.tag, str)]


def with_html_parser(html: str) -> list[tuple[str, dict]]:
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    collector = Collector(convert_charrefs=True)
    collector.feed(html)
    collector.close()
    return found


PARSERS = {"selectolax (lexbor)": with_selectolax, "html5-parser (gumbo)": with_html5_parser,
           "lxml (libxml2)": with_lxml, "html5lib": with_html5lib, "html.parser (stdlib)": with_html_parser}

# Each case: what a browser builds. The check reads the href of <a> elements.
CASES = {
    "duplicated attribute: first wins": ('<a href="first" href="second">x</a>', ["first"]),
    "unclosed <a> is still a link": ('<p><a href="one">never closed</p>', ["one"]),
    "<a> in <a>: two links": ('<a href="one">1<a href="two">2</a>', ["one", "two"]),
    "<a> in <textarea> is text": ('<textarea><a href="no">x</a></textarea>', []),
    "character reference decoded": ('<a href="a&#46;html">x</a>', ["a.html"]),
    "<!--> ends the comment": ('<!--><a href="after">x</a>', ["after"]),
}


def hrefs(parser, html: str) -> list[str]:
    return [attributes.get("href") for tag, attributes in parser(html) if tag == "a"]


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    pages = [path.read_text(encoding="utf-8") for path in sorted(site.rglob("*.html")) if path.is_file()]
    size = sum(len(page) for page in pages) / 1e6
    print(f"{len(pages)} pages, {size:.2f} MB; best of 5 runs\n")
    timings = {}
    for name, parser in PARSERS.items():
        try:
            best = float("inf")
            for _ in range(5):
                start = time.perf_counter()
                for page in pages:
                    parser(page)
                best = min(best, time.perf_counter() - start)
            timings[name] = best
        except (ImportError, RuntimeError) as error:  # html5-parser refuses a PyPI lxml wheel
            print(f"{name:24} not measured: {str(error).splitlines()[0][:100]}")
            continue
    base = timings["selectolax (lexbor)"]
    for name, seconds in timings.items():
        print(f"{name:24} {seconds * 1e3:8.1f} ms   {seconds / base:6.1f}x")
    print()
    for case, (html, expected) in CASES.items():
        verdicts = []
        for name, parser in PARSERS.items():
            if name in timings:
                verdicts.append(f"{name.split()[0]}: {'ok' if hrefs(parser, html) == expected else 'differs'}")
        print(f"{case:36} " + ", ".join(verdicts))


if __name__ == "__main__":
    main()
