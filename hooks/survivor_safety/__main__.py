"""``python -m survivor_safety SITE_DIR [--config mkdocs.yml]`` (with hooks/ on the path):
verify a built site (``verify``) and exit 1 with one line per problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from survivor_safety.settings import rebuilt_https_url
from survivor_safety.verify import verify_site


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml's own tags (!ENV, !relative) read as plain values: only the exit URL is needed."""


_AnyTagLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def configured_exit_url(config_file: Path) -> str:
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader) or {}
    url = (((config.get("extra") or {}).get("survivor_safety") or {}).get("quick_exit_url")) or ""
    return rebuilt_https_url(url, "extra.survivor_safety.quick_exit_url")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survivor_safety", description=__doc__)
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"),
                        help="where the quick exit's destination is configured (default: mkdocs.yml)")
    arguments = parser.parse_args(argv)
    try:
        exit_url = configured_exit_url(arguments.config)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"{arguments.config}: {error}", file=sys.stderr)
        return 2
    problems = verify_site(arguments.site_dir, exit_url)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{arguments.site_dir}: every page has the strict policy, the exit and only the site's own scripts")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
