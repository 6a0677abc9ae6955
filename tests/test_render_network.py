"""Tests of tracer.render.network: what each network step draws, counted from the figure's artists."""

from __future__ import annotations

import json

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import tracer
from tracer import events as ev
from tracer import render
from tracer.render.network import MAX_GRID, draw_network_step, network_columns
from tracer.render.style import ADDED, CHOSEN_FILL, CURRENT_FILL


@pytest.fixture(scope="module")
def trace():
    """One training step of a [3, 4, 2, 1] network on 4 examples."""
    rng = np.random.default_rng(0)
    params = {"W1": rng.standard_normal((4, 3)), "b1": rng.standard_normal((4, 1)),
              "W2": rng.standard_normal((2, 4)), "b2": rng.standard_normal((2, 1)),
              "W3": rng.standard_normal((1, 2)), "b3": rng.standard_normal((1, 1))}
    X = rng.standard_normal((3, 4))
    Y = np.array([[1, 0, 0, 1]])
    with tracer.record() as t:
        AL, caches = tracer.L_model_forward(X, params)
        tracer.compute_cost(AL, Y)
        grads = tracer.L_model_backward(AL, Y, caches)
        tracer.update_parameters(params, grads, 0.1)
    return t


def patches(fig: Figure, cls: type) -> list:
    return [p for ax in fig.axes for p in ax.patches if isinstance(p, cls)]


def filled(fig: Figure, color: str) -> int:
    return sum(1 for p in patches(fig, FancyBboxPatch) if np.allclose(p.get_facecolor(), to_rgba(color)))


def texts(fig: Figure) -> list[str]:
    """Every text of the figure: in the axes, their titles, and on the figure itself."""
    return ([t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]
            + [t.get_text() for t in fig.texts])


def test_every_network_event_has_its_drawer():
    for cls in ev.NETWORK_EVENTS:
        assert render.DRAWERS[cls] is draw_network_step
    assert draw_network_step.rows == 2


@pytest.mark.parametrize("k, kind, written, cached, read", [
    (0, "linear_forward", 1, 3, 0),  # Z1 written; A0, W1, b1 kept in the linear cache
    (3, "activation_forward", 1, 1, 0),  # A2 written; Z2 kept as the activation cache
    (6, "cost", 1, 0, 2),  # cost written from AL and Y
    (7, "activation_backward", 1, 1, 1),  # dZ3 from dAL and the cache Z3
    (8, "linear_backward", 3, 3, 1),  # dA2, dW3, db3 from dZ3 and the cache (A2, W3, b3)
    (14, "update", 2, 0, 2),  # W2, b2 from dW2, db2
])
def test_a_step_marks_what_it_writes_keeps_and_reads(trace, k, kind, written, cached, read):
    assert trace[k].kind == kind
    fig = render.plot(trace, k, dpi=50)
    assert filled(fig, CURRENT_FILL) == written
    assert filled(fig, CHOSEN_FILL) == cached
    roles = trace[k].roles(trace.call_of(k).name)
    assert sum(r == "write" for r in roles.values()) == written
    assert sum(r == "read" for r in roles.values()) == read


def test_the_boxes_list_every_layer_with_its_shapes(trace):
    fig = render.plot(trace, 0, dpi=50)
    shown = texts(fig)
    for title in ("input X", "layer 1 · relu", "layer 2 · relu", "layer 3 · sigmoid"):
        assert title in shown
    # W1 (4, 3), b1 (4, 1), Z1 and A1 (4, 4): shapes as the course writes them
    assert {"W1", "b1", "Z1", "A1", "A0 = X"} <= set(shown)
    assert shown.count("(4, 3)") == 1  # W1, in its box (the grid below has it in its title)
    assert shown.count("(4, 4)") == 2  # Z1 and A1
    assert "(4, 1)" in shown and "(1, 2)" in shown


def test_backward_steps_draw_the_gradient_path_from_the_cost(trace):
    def blue_arrows(k: int) -> int:
        fig = render.plot(trace, k, dpi=50)
        return sum(1 for p in patches(fig, FancyArrowPatch) if np.allclose(p.get_edgecolor(), to_rgba(ADDED)))

    # columns: input, layer 1, layer 2, layer 3, cost
    assert blue_arrows(7) == 1  # sigmoid backward of layer 3: cost -> layer 3
    assert blue_arrows(8) == 2  # linear backward of layer 3: and on to layer 2, where dA2 lands
    assert blue_arrows(12) == 4  # linear backward of layer 1: all the way to dA0
    assert blue_arrows(0) == 0  # no gradient in the forward pass


def test_the_bottom_row_draws_the_step_as_grids(trace):
    fig = render.plot(trace, 0, dpi=50)
    shown = texts(fig)
    assert {"W1  (4, 3)", "A0 = X  (3, 4)", "b1  (4, 1)", "Z1  (4, 4)"} <= set(shown)
    assert "@" in shown and "=" in shown
    fig = render.plot(trace, 6, dpi=50)
    assert "AL  (1, 4)" in texts(fig)


def test_the_cost_box_shows_the_value(trace):
    fig = render.plot(trace, 6, dpi=50)
    assert f"{trace[6].value:.4g}" in texts(fig)


def test_pending_arrays_are_grey_and_written_ones_black(trace):
    fig = render.plot(trace, 0, dpi=50)
    by_text = {t.get_text(): t for ax in fig.axes for t in ax.texts}
    assert by_text["Z1"].get_fontweight() == "bold"
    assert np.allclose(to_rgba(by_text["Z3"].get_color()), to_rgba("#a0a0a0"))
    assert np.allclose(to_rgba(by_text["W3"].get_color()), to_rgba("#1b1b1b"))


def test_big_arrays_keep_their_boxes_but_not_their_grids():
    params = tracer.initialize_parameters_deep([MAX_GRID + 6, 3, 1])
    with tracer.record() as t:
        tracer.L_model_forward(np.ones((MAX_GRID + 6, 2)), params)
    fig = render.plot(t, 0, dpi=50)
    shown = texts(fig)
    assert any("not drawn as grids" in s for s in shown)
    assert f"({3}, {MAX_GRID + 6})" in shown


def test_standalone_calls_draw_one_layer():
    A, W, b = np.ones((2, 3)), np.ones((1, 2)), np.zeros((1, 1))
    with tracer.record() as t:
        _, cache = tracer.linear_activation_forward(A, W, b, "sigmoid")
        tracer.linear_backward(np.ones((1, 3)), cache[0])
    assert [c.title for c in network_columns(t.calls[0])] == ["input", "layer · sigmoid"]
    fig = render.plot(t, 2, dpi=50)
    assert {"dA_prev", "dW", "db"} <= set(texts(fig))
    assert filled(fig, CURRENT_FILL) == 3


def test_draw_network_step_on_a_given_figure(trace):
    fig = render.new_figure(2, 40)
    artists = draw_network_step(fig, trace[1], trace.call_of(1), trace.replay(2))
    assert len(artists) > 20 and all(a.figure is fig for a in artists)


def test_a_player_of_a_network_trace(trace, tmp_path):
    info = render.write_player(trace, tmp_path, "net", steps=[0, 7, 13], dpi=30, gif=False, workers=1)
    assert [s["index"] for s in info["steps"]] == [0, 7, 13]
    assert json.loads((tmp_path / "net" / "player.json").read_text())["steps"][2]["caption"].startswith("layer 1 update")
    assert (tmp_path / "net" / "001.png").stat().st_size > 1000


def test_trace_plot_draws_network_steps(trace):
    fig = trace.plot(3)
    assert isinstance(fig, Figure)
    assert "layer 2 · relu" in texts(fig) and filled(fig, CURRENT_FILL) == 1
