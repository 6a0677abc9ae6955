"""The playground page (docs/playground.md, docs/assets/playground.js) and its precomputed traces.

The precomputed files must cover every setting the controls allow and hold traces in the
documented format (checked against tracer/trace.schema.json). In a real browser, 25 random
settings at random steps: every drawn cell's ``data-value`` must be tracer's own
``replay(k)`` (or the call's recorded inputs) to 1e-9, its text what tracer writes for it;
pinning and selecting cells must mark what the trace records; keys and touch sizes work on
a 390 px phone and a desktop, light and dark, from a server and from ``file://``. The page's
weight, the traces' total size and the time to switch settings are measured and printed.

The browser tests skip when chromium is missing, unless ``CI`` is set.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
from pathlib import Path

import numpy as np
import pytest

import tracer
from tracer import export
from tracer.conv import padded_input
from tracer.numbers import cell

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import build_playground as bp  # noqa: E402  (scripts/ is a folder of scripts, not a package)

MAX_TOTAL_BYTES = 15_000_000  # every precomputed trace together
MAX_PAGE_BYTES = 1_500_000  # the page with everything it loads and the setting it opens with
SEED = 14
N_SETTINGS = 25


def expected_text(v: float) -> str:
    """What a cell shows for ``v``: nothing when not written, tracer's cell text for long values,
    else the number's shortest form as JavaScript writes it."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    v = float(v)
    if v.is_integer() and abs(v) < 1e5:
        return str(int(v))
    return cell(v) if len(repr(v)) > 6 else repr(v)


def tracer_arrays(trace: tracer.Trace, k: int) -> dict[str, np.ndarray]:
    """Every array the page draws after ``k`` steps, from tracer: inputs, derived, ``replay(k)``."""
    call = trace.calls[0]
    out = dict(call.arrays)
    if call.name == "conv_backward":
        out["A_prev_pad"] = padded_input(call)
    out.update(trace.replay(k))
    return out


# -- the precomputed files -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playground_files(built_site):
    site, output = built_site
    folder = site / "generated" / "playground"
    assert folder.is_dir(), output
    return folder, output


def test_every_setting_has_its_file_and_the_whole_is_small(playground_files, capsys):
    folder, output = playground_files
    keys = {s.key for s in bp.settings()}
    files = {p.stem for p in folder.glob("*.js")} - {"index"}
    assert files == keys
    # the positions of the controls without a file are those tracer refuses: a dilated filter too wide
    refused = {s.key for s, _ in bp.missing()}
    assert refused and not refused & keys
    assert all(s.dilation == 2 and s.f == 3 and s.pad == 0 for s, _ in bp.missing())
    total = sum((folder / f"{k}.js").stat().st_size for k in keys)
    largest = max((folder / f"{k}.js").stat().st_size for k in keys)
    with capsys.disabled():
        print(f"\n  precomputed traces: {len(keys)} settings, {total / 1e6:.2f} MB in all, largest {largest / 1e3:.0f} kB")
    assert total <= MAX_TOTAL_BYTES


def test_precomputed_traces_follow_the_schema(playground_files):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(export.SCHEMA.read_text(encoding="utf-8")))
    folder, _ = playground_files
    every = bp.settings()
    sample = random.Random(SEED).sample(every, 12) + [s for s in every if s.key.endswith("h5-w5-f1-s1-p2-c2-2")]
    for s in sample:
        payload = bp.read_setting_file(folder / f"{s.key}.js")
        assert payload["key"] == s.key and payload["setting"] == s.as_dict()
        errors = list(validator.iter_errors(payload["trace"]))
        assert errors == [], (s.key, [e.message for e in errors[:3]])
        assert len(payload["trace"]["steps"]) == len(bp.record(s))


def test_the_lesson_build_does_not_take_the_playground_for_a_lesson_gone(tmp_path, playground_files):
    import build_figures

    folder, _ = playground_files
    out = tmp_path / "generated"
    (out / "playground").mkdir(parents=True)
    for name in (bp.STAMP, "index.js"):
        (out / "playground" / name).write_bytes((bp.OUT / name).read_bytes())
    assert build_figures.prune(out, build_figures.lessons()) == []
    assert (out / "playground" / "index.js").is_file()
    assert not (folder / bp.STAMP).exists()  # the stamp stays out of the site


def test_the_build_skips_what_is_up_to_date(tmp_path):
    out = tmp_path / "playground"
    (out).mkdir()
    (out / bp.STAMP).write_text(bp.inputs_hash() + "\n0.0\n")
    assert bp.build(out=out) is None
    assert bp.report(None) == "playground: up to date"


def test_the_inputs_are_corners_of_the_same_arrays():
    small = bp.inputs(bp.Setting("conv_forward", 3, 4, 2, 1, 0, 1, 1))
    big = bp.inputs(bp.Setting("conv_forward", 5, 5, 3, 1, 0, 2, 2))
    assert np.array_equal(small["A_prev"], big["A_prev"][:, :3, :4, :1])
    assert np.array_equal(small["W"], big["W"][:2, :2, :1, :1])
    pool = bp.inputs(bp.Setting("pool_forward", 5, 5, 2, 1, 0, 2, 2, "max"))["A_prev"]
    for c in range(2):  # no ties: every value of a channel appears once
        assert len(np.unique(pool[..., c])) == pool[..., c].size


def test_the_code_shown_gives_tracers_numbers():
    """The course call and the torch call of a setting, run as shown, give what its trace recorded."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    for s in random.Random(SEED).sample(bp.settings(), 24):
        shown = bp.code(s)
        names = dict(bp.inputs(s), **{n: getattr(tracer, n) for n in tracer.conv.__all__ + tracer.pool.__all__})
        exec(shown["course"], names)
        exec(shown["torch"], names)
        final = bp.record(s).replay()
        for name in ("Z", "A", "dA_prev", "dW", "db"):
            if name in final:
                got = names[name].detach().numpy() if hasattr(names[name], "detach") else names[name]
                assert np.allclose(got, final[name], atol=1e-12), (s.key, name)


# -- the browser -------------------------------------------------------------------------------------


from test_site import Watch, chromium, page_weight, server  # noqa: E402,F401  (the site's browser fixtures)

READ_CELLS = """root => Array.from(root.querySelectorAll('td[data-array]')).map(td =>
  [td.dataset.array, td.dataset.index, td.dataset.value, td.textContent])"""

SWITCH = """async ([field, value]) => {
  const root = document.getElementById('tracer-playground');
  const select = root.querySelector(`select[data-control="${field}"]`);
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  await new Promise(resolve => {
    const done = () => root.dataset.state === 'missing' ||
      root.dataset.state === 'ready' && root.dataset.loading === root.dataset.key;
    if (done()) return resolve();
    const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); resolve(); } });
    obs.observe(root, {attributes: true});
  });
  return performance.now() - t0;
}"""


def function_option(s: bp.Setting) -> str:
    names = [("conv_forward", None), ("conv_backward", None), ("pool_forward", "max"), ("pool_forward", "average"),
             ("pool_backward", "max"), ("pool_backward", "average")]
    return str(names.index((s.function, s.mode)))


def open_playground(page, url):
    page.goto(url)
    page.wait_for_function("document.getElementById('tracer-playground').dataset.state === 'ready'")
    return page.locator("#tracer-playground")


def choose(page, s: bp.Setting) -> list[float]:
    """Set the controls to ``s``, one list after another; returns the time each switch took (ms)."""
    times = [page.evaluate(SWITCH, ["function", function_option(s)])]
    fields = ["n_H_prev", "n_W_prev", "f", "stride", "n_C"] + (["pad", "n_C_prev", "dilation"] if s.mode is None else [])
    for field in fields:
        current = page.evaluate(f"document.querySelector('select[data-control=\"{field}\"]').value")
        if current != str(getattr(s, field)):
            times.append(page.evaluate(SWITCH, [field, str(getattr(s, field))]))
    assert page.locator("#tracer-playground").get_attribute("data-state") == "ready", s.key
    return times


def assert_drawn_values_are_tracers(page, s: bp.Setting, k: int) -> int:
    root = page.locator("#tracer-playground")
    assert json.loads(root.get_attribute("data-setting")) == s.as_dict()
    assert root.get_attribute("data-step") == str(k)
    trace = bp.record(s)
    # the counter numbers steps as trace[k] does: position k shows the arrays after step k - 1
    counter = root.locator(".tp-counter").text_content()
    assert counter == (f"step {k - 1} (0-{len(trace) - 1})" if k else f"before step 0 (0-{len(trace) - 1})"), counter
    arrays = tracer_arrays(trace, k)
    cells = root.evaluate(READ_CELLS)
    drawn = {}
    for name, index, value, text in cells:
        idx = tuple(int(j) for j in index.split(","))
        want = float(np.asarray(arrays[name], dtype=float)[idx])
        if math.isnan(want):
            assert value == "" and text == "", (s.key, k, name, idx, value)
        else:
            assert value != "", (s.key, k, name, idx)
            assert abs(float(value) - want) <= 1e-9, (s.key, k, name, idx, value, want)
            assert text == expected_text(want), (s.key, k, name, idx, text, want)
        drawn.setdefault(name, set()).add(idx)
    # every cell of every array is drawn, once
    assert len(cells) == sum(len(v) for v in drawn.values())
    for name, a in arrays.items():
        assert drawn[name] == set(np.ndindex(np.shape(a))), (s.key, name)
    return len(cells)


def test_25_random_settings_draw_tracers_numbers(chromium, server, built_site, capsys):
    site, _ = built_site
    rng = random.Random(SEED)
    chosen = rng.sample(bp.settings(), N_SETTINGS)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, "127.0.0.1")
    open_playground(page, f"{server}/playground.html")
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].duration")
    switches, n_cells = [], 0
    for s in chosen:
        switches += choose(page, s)
        n = len(bp.record(s))
        k = rng.randint(0, n)
        page.locator(".tp-slider").fill(str(k))
        n_cells += assert_drawn_values_are_tracers(page, s, k)
        if k > 0:  # and one step back with the keyboard
            page.locator(".tp-prev").focus()
            page.keyboard.press("ArrowLeft")
            n_cells += assert_drawn_values_are_tracers(page, s, k - 1)
    watch.assert_clean()
    weight, missing = page_weight(site, "playground.html")
    default = bp.Setting(**{k: v for k, v in bp.DEFAULT.items()})
    weight += (site / "generated" / "playground" / f"{default.key}.js").stat().st_size
    with capsys.disabled():
        print(f"\n  playground: {n_cells} drawn cells compared in {N_SETTINGS} settings; page weight "
              f"{weight / 1e3:.0f} kB (with its first setting); load {load_ms:.0f} ms; switching settings "
              f"median {statistics.median(switches):.1f} ms, max {max(switches):.1f} ms over {len(switches)} switches")
    assert missing == []
    assert weight <= MAX_PAGE_BYTES
    assert max(switches) < 5000  # a hang, not a benchmark: the numbers above are the measure
    page.close()


def test_pinning_an_output_shows_its_formula_and_marks_its_window(chromium, server):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, "127.0.0.1")
    open_playground(page, f"{server}/playground.html")
    s = bp.Setting(**bp.DEFAULT)  # conv_forward, 5x5, f 3, stride 1, pad 1
    doc = export.to_dict(bp.record(s))
    # Z[0, 1, 2, 0] reads rows 1:4 and columns 2:5 of A_prev_pad, the filter W[..., 0] and b[0]
    page.locator('td[data-array="Z"][data-index="0,1,2,0"]').click()
    terms = page.locator("td.tp-term").evaluate_all("tds => tds.map(td => [td.dataset.array, td.dataset.index])")
    window = {("A_prev_pad", f"0,{r},{c},0") for r in range(1, 4) for c in range(2, 5)}
    filters = {("W", f"{r},{c},0,0") for r in range(3) for c in range(3)}
    assert set(map(tuple, terms)) == window | filters | {("b", "0,0,0,0")}
    formula = next(f for f in doc["calls"][0]["formulas"] if f["array"] == "Z" and f["index"] == 1 * 5 + 2)
    line = page.locator(".tp-formula-line").inner_text()
    assert line.endswith(f"= {expected_text(formula['value'])}")
    assert line.count("\u00D7") == 9  # nine products, then the bias
    # the cell was written by one step; its button goes there
    page.locator(".tp-formula .tp-step").first.click()
    assert page.locator("#tracer-playground").get_attribute("data-step") == str(1 + 1 * 5 + 2 + 1)
    watch.assert_clean()
    page.close()


def test_selecting_an_input_marks_the_steps_and_outputs_that_read_it(chromium, server):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, "127.0.0.1")
    open_playground(page, f"{server}/playground.html")
    s = bp.Setting("conv_backward", 4, 5, 2, 1, 1, 2, 2)
    choose(page, s)
    trace = bp.record(s)
    for name, index in [("A_prev_pad", (0, 2, 3, 1)), ("W", (1, 0, 1, 0)), ("dZ", (0, 1, 1, 1))]:
        page.locator(f'td[data-array="{name}"][data-index="{",".join(map(str, index))}"]').click()
        steps = page.locator(".tp-formula .tp-step").evaluate_all("bs => bs.map(b => parseInt(b.textContent, 10))")
        assert [trace[k - 1] for k in steps] == list(trace.readers(name, index)), name
        assert page.locator("td.tp-reader").count() > 0
    watch.assert_clean()
    page.close()


def test_keyboard_reaches_every_control_steps_and_pins(chromium, server):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    open_playground(page, f"{server}/playground.html")
    root = page.locator("#tracer-playground")
    page.locator(".tp-slider").fill("1")  # at step 0 the first and previous buttons are disabled
    # Tab walks through every control of the playground
    page.locator("#tp-function").focus()
    reached = set()
    for _ in range(40):
        reached.add(page.evaluate("document.activeElement.dataset.control || document.activeElement.className"))
        page.keyboard.press("Tab")
    for control in ["function", "n_H_prev", "n_W_prev", "f", "stride", "pad", "n_C_prev", "n_C", "dilation"]:
        assert control in reached, control
    for button in ["tp-first", "tp-prev", "tp-play", "tp-next", "tp-last", "tp-slider"]:
        assert any(button in r for r in reached), button
    # arrows step, Home and End jump
    page.locator(".tp-next").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert root.get_attribute("data-step") == "3"
    page.keyboard.press("End")
    n = len(bp.record(bp.Setting(**bp.DEFAULT)))
    assert root.get_attribute("data-step") == str(n)
    page.keyboard.press("Home")
    assert root.get_attribute("data-step") == "0"
    # a grid: arrows move between cells, Enter pins
    first_z = page.locator('td[data-array="Z"]').first
    first_z.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.index") == "0,1,1,0"
    page.keyboard.press("Enter")
    assert page.locator("td.tp-pinned").get_attribute("data-index") == "0,1,1,0"
    assert root.get_attribute("data-step") == "0"  # the arrows inside a grid did not step
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_phone_and_desktop_light_and_dark(chromium, server, scheme, width, tmp_path_factory):
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                   device_scale_factor=1, has_touch=width < 600)
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    open_playground(page, f"{server}/playground.html")
    choose(page, bp.Setting("conv_forward", 5, 5, 2, 1, 2, 2, 2))  # the widest grids: 9 x 9
    page.locator(".tp-slider").fill("20")
    page.locator('td[data-array="Z"][data-index="0,2,2,1"]').click()
    shots = tmp_path_factory.getbasetemp() / "playground-shots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"playground-{width}-{scheme}.png"), full_page=True)
    # nothing runs past the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    grids_fit = page.evaluate("""() => Array.from(document.querySelectorAll('.tp-tables')).every(
        t => t.scrollWidth <= t.clientWidth + 1)""")
    assert grids_fit
    # touch targets: every control and every cell at least 32 px each way
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#tracer-playground select, #tracer-playground button, #tracer-playground td')).map(e => {
        const r = e.getBoundingClientRect(); return [e.tagName, r.width, r.height]; })""")
    small = [s for s in sizes if s[1] < 31.5 or s[2] < 31.5]
    assert small == [], small[:5]
    # the palette follows the site's scheme: the cards of the numbers are light or dark
    empty = page.locator("td.tp-empty").first.evaluate("td => getComputedStyle(td).backgroundColor")
    total = sum(int(x) for x in empty[empty.index("(") + 1 : empty.index(")")].split(",")[:3])
    assert (total > 600) if scheme == "light" else (total < 200), empty
    watch.assert_clean()
    context.close()


def test_a_setting_without_a_window_says_why(chromium, server):
    page = chromium.new_page()
    watch = Watch(page, "127.0.0.1")
    open_playground(page, f"{server}/playground.html")
    choose(page, bp.Setting("conv_forward", 3, 3, 3, 1, 0, 1, 1, dilation=1))
    page.evaluate(SWITCH, ["dilation", "2"])  # a 3x3 filter dilated by 2 spans 5 cells: more than 3
    root = page.locator("#tracer-playground")
    assert root.get_attribute("data-state") == "missing"
    assert "spans 5x5 cells" in page.locator(".tp-status").inner_text()
    assert not page.locator(".tp-grids").is_visible()
    page.evaluate(SWITCH, ["pad", "1"])  # padded to 5 x 5, one window fits
    assert root.get_attribute("data-state") == "ready"
    assert json.loads(root.get_attribute("data-setting"))["dilation"] == 2
    assert page.locator('td[data-array="Z"]').count() == 1
    watch.assert_clean()
    page.close()


def test_from_the_file_system(chromium, built_site):
    site, _ = built_site
    page = chromium.new_page()
    watch = Watch(page, None)
    open_playground(page, (site / "playground.html").as_uri())
    choose(page, bp.Setting("pool_backward", 4, 4, 2, 2, 0, 1, 1, "max"))
    page.locator(".tp-next").click()
    assert_drawn_values_are_tracers(page, bp.Setting("pool_backward", 4, 4, 2, 2, 0, 1, 1, "max"), 1)
    watch.assert_clean()
    page.close()


def test_a_comment_in_tracer_does_not_rebuild_the_playground(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(bp.REPO / "tracer", tmp_path / "tracer", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "scripts").mkdir()
    shutil.copy(bp.__file__, tmp_path / "scripts" / "build_playground.py")
    monkeypatch.setattr(bp, "REPO", tmp_path)
    monkeypatch.setattr(bp, "__file__", str(tmp_path / "scripts" / "build_playground.py"))
    before = bp.inputs_hash()
    with open(tmp_path / "tracer" / "cli" / "__init__.py", "a", encoding="utf-8") as f:
        f.write("\n# a comment\n")
    conv = tmp_path / "tracer" / "conv.py"
    conv.write_text(conv.read_text(encoding="utf-8").replace('"""', '"""An edited docstring. ', 1), encoding="utf-8")
    assert bp.inputs_hash() == before
    conv.write_text(conv.read_text(encoding="utf-8") + "\nANSWER = 42\n", encoding="utf-8")
    assert bp.inputs_hash() != before
