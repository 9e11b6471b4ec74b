"""The reorder window: nothing above a gap is handled until it fills or HOLD passes."""

from __future__ import annotations

from bot.runtime.reorder import ReorderWindow


def test_contiguous_ids_pass_and_move_the_watermark() -> None:
    window = ReorderWindow(hold=0.25)
    window.watermark = 9
    assert window.horizon([10, 11, 12], now=0.0) == (None, 0.0)
    assert window.watermark == 12


def test_a_gap_holds_what_is_above_it_until_it_fills() -> None:
    window = ReorderWindow(hold=0.25)
    window.watermark = 9
    assert window.horizon([10, 12, 13], now=1.0) == (11, 0.25)
    assert window.watermark == 10
    below, wait = window.horizon([12, 13], now=1.1)
    assert below == 11 and abs(wait - 0.15) < 1e-9
    assert window.horizon([11, 12, 13], now=1.2) == (None, 0.0)  # it came: all may go
    assert window.watermark == 13


def test_a_gap_that_never_fills_is_settled_after_the_hold() -> None:
    window = ReorderWindow(hold=0.25)
    window.watermark = 9
    assert window.horizon([10, 12], now=5.0)[0] == 11
    assert window.horizon([12], now=5.3) == (None, 0.0)
    assert window.watermark == 12
    assert window.horizon([12, 14], now=6.0)[0] == 13  # a new gap waits again


def test_an_unknown_start_takes_the_first_id_as_given() -> None:
    window = ReorderWindow()
    assert window.horizon([500, 501], now=0.0) == (None, 0.0)
    assert window.watermark == 501
