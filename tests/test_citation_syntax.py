"""Finding and parsing Pandoc-style citations (citations/syntax.py)."""

from __future__ import annotations

import pytest

from citations.syntax import CitationItem, CitationSyntaxError, find_citations, mask_code


def items(markdown: str) -> list[tuple[CitationItem, ...]]:
    return [cluster.items for cluster in find_citations(markdown)]


def test_single_key():
    assert items("Text [@vera-unjust-burden-2018].") == [(CitationItem("vera-unjust-burden-2018"),)]


@pytest.mark.parametrize(
    ("written", "label", "value", "suffix"),
    [
        ("[@a, p. 12]", "p.", "12", ""),
        ("[@a, pp. 3-7]", "pp.", "3–7", ""),
        ("[@a, pp. 3 – 7]", "pp.", "3–7", ""),
        ("[@a, chap. 2]", "chap.", "2", ""),
        ("[@a, sec. 4.1]", "sec.", "4.1", ""),
        ("[@a, para. 12]", "para.", "12", ""),
        ("[@a, § 3]", "§", "3", ""),
        ("[@a, 33]", "p.", "33", ""),
        ("[@a, 33-35]", "pp.", "33–35", ""),
        ("[@a, p. iv, emphasis added]", "p.", "iv", ", emphasis added"),
        ("[@a, emphasis added]", "", "", "emphasis added"),
    ],
)
def test_locators(written, label, value, suffix):
    (item,) = items(written)[0]
    assert (item.locator_label, item.locator, item.suffix) == (label, value, suffix)


def test_multiple_keys_with_prefix_and_locator():
    (cluster,) = items("[see @a; @b, pp. 3-7]")
    assert cluster == (
        CitationItem("a", prefix="see"),
        CitationItem("b", locator_label="pp.", locator="3–7"),
    )


def test_suppressed_author():
    (cluster,) = items("Hinton et al. [-@vera-unjust-burden-2018] found")
    assert cluster == (CitationItem("vera-unjust-burden-2018", suppress_author=True),)


def test_line_numbers_and_offsets():
    markdown = "# Title\n\nFirst [@a].\n\nSecond [@b].\n"
    clusters = find_citations(markdown)
    assert [c.line for c in clusters] == [3, 5]
    assert [markdown[c.start:c.end] for c in clusters] == ["[@a]", "[@b]"]


def test_citation_wrapped_over_two_lines():
    (cluster,) = items("As shown [@a;\n@b].")
    assert [item.key for item in cluster] == ["a", "b"]


@pytest.mark.parametrize(
    "markdown",
    [
        "Use `[@key]` to cite.",
        "Use ``[@key] with `ticks` `` to cite.",
        "```markdown\n[@key]\n```",
        "~~~\n[@key]\n~~~",
        "- item\n\n    ```\n    [@key]\n    ```",
        "Para.\n\n    [@key] in an indented code block\n",
        "<!-- [@key] in a comment -->",
        "---\ntitle: x [@key]\n---\n# Page",
        r"Escaped \[@key] stays text.",
        "Write to name@example.org or @handle.",
        "[@handle](https://example.org/@handle) is a link.",
        "[text][@ref] is a reference link.",
        "![@image](pic.png) is an image.",
    ],
)
def test_not_citations(markdown):
    assert find_citations(markdown) == []


def test_list_continuation_is_not_code():
    markdown = "1. Item\n\n    Continued [@a] inside the item.\n"
    assert [c.items[0].key for c in find_citations(markdown)] == ["a"]


def test_mask_code_keeps_offsets():
    markdown = "a `[@x]` b\n```\n[@y]\n```\n"
    masked = mask_code(markdown)
    assert len(masked) == len(markdown)
    assert masked.count("\n") == markdown.count("\n")
    assert "@" not in masked


@pytest.mark.parametrize(
    ("markdown", "problem"),
    [
        ("[@]", "empty citation key"),
        ("[@key,]", "nothing after the comma"),
        ("[@key, ]", "nothing after the comma"),
        ("[@Key_2018]", "'Key_2018' is not a valid citation key"),
        ("[@a @b]", "two keys in one item"),
        ("[@a p. 3]", "unexpected text 'p. 3' after the key"),
        ("[see @a; ]", "each item needs one '@key'"),
    ],
)
def test_malformed_syntax(markdown, problem):
    with pytest.raises(CitationSyntaxError) as caught:
        find_citations(f"Intro.\n\nText {markdown}.\n")
    assert caught.value.problem == problem
    assert caught.value.line == 3
    assert caught.value.fix
