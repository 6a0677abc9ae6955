"""The JSON export (tracer.export, trace.to_json) and the cell query (trace.readers).

The format is checked against its JSON Schema (tracer/trace.schema.json) with the
jsonschema package, the standard validator; copying each step's updates in order
must rebuild ``trace.replay(k)`` exactly; every formula, evaluated here from the
cells it names, must give the value tracer computed; and the steps that read a cell
are written out for inputs small enough to check by hand.
"""

from __future__ import annotations

import json
import math
from itertools import product

import numpy as np
import pytest

import tracer
from tracer import export

jsonschema = pytest.importorskip("jsonschema")
VALIDATOR = jsonschema.Draft202012Validator(json.loads(export.SCHEMA.read_text(encoding="utf-8")))


def grid_input(n_H=4, n_W=4):
    return (10.0 * np.arange(n_H)[:, None] + np.arange(n_W))[None, :, :, None]


def loads(trace):
    return json.loads(trace.to_json())


def assert_valid(doc):
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def every_kind_of_trace():
    """One trace with a call of every course function that records events."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((2, 5, 5, 2))
    with tracer.record() as trace:
        tracer.zero_pad(A, 1)
        tracer.conv_single_step(A[0, :3, :3, :], rng.standard_normal((3, 3, 2)), np.ones((1, 1, 1)))
        Z, cache = tracer.conv_forward(A, rng.standard_normal((3, 3, 2, 2)), rng.standard_normal((1, 1, 1, 2)),
                                       {"stride": 2, "pad": 1})
        tracer.conv_backward(Z, cache)
        for mode in ("max", "average"):
            P, pcache = tracer.pool_forward(A, {"f": 2, "stride": 1}, mode=mode)
            tracer.pool_backward(P, pcache, mode=mode)
        tracer.create_mask_from_window(np.array([[-1.0, 2, 3], [2, -3, 2], [1, 5, -2]]))
        tracer.distribute_value(2.0, (2, 2))
        X, Y = rng.standard_normal((3, 4)), np.array([[1.0, 0.0, 1.0, 0.0]])
        parameters = tracer.initialize_parameters_deep([3, 2, 1])
        AL, caches = tracer.L_model_forward(X, parameters)
        tracer.compute_cost(AL, Y)
        grads = tracer.L_model_backward(AL, Y, caches)
        tracer.update_parameters(parameters, grads, 0.1)
    return trace


# -- the format against its schema ---------------------------------------------------------------


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(export.SCHEMA.read_text(encoding="utf-8")))


def test_every_kind_of_call_exports_to_the_schema():
    trace = every_kind_of_trace()
    doc = loads(trace)
    assert_valid(doc)
    assert (doc["format"], doc["version"], doc["tracer"]) == ("tracer-trace", 1, tracer.__version__)
    assert [c["name"] for c in doc["calls"]] == [c.name for c in trace.calls]
    assert len(doc["steps"]) == len(trace)
    assert [s["kind"] for s in doc["steps"]] == [e.kind for e in trace]
    assert [s["text"] for s in doc["steps"]] == [e.describe() for e in trace]


def test_the_schema_refuses_what_the_format_does_not_allow():
    doc = loads(every_kind_of_trace())
    bad_version = dict(doc, version=2)
    assert not VALIDATOR.is_valid(bad_version)
    bad_value = json.loads(json.dumps(doc))
    bad_value["calls"][0]["arrays"]["X"]["values"][0] = "1.5"
    assert not VALIDATOR.is_valid(bad_value)
    bad_region = json.loads(json.dumps(doc))
    step = next(s for s in bad_region["steps"] if "reads" in s)
    step["reads"][next(iter(step["reads"]))] = [[1, 2, 3, 4]]
    assert not VALIDATOR.is_valid(bad_region)


def test_event_fields_are_named_once_per_kind():
    A = grid_input()
    with tracer.record() as trace:
        tracer.pool_forward(A, {"f": 2, "stride": 2})
    doc = loads(trace)
    assert doc["fields"] == {"pool_window": ["i", "h", "w", "c", "vert_start", "vert_end", "horiz_start",
                                             "horiz_end", "value", "max_row", "max_col"]}
    # the window of cell (1, 0) is rows 2:4, columns 0:2 of 10*i + j; its max 31 sits at row 3, column 1
    assert doc["steps"][2]["event"] == [0, 1, 0, 0, 2, 4, 0, 2, 31, 3, 1]


# -- numbers ---------------------------------------------------------------------------------------


def test_numbers_nan_as_null_integers_without_a_point_long_values_with_their_text():
    A = np.array([[1.0, 2.0], [0.0, 5.0]])[None, :, :, None]
    with tracer.record() as trace:
        tracer.pool_forward(A, {"f": 2, "stride": 1}, mode="average")  # (1 + 2 + 0 + 5) / 4 = 2
        tracer.pool_forward(A / 3, {"f": 2, "stride": 1}, mode="average")  # 8 / 12 = 0.666...
    text = trace.to_json()
    assert "NaN" not in text
    doc = json.loads(text)
    first, second = doc["calls"]
    assert first["arrays"]["A_prev"]["values"] == [1, 2, 0, 5]
    assert first["arrays"]["A"]["values"] == [None]
    assert doc["steps"][0]["updates"] == {"A": [[0, 2]]}
    assert second["arrays"]["A_prev"]["values"] == [1 / 3, 2 / 3, 0, 5 / 3]
    assert second["arrays"]["A_prev"]["text"] == {"0": "0.33", "1": "0.67", "3": "1.67"}
    assert doc["steps"][1]["updates"] == {"A": [[0, np.mean(A / 3), "0.67"]]}  # numpy sums in its own order


def test_a_mask_is_booleans():
    with tracer.record() as trace:
        tracer.create_mask_from_window(np.array([[1.0, 3], [3, 2]]))
    doc = loads(trace)
    assert doc["calls"][0]["arrays"]["mask"]["values"] == [False, False, False, False]
    assert doc["steps"][0]["updates"] == {"mask": [[1, True], [2, True]]}


# -- copying the updates rebuilds every replay -----------------------------------------------------


def rebuild(doc):
    """Yield ``(k, state)`` for k = 0 .. len(steps): the state arrays the format says stand after k steps.

    The state is updated in place from one k to the next.
    """
    steps = doc["steps"]

    def state_of(call):
        return {n: list(a["values"]) for n, a in doc["calls"][call]["arrays"].items() if a["role"] == "state"}

    current = steps[0]["call"]
    state = state_of(current)
    yield 0, state
    for k, step in enumerate(steps):
        if step["call"] != current:
            current = step["call"]
            state = state_of(current)
        for name, rows in step["updates"].items():
            for row in rows:
                state[name][row[0]] = row[1]
        yield k + 1, state


def assert_rebuilds(trace):
    doc = loads(trace)
    seen = 0
    # trace.states() yields what replay(k + 1) returns, replaying each event once
    replays = [trace.replay(0)] + [{n: a.copy() for n, a in st.items()} for _, _, st in trace.states()]
    for k, state in rebuild(doc):
        expected = replays[k]
        assert set(state) == set(expected), k
        for name, values in state.items():
            want = np.asarray(expected[name], dtype=float).ravel()
            got = np.array([np.nan if v is None else v for v in values], dtype=float)
            assert np.array_equal(got, want, equal_nan=True), (k, name)
        seen += 1
    assert seen == len(trace) + 1


def test_updates_rebuild_every_conv_replay(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    assert_rebuilds(trace)
    with tracer.record() as trace:
        tracer.conv_backward(Z, cache)
    assert_rebuilds(trace)


def test_updates_rebuild_every_pool_replay(pool_case):
    A_prev, hp = pool_case.arrays()
    for mode in ("max", "average"):
        with tracer.record() as trace:
            A, cache = tracer.pool_forward(A_prev, hp, mode=mode)
        assert_rebuilds(trace)
        with tracer.record() as trace:
            tracer.pool_backward(A, cache, mode=mode)
        assert_rebuilds(trace)


def test_a_filtered_trace_exports_its_kept_steps_with_the_effect_of_the_skipped_ones():
    A_prev, W, b, hp = np.arange(32.0).reshape(1, 4, 4, 2), np.ones((2, 2, 2, 3)), np.zeros((1, 1, 1, 3)), {
        "stride": 1, "pad": 0}
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, hp)
        tracer.conv_backward(Z, cache)
    kept = trace.where(c=2)
    doc = loads(kept)
    assert_valid(doc)
    assert len(doc["steps"]) == len(kept) == 2 * 9
    for j, state in rebuild(doc):
        if j == 0:
            continue
        expected = kept.replay(j)
        for name, values in state.items():
            got = np.array([np.nan if v is None else v for v in values], dtype=float)
            assert np.array_equal(got, np.asarray(expected[name], dtype=float).ravel(), equal_nan=True), (j, name)


def test_the_network_exports_through_its_events_roles():
    trace = every_kind_of_trace()
    doc = loads(trace)
    linear = next(s for s in doc["steps"] if s["kind"] == "linear_forward")
    assert set(linear["reads"]) == {"A0", "W1", "b1"} and set(linear["writes"]) == {"Z1"}
    assert linear["reads"]["W1"] == [[0, 2], [0, 3]]  # the whole (2, 3) matrix


# -- formulas --------------------------------------------------------------------------------------


def cell_value(doc_call, name, flat, final):
    if name in final:
        return final[name][flat]
    return doc_call["arrays"][name]["values"][flat]


def evaluate(call, formula, final):
    """A formula's value, computed here from the values of the cells it names."""
    if "same" in formula:
        name, j = formula["same"]
        formula = next(f for f in call["formulas"] if f["array"] == name and f["index"] == j)
    terms = [math.prod(cell_value(call, n, j, final) for n, j in zip(formula["factors"], t)) / formula.get("divisor", 1)
             for t in formula["terms"]]
    plus = sum(math.prod(cell_value(call, n, j, final) for n, j in t) for t in formula.get("plus", []))
    if formula["op"] == "max":
        assert terms[formula["chosen"]] == max(terms)
        return max(terms) + plus
    if formula["op"] == "mean":
        return sum(terms) / len(terms) + plus
    return sum(terms) + plus


def assert_formulas_hold(trace, outputs):
    doc = loads(trace)
    call = doc["calls"][0]
    *_, (_, final) = rebuild(doc)
    formulas = {(f["array"], f["index"]): f for f in call["formulas"]}
    for name in outputs:
        values = final[name]
        for j, v in enumerate(values):
            f = formulas.get((name, j))
            if f is None:  # no window reaches the cell: it keeps its zero
                assert v == 0, (name, j)
                continue
            assert f["value"] == v
            assert evaluate(call, f, final) == pytest.approx(v, rel=1e-12, abs=1e-12), (name, j)


def test_conv_forward_formula_by_hand():
    # Z[0, 0, 0, 0] = (0 + 1 + 10 + 11) * 1 + 1 = 23: the window rows 0:2, cols 0:2 of 10*i + j
    with tracer.record() as trace:
        tracer.conv_forward(grid_input(), np.ones((2, 2, 1, 1)), np.ones((1, 1, 1, 1)), {"stride": 2, "pad": 0})
    first = loads(trace)["calls"][0]["formulas"][0]
    assert first == {"array": "Z", "index": 0, "op": "sum", "factors": ["A_prev_pad", "W"],
                     "terms": [[0, 0], [1, 1], [4, 2], [5, 3]], "plus": [[["b", 0]]], "value": 23}


def test_max_pool_formula_names_the_chosen_cell():
    with tracer.record() as trace:
        tracer.pool_forward(grid_input(3, 3), {"f": 2, "stride": 1})
    first = loads(trace)["calls"][0]["formulas"][0]
    assert first == {"array": "A", "index": 0, "op": "max", "factors": ["A_prev"], "terms": [[0], [1], [3], [4]],
                     "chosen": 3, "value": 11}


def test_average_pool_backward_divides_by_the_window():
    A = grid_input(3, 3)
    with tracer.record() as trace:
        P, cache = tracer.pool_forward(A, {"f": 2, "stride": 1}, mode="average")
        tracer.pool_backward(np.ones_like(P), cache, mode="average")
    call = loads(trace)["calls"][1]
    middle = next(f for f in call["formulas"] if f["array"] == "dA_prev" and f["index"] == 4)
    # the middle cell of 3x3 is in all four 2x2 windows: 4 * (1 / 4) = 1
    assert middle == {"array": "dA_prev", "index": 4, "op": "sum", "factors": ["dA"],
                      "terms": [[0], [1], [2], [3]], "divisor": 4, "value": 1}


def test_every_conv_formula_gives_tracers_value(conv_case):
    A_prev, W, b, hp = conv_case.arrays()
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    assert_formulas_hold(trace, ["Z"])
    with tracer.record() as trace:
        tracer.conv_backward(Z, cache)
    assert_formulas_hold(trace, ["dA_prev", "dW", "db"])


def test_every_pool_formula_gives_tracers_value(pool_case):
    A_prev, hp = pool_case.arrays(distinct=True)
    for mode in ("max", "average"):
        with tracer.record() as trace:
            A, cache = tracer.pool_forward(A_prev, hp, mode=mode)
        assert_formulas_hold(trace, ["A"])
        with tracer.record() as trace:
            tracer.pool_backward(A + 1.0, cache, mode=mode)
        assert_formulas_hold(trace, ["dA_prev"])


# -- readers ---------------------------------------------------------------------------------------


def windows(trace):
    return [(e.h, e.w) if hasattr(e, "h") else e.kind for e in trace]


def test_readers_of_pool_cells_by_hand():
    with tracer.record() as trace:
        tracer.pool_forward(grid_input(3, 3), {"f": 2, "stride": 1})
    assert windows(trace.readers("A_prev", (0, 1, 1, 0))) == [(0, 0), (0, 1), (1, 0), (1, 1)]  # the middle
    assert windows(trace.readers("A_prev", (0, 0, 0, 0))) == [(0, 0)]  # a corner
    assert windows(trace.readers("A_prev", (0, 0, 1, 0))) == [(0, 0), (0, 1)]  # an edge
    assert len(trace.readers("A", (0, 0, 0, 0))) == 0  # the output is written, not read


def test_readers_of_conv_cells_follow_the_padding():
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(grid_input(3, 3), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                       {"stride": 1, "pad": 1})
    # the loop reads the padded input: its corner (0, 0) is in the first window only
    assert windows(trace.readers("A_prev_pad", (0, 0, 0, 0))) == [(0, 0)]
    assert windows(trace.readers("A_prev_pad", (0, 2, 2, 0))) == list(product(range(3), range(3)))
    assert windows(trace.readers("A_prev", (0, 0, 0, 0))) == ["pad"]  # A_prev itself is read by zero_pad
    assert windows(trace.readers("b", (0, 0, 0, 0))) == list(product(range(3), range(3)))


def test_readers_of_conv_backward():
    A = np.arange(18.0).reshape(1, 3, 3, 2)
    W = np.ones((2, 2, 2, 3))
    Z, cache = tracer.conv_forward(A, W, np.zeros((1, 1, 1, 3)), {"stride": 1, "pad": 0})
    with tracer.record() as trace:
        tracer.conv_backward(Z, cache)
    assert [(e.h, e.w, e.c) for e in trace.readers("dZ", (0, 1, 0, 2))] == [(1, 0, 2)]
    assert [(e.h, e.w, e.c) for e in trace.readers("W", (1, 1, 0, 1))] == [(h, w, 1) for h in range(2) for w in range(2)]
    # A_prev_pad is what the loop reads for dW (pad 0: the same cells as A_prev)
    assert [(e.h, e.w) for e in trace.readers("A_prev_pad", (0, 0, 0, 1))] == [(0, 0)] * 3


def test_readers_on_a_filtered_trace_keep_its_events_only():
    with tracer.record() as trace:
        tracer.pool_forward(np.arange(18.0).reshape(1, 3, 3, 2), {"f": 2, "stride": 1})
    assert [(e.h, e.w, e.c) for e in trace.where(c=1).readers("A_prev", (0, 1, 1, 1))] == [
        (0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 1)]
    assert len(trace.where(c=0).readers("A_prev", (0, 1, 1, 1))) == 0


def test_readers_refuse_what_they_cannot_answer():
    with tracer.record() as trace:
        tracer.pool_forward(grid_input(3, 3), {"f": 2, "stride": 1})
    with pytest.raises(ValueError, match=r"no recorded call has an array named 'Z'; known: \['A', 'A_prev'\]"):
        trace.readers("Z", (0, 0, 0, 0))
    with pytest.raises(ValueError, match=r"index \(0, 3, 0, 0\) does not fit A_prev of shape \(1, 3, 3, 1\)"):
        trace.readers("A_prev", (0, 3, 0, 0))
    with pytest.raises(ValueError, match="does not fit"):
        trace.readers("A_prev", (0, 0))
    with pytest.raises(TypeError, match="index must be a tuple of ints"):
        trace.readers("A_prev", (0, 0.5, 0, 0))
    with pytest.raises(TypeError, match="array must be a str"):
        trace.readers(0, (0, 0, 0, 0))


def test_export_refuses_an_infinity():
    with tracer.record() as trace:
        tracer.distribute_value(1e308, (1, 1))
    trace.calls[0].rows[0] = (trace.calls[0].rows[0][0], math.inf, math.inf)
    with pytest.raises(ValueError, match="JSON has no infinity"):
        trace.to_json()


# -- dilated and transposed convolution ------------------------------------------------------------


def test_dilated_and_transposed_calls_export_to_the_schema():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((1, 5, 5, 2))
    W, b = rng.standard_normal((2, 2, 2, 3)), rng.standard_normal((1, 1, 1, 3))
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A, W, b, {"stride": 1, "pad": 1, "dilation": 2})
        tracer.conv_backward(Z, cache)
        Zt, tcache = tracer.conv_transpose_forward(A, W, b, {"stride": 2, "pad": 1, "output_padding": 1})
        tracer.conv_transpose_backward(Zt, tcache)
    doc = loads(trace)
    assert_valid(doc)
    assert [c["params"].get("dilation") for c in doc["calls"]] == [2, 2, None, None]
    # a dilated window's region reads every second row and column of its span
    window = next(s for s in doc["steps"] if s["call"] == 0 and s["kind"] == "conv_window")
    assert window["reads"]["A_prev_pad"] == [0, [0, 3, 2], [0, 3, 2], [0, 2]]


def test_every_dilated_formula_gives_tracers_value(dilated_case):
    A_prev, W, b, hp = dilated_case.arrays()
    with tracer.record() as trace:
        Z, cache = tracer.conv_forward(A_prev, W, b, hp)
    assert_formulas_hold(trace, ["Z"])
    assert_rebuilds(trace)
    with tracer.record() as trace:
        tracer.conv_backward(Z, cache)
    assert_formulas_hold(trace, ["dA_prev", "dW", "db"])
    assert_rebuilds(trace)


def test_every_transposed_formula_gives_tracers_value(transpose_case):
    A_prev, W, b, hp = transpose_case.arrays()
    with tracer.record() as trace:
        Z, cache = tracer.conv_transpose_forward(A_prev, W, b, hp)
    assert_formulas_hold(trace, ["Z"])
    assert_rebuilds(trace)
    with tracer.record() as trace:
        tracer.conv_transpose_backward(Z - 0.5, cache)
    assert_formulas_hold(trace, ["dA_prev", "dW", "db"])
    assert_rebuilds(trace)


def test_transposed_formula_by_hand():
    # 2x2 input [[1, 2], [3, 4]], 3x3 ones at stride 2, bias 0.5: the centre of Z is every input cell once
    with tracer.record() as trace:
        tracer.conv_transpose_forward(grid_input(2, 2) + 1, np.ones((3, 3, 1, 1)), np.full((1, 1, 1, 1), 0.5),
                                      {"stride": 2, "pad": 0})
    call = loads(trace)["calls"][0]
    centre = next(f for f in call["formulas"] if f["array"] == "Z" and f["index"] == 12)
    # A_prev cells 0..3 (values 1, 2, 11, 12) times W cells (2, 2), (2, 0), (0, 2), (0, 0): flat 8, 6, 2, 0
    assert centre == {"array": "Z", "index": 12, "op": "sum", "factors": ["A_prev", "W"],
                      "terms": [[0, 8], [1, 6], [2, 2], [3, 0]], "plus": [[["b", 0]]], "value": 26.5}


def test_readers_of_a_dilated_window_by_hand():
    with tracer.record() as trace:
        tracer.conv_forward(grid_input(5, 5), np.ones((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)),
                            {"stride": 1, "pad": 0, "dilation": 2})
    # output rows h read rows h and h + 2: row 2 is read by h = 0 and h = 2, row 1 by h = 1 only
    assert windows(trace.readers("A_prev_pad", (0, 2, 2, 0))) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert windows(trace.readers("A_prev_pad", (0, 1, 1, 0))) == [(1, 1)]
    assert windows(trace.readers("A_prev_pad", (0, 1, 2, 0))) == [(1, 0), (1, 2)]


def test_readers_of_transposed_convolution():
    Z, cache = tracer.conv_transpose_forward(grid_input(2, 2), np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                             {"stride": 2, "pad": 1})
    with tracer.record() as trace:
        tracer.conv_transpose_forward(*cache)
        tracer.conv_transpose_backward(Z, cache)
    # each input cell is read by its own scatter step; and by its step of the backward pass
    assert windows(trace.readers("A_prev", (0, 1, 0, 0))) == [(1, 0), (1, 0)]
    # dZ is read once, when it is put back inside the cut rows and columns
    assert windows(trace.readers("dZ", (0, 1, 1, 0))) == ["uncrop"]
    # the centre of dZ_full (2, 2) is in all four blocks
    assert windows(trace.readers("dZ_full", (0, 2, 2, 0))) == [(0, 0), (0, 1), (1, 0), (1, 1)]
