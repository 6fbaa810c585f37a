"""The counted-work check the linear-cost tests use (conftest.assert_linear_work) can fail:
a function that rescans the rest of its input for each unit is caught, a linear one passes."""

from __future__ import annotations

import re

import pytest

from conftest import assert_linear_work, count_calls

TAG = re.compile(r"<img ")


def linear(text: str) -> int:
    return sum(1 for _ in TAG.finditer(text))


def rescanning(text: str) -> int:
    # For each tag, look again at every later tag: the shape of the bugs these tests guard against.
    starts = [match.start() for match in TAG.finditer(text)]
    return sum(1 for start in starts for _ in TAG.finditer(text, start, start + 50 * len(starts)))


def test_the_count_is_the_same_on_every_run():
    text = "<img " * 1000
    assert count_calls(linear, text) == count_calls(linear, text)


def test_linear_work_passes():
    assert_linear_work(linear, "<img ", size=5_000)


def test_a_rescan_per_unit_fails():
    with pytest.raises(AssertionError):
        assert_linear_work(rescanning, "<img ", size=5_000)
