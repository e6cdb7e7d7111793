"""The one sparkline: one absolute scale, 0 to 10, in every view."""

from __future__ import annotations

from alliance_cli.ui.sparkline import rate_sparkline, sparkline


def test_each_block_is_an_eighth_of_the_rating_scale():
    assert sparkline([0, 1.25, 5, 6.8, 8.74, 10]) == "▁▂▅▆▇█"
    assert sparkline([5.8, 6.8, 6.8, 6.8]) == "▅▆▆▆"  # as `alliance clients` shows C-1


def test_a_point_apart_never_draws_alike():
    assert sparkline([6.8]) != sparkline([7.8])
    assert sparkline([6.8, 7.8]) == "▆▇"


def test_the_scale_never_stretches_to_the_values():
    assert sparkline([7.0, 7.2]) == "▆▆"  # a fifth of a point is a wobble, drawn as one
    assert sparkline([2, 6, 10]) == "▂▅█"


def test_a_missing_value_is_a_gap():
    assert sparkline([None, 4, None]) == " ▄ "
    assert sparkline([None, None]) == "  "
    assert sparkline([]) == ""


def test_values_outside_the_scale_take_the_nearest_end():
    assert sparkline([-3, 14]) == "▁█"


def test_a_rate_is_a_share_of_the_same_height():
    assert rate_sparkline([0.0, 0.5, 1.0, None]) == "▁▅█ "
