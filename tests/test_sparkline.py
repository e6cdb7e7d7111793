"""The one sparkline: a fixed scale for the clients list, the rows' own range (at least two points) for the review."""

from __future__ import annotations

from alliance_cli.ui.sparkline import MIN_SPAN, sparkline


def test_on_the_rating_scale_each_block_is_an_eighth_of_it():
    assert sparkline([0, 1.25, 5, 6.8, 8.74, 10], 0, 10) == "▁▂▅▆▇█"
    assert sparkline([5.8, 6.8, 6.8, 6.8], 0, 10) == "▅▆▆▆"  # as `alliance clients` shows C-1


def test_a_missing_value_is_a_gap():
    assert sparkline([None, 4, None], 0, 10) == " ▄ "
    assert sparkline([None, None]) == "  "
    assert sparkline([]) == ""


def test_without_a_scale_the_values_own_range_fills_the_height():
    assert sparkline([2, 6, 10]) == "▁▅█"


def test_a_narrow_range_is_widened_to_two_points_about_its_middle():
    assert MIN_SPAN == 2.0
    assert sparkline([7.0, 7.2]) == "▄▅"  # not ▁█: a fifth of a point is a wobble
    assert sparkline([7, 7, 7]) == "▅▅▅"


def test_values_outside_the_scale_take_the_nearest_end():
    assert sparkline([-3, 14], 0, 10) == "▁█"
