"""Every lesson runs on its own into a temporary folder, and the lesson framework's checks.

The lessons run once per test session, two at a time, each in its own process as
a reader would run them (``python lessons/<name>.py --out DIR``: the ``lesson_runs``
fixture of ``conftest.py``); the tests then read what each one wrote.
"""

from __future__ import annotations

import json
import textwrap
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("*.py") if not p.name.startswith("_"))
sys.path.insert(0, str(REPO / "lessons"))

import _lesson  # noqa: E402  (lessons/ is a folder of scripts, not a package)


def test_the_lessons_are_found():
    assert "padding" in LESSONS and len(LESSONS) >= 8


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_on_its_own(lesson_runs, name):
    out, runs = lesson_runs
    proc = runs[name]
    assert proc.returncode == 0, proc.stderr
    page = (out / f"{name}.md").read_text(encoding="utf-8")
    blocks = json.loads((out / name / "page.json").read_text(encoding="utf-8"))["blocks"]
    kinds = [b["type"] for b in blocks]
    # one title, prose, a figure or a player drawn from a trace, and the REPL box
    assert page.startswith("# ") and page.count("\n# ") == 0
    assert "md" in kinds and ("figure" in kinds or "player" in kinds)
    assert kinds.count("repl") == 1
    assert f'--8<-- "lessons/{name}.py:repl"' in page
    # at least two "predict, then reveal" exercises, folded under "Exercise N: ..."
    assert kinds.count("exercise") >= 2, f"{name} has {kinds.count('exercise')} exercises, at least 2 are required"
    assert re.findall(r'^\?\?\? question "Exercise (\d+): ', page, re.M) == [
        str(j) for j in range(1, kinds.count("exercise") + 1)]


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_outputs_exist_and_players_are_short(lesson_runs, name):
    out, runs = lesson_runs
    assert runs[name].returncode == 0, runs[name].stderr
    page = (out / f"{name}.md").read_text(encoding="utf-8")
    for src in re.findall(r"\]\(([^)\s]+\.(?:png|gif))\)", page):
        assert (out / src).is_file(), f"{name}.md shows {src}, which was not written"
    for player in (out / name).glob("*/player.json"):
        info = json.loads(player.read_text(encoding="utf-8"))
        assert 1 <= len(info["steps"]) <= _lesson.MAX_FRAMES
        for step in info["steps"]:
            assert (player.parent / step["src"]).is_file()
            assert step["caption"].strip()
        # the page carries the frame list and captions itself (no fetch at run time)
        embedded = re.search(rf'<script type="application/json" id="player-{name}-{player.parent.name}">(.*?)</script>',
                             page, re.S)
        assert embedded is not None
        data = json.loads(embedded.group(1).replace("<\\/", "</"))
        assert data["frames"] == [s["src"] for s in info["steps"]]
        assert data["captions"] == [s["caption"] for s in info["steps"]]
        # the counter says each step's number in its trace, as trace[k] counts it
        assert data["labels"] == [s["label"] for s in info["steps"]]
        assert all(re.fullmatch(r"step \d+ \(0-\d+\)", label) for label in data["labels"]), data["labels"]
        numbers = [int(label.split()[1]) for label in data["labels"]]
        assert numbers == sorted(set(numbers)), f"{player.parent.name}: each frame is another step: {data['labels']}"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_snippets_name_existing_regions(lesson_runs, name):
    out, runs = lesson_runs
    assert runs[name].returncode == 0, runs[name].stderr
    page = (out / f"{name}.md").read_text(encoding="utf-8")
    regions = re.findall(r'--8<-- "([^"]+)"', page)
    assert regions
    for region in regions:
        path, _, section = region.partition(":")
        text = (REPO / path).read_text(encoding="utf-8")
        assert f"--8<-- [start:{section}]" in text and f"--8<-- [end:{section}]" in text, region


def test_a_lesson_runs_the_same_twice(lesson_runs, tmp_path):
    """Fixed seeds: the pool_forward lesson's page comes out identical on a second run."""
    out, runs = lesson_runs
    proc = subprocess.run([sys.executable, str(REPO / "lessons" / "pool_forward.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "pool_forward.md").read_text() == (out / "pool_forward.md").read_text()


def test_lesson_help():
    proc = subprocess.run([sys.executable, str(REPO / "lessons" / "padding.py"), "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--out" in proc.stdout


# -- the framework's own checks, without running a lesson -----------------------------------------


def make_page(tmp_path: Path) -> _lesson.Page:
    return _lesson.Page("padding", "Padding", REPO / "lessons" / "padding.py", tmp_path)


def test_page_code_refuses_a_missing_region(tmp_path):
    page = make_page(tmp_path)
    with pytest.raises(ValueError, match="no region"):
        page.code("tracer/conv.py:no_such_region")
    with pytest.raises(ValueError, match="path/from/repo/root.py:region"):
        page.code("tracer/conv.py")
    page.code("tracer/conv.py:zero_pad")
    assert page.blocks == [{"type": "code", "region": "tracer/conv.py:zero_pad", "lang": "python",
                            "title": "tracer/conv.py"}]


def test_page_refuses_bad_and_repeated_names(tmp_path):
    from matplotlib.figure import Figure

    page = make_page(tmp_path)
    page.figure(Figure(figsize=(1, 1)), "one", "a blank figure")
    with pytest.raises(ValueError, match="already used"):
        page.figure(Figure(figsize=(1, 1)), "one", "again")
    with pytest.raises(ValueError, match="letters, digits"):
        page.figure(Figure(figsize=(1, 1)), "../escape", "a path")
    with pytest.raises(TypeError, match="matplotlib Figure"):
        page.figure(np.zeros((2, 2)), "array", "not a figure")
    assert (tmp_path / "padding" / "one.png").is_file()


def test_page_refuses_a_player_longer_than_the_limit(tmp_path):
    import tracer

    with tracer.record() as trace:
        tracer.conv_forward(np.zeros((1, 7, 7, 1)), np.zeros((1, 1, 1, 1)), np.zeros((1, 1, 1, 1)),
                            {"stride": 1, "pad": 0})
    assert len(trace) == 50  # the padding event and 49 windows; a pad of 0 is left out of a player
    page = make_page(tmp_path)
    with pytest.raises(ValueError, match="49 frames, more than 40"):
        page.player(trace, "long", "too long")


def test_md_is_dedented_and_must_be_text(tmp_path):
    page = make_page(tmp_path)
    page.md("""
        ## A heading

        Some text.
    """)
    assert page.blocks[-1] == {"type": "md", "text": "## A heading\n\nSome text."}
    with pytest.raises(TypeError, match="takes a str"):
        page.md(3)


def test_assemble_writes_the_page_in_block_order(tmp_path):
    page = make_page(tmp_path)
    page.md("First.")
    page.code("tracer/conv.py:zero_pad", title="zero_pad")
    page.repl()
    path = page.save()
    assert path == tmp_path / "padding.md"
    assert path.read_text() == (
        "# Padding\n\n"
        '[Open this lesson as a notebook](padding.ipynb){ .tracer-notebook-link download="padding.ipynb" }: '
        "the same prose and code as cells, to run in Jupyter.\n\n"
        "First.\n\n"
        '```python title="zero_pad"\n--8<-- "tracer/conv.py:zero_pad"\n```\n\n'
        '!!! example "Try it in the REPL"\n\n'
        "    ```python\n"
        '    --8<-- "lessons/padding.py:imports"\n'
        "    \n"
        '    --8<-- "lessons/padding.py:repl"\n'
        "    ```\n\n"
        '    In Jupyter a cell ending in `fig` shows the figure, with no magic and no pyplot; '
        'in a plain REPL, save it with `fig.savefig("step.png")`.\n'
    )


def test_assemble_without_a_rendered_lesson_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"python lessons/padding.py"):
        _lesson.assemble(tmp_path, "padding")


@pytest.mark.parametrize("text, line", [
    ("Text.\n\n    | a | b |\n    |---|---|", 2),  # a table indented after a paragraph: a code block
    ("    Indented from the start.", 0),
    ("Text.\n\n\tA tab.", 2),
    ("!!! note\n\n    Inside the note.", None),
    ("??? tip \"More\"\n\n    Inside the details.", None),
    ("- an item\n\n    its second paragraph", None),
    ("1. an item\n\n    its second paragraph", None),
    ("[^1]: a footnote\n\n    its second paragraph", None),
    ("- an item\n\n    continued\n\nA paragraph.\n\n    then code", 6),
    ("Text\n    continued without a blank line", None),
    ("```python\n\n    indented code in a fence\n```", None),
    ("$$\nx = 1\n$$", None),
])
def test_accidental_code_blocks_are_found(text, line):
    assert _lesson.accidental_code_block(text) == line


def test_md_refuses_prose_that_would_become_a_code_block(tmp_path):
    page = make_page(tmp_path)
    table = "| a | b |\n|---|---|"
    with pytest.raises(ValueError, match=r"padding: page.md\(\) text would render as an indented code block "
                                         r"from its line 3: '\| a \| b \|'"):
        page.md("Some prose.\n\n" + textwrap.indent(table, "    "))
    page.md("Some prose.\n\n" + table)
    assert page.blocks == [{"type": "md", "text": "Some prose.\n\n" + table}]


def test_page_reuses_an_unchanged_figure_and_draws_a_changed_one(tmp_path):
    from matplotlib.figure import Figure

    def line_figure(y: float) -> Figure:
        fig = Figure(figsize=(1, 1))
        fig.subplots().plot([0, 1], [0, y])
        return fig

    first = _lesson.Page("padding", "Padding", REPO / "lessons" / "padding.py", tmp_path / "a")
    first.figure(line_figure(1), "same", "a line")
    first.figure(line_figure(1), "changed", "a line")
    first.save()
    assert first.drawn == ["same", "changed"] and first.reused == []

    second = _lesson.Page("padding", "Padding", REPO / "lessons" / "padding.py", tmp_path / "b", reuse=tmp_path / "a")
    second.figure(line_figure(1), "same", "a line")
    second.figure(line_figure(2), "changed", "a steeper line")
    assert second.reused == ["same"] and second.drawn == ["changed"]
    assert (tmp_path / "b" / "padding" / "same.png").read_bytes() == (tmp_path / "a" / "padding" / "same.png").read_bytes()
    assert (tmp_path / "b" / "padding" / "changed.png").read_bytes() != (tmp_path / "a" / "padding" / "changed.png").read_bytes()
    # a figure saved at another resolution is not the same figure
    third = _lesson.Page("padding", "Padding", REPO / "lessons" / "padding.py", tmp_path / "c", reuse=tmp_path / "a")
    third.figure(line_figure(1), "same", "a line", dpi=50)
    assert third.drawn == ["same"]


def test_page_exercise_folds_its_answer(tmp_path):
    page = make_page(tmp_path)
    page.md("Intro.")
    page.exercise('What does `mode="avg"` do?', "It raises.\n\n```python\nx = 1\n```", setup="A line:")
    page.exercise("Second?", "Two.")
    path = page.save()
    text = path.read_text(encoding="utf-8")
    assert "A line:\n\n??? question \"Exercise 1: What does `mode='avg'` do?\"\n\n    It raises.\n\n    ```python\n    x = 1\n    ```" in text
    assert '??? question "Exercise 2: Second?"\n\n    Two.' in text
    with pytest.raises(ValueError, match="one line"):
        page.exercise("Two\nlines?", "answer")
    with pytest.raises(ValueError, match="non-empty str answer"):
        page.exercise("Question?", "  ")


def test_page_player_leaves_out_a_pad_of_zero(tmp_path):
    import numpy as np

    import tracer

    with tracer.record() as trace:
        tracer.conv_forward(np.zeros((1, 3, 3, 1)), np.zeros((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    assert type(trace[0]).__name__ == "Pad"
    info = make_page(tmp_path).player(trace, "p", "a player of four windows")
    assert [s["index"] for s in info["steps"]] == [1, 2, 3, 4]  # opens on the first window


def test_page_frames_numbers_frames_by_their_step_in_the_trace(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    page = make_page(tmp_path)
    info = page.frames(((fig, f"window {k}", k) for k in (3, 7)), "steps", "two steps of a trace", n_steps=12)
    assert [s["index"] for s in info["steps"]] == [3, 7]
    assert [s["label"] for s in info["steps"]] == ["step 3 (0-11)", "step 7 (0-11)"]  # not "step 1 / 2"
    text = page.save().read_text(encoding="utf-8")
    assert '"labels":["step 3 (0-11)","step 7 (0-11)"]' in text
    with pytest.raises(ValueError, match="frames yield \\(fig, caption, k\\) with n_steps="):
        page.frames(iter([(fig, "a step", 2)]), "mixed", "a step without n_steps")


def test_page_figure_with_a_caption_drops_the_frames_own(tmp_path):
    import tracer

    with tracer.record() as trace:
        tracer.conv_forward(np.zeros((1, 3, 3, 1)), np.zeros((2, 2, 1, 1)), np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 0})
    page = make_page(tmp_path)
    fig = trace.plot(2)
    footer = [t for t in fig.texts if t.get_text().startswith("step 2 (0-4):")]
    assert len(footer) == 1
    page.figure(fig, "one", "a window of conv_forward", caption="The window of output cell (0, 1).")
    assert footer[0].get_text() == ""  # one caption: the page's, under the image
    text = page.save().read_text(encoding="utf-8")
    assert "The window of output cell (0, 1)." in text


def test_page_frames_writes_a_player_of_drawn_frames(tmp_path):
    from matplotlib.figure import Figure

    def frames():
        fig = Figure(figsize=(2, 1))
        text = fig.text(0.5, 0.5, "")
        for j in range(3):
            text.set_text(f"frame {j}")
            yield fig, f"caption {j}"

    page = make_page(tmp_path)
    info = page.frames(frames(), "drawn", "three drawn frames")
    assert [s["caption"] for s in info["steps"]] == ["caption 0", "caption 1", "caption 2"]
    assert all((tmp_path / "padding" / "drawn" / s["src"]).is_file() for s in info["steps"])
    assert (info["width"], info["height"]) == (160, 80)
    assert [s["label"] for s in info["steps"]] == ["step 0 (0-2)", "step 1 (0-2)", "step 2 (0-2)"]
    page.repl(prints="(1, 3, 3, 1) -> (1, 7, 7, 1)")
    text = page.save().read_text(encoding="utf-8")
    assert 'data-player="player-padding-drawn"' in text
    assert "    It prints:\n\n    ```text\n    (1, 3, 3, 1) -> (1, 7, 7, 1)\n    ```" in text
    embed = (tmp_path / "padding" / "drawn" / _lesson.EMBED_FILE).read_text(encoding="utf-8")
    assert f"]({tmp_path.name}/padding/drawn/000.png)" in embed
