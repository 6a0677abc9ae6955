"""Tests of tracer.render.style: figures look the same whatever the user's matplotlib settings."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import tracer
from tracer import render
from tracer.render.style import STYLE, styled, value_range


def test_styled_sets_the_style_and_puts_the_users_settings_back_even_after_an_error():
    with matplotlib.rc_context({"font.family": "serif", "font.size": 17, "lines.linewidth": 9}):
        with pytest.raises(RuntimeError), styled():
            assert {key: matplotlib.rcParams[key] for key in STYLE} == {
                key: matplotlib.rcParams.validate[key](value) for key, value in STYLE.items()}
            assert matplotlib.rcParams["lines.linewidth"] == 9  # a setting the style does not name is left alone
            raise RuntimeError
        assert matplotlib.rcParams["font.family"] == ["serif"]
        assert matplotlib.rcParams["font.size"] == 17


def test_a_frame_is_the_same_whatever_the_users_settings():
    with tracer.record() as trace:
        tracer.zero_pad(np.arange(4.0).reshape(1, 2, 2, 1), 1)
    plain = render.png_bytes(trace, 0, dpi=40)
    with matplotlib.rc_context({"font.family": "serif", "font.size": 17, "text.hinting": "none",
                                "image.interpolation": "bilinear", "text.antialiased": False}):
        assert render.png_bytes(trace, 0, dpi=40) == plain


def test_value_range_covers_every_finite_value():
    assert value_range(np.array([1.0, -3.0, np.nan]), np.array([np.inf, 2.0])) == 3.0
    assert value_range(np.zeros(3)) == 1.0  # never an empty range
