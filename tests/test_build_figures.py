"""scripts/build_figures.py: what makes a lesson stale, reuse of unchanged figures, and clean ends.

Real lessons are built into temporary folders; the failure cases use small lessons
written by the tests into a temporary lessons folder (``--lessons DIR``).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "lessons"))

import build_figures  # noqa: E402  (scripts/ is a folder of scripts, not a package)
from _reuse import code_digest  # noqa: E402

QUICK = "average_pool_backward"  # the quickest real lesson


@pytest.fixture(scope="module")
def quick_build(tmp_path_factory) -> Path:
    """The quickest real lesson, built once into a folder of its own."""
    out = tmp_path_factory.mktemp("generated")
    assert build_figures.build(only=[QUICK], out=out) == [QUICK]
    return out


def copy_build(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".lock"))
    return dst


# -- what a lesson depends on ---------------------------------------------------------------------


def test_code_digest_ignores_comments_and_docstrings(tmp_path):
    a, b, c = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    a.write_text('"""Module."""\n\ndef f(x):\n    """Doc."""\n    return x + 1\n')
    b.write_text('# a comment\ndef f(x):  # why\n    """Another doc, longer."""\n\n    return (x + 1)\n')
    c.write_text('def f(x):\n    return x + 2\n')
    assert code_digest(a) == code_digest(b)
    assert code_digest(a) != code_digest(c)
    assert code_digest(tmp_path / "gone.py") == "missing"


def test_the_stamp_lists_what_the_lesson_imported(quick_build):
    stamp = json.loads((quick_build / QUICK / build_figures.STAMP).read_text())
    sources = stamp["sources"]
    assert f"lessons/{QUICK}.py" in sources and "lessons/_lesson.py" in sources
    assert "tracer/conv.py" in sources and "tracer/recording.py" in sources
    # no lesson imports the command line: a change there rebuilds nothing
    assert not any(p.startswith("tracer/cli/") for p in sources)
    assert sources["tracer/conv.py"] == code_digest(REPO / "tracer" / "conv.py")
    assert "numpy" in stamp["libraries"] and "matplotlib" in stamp["libraries"]
    assert build_figures.why_stale(QUICK, quick_build) is None


def edit_stamp(out: Path, change) -> None:
    path = out / QUICK / build_figures.STAMP
    stamp = json.loads(path.read_text())
    change(stamp)
    path.write_text(json.dumps(stamp))


def test_a_changed_module_or_library_makes_the_lesson_stale(quick_build, tmp_path):
    out = copy_build(quick_build, tmp_path / "a")
    edit_stamp(out, lambda s: s["sources"].update({"tracer/conv.py": "0" * 64}))
    assert build_figures.why_stale(QUICK, out) == "tracer/conv.py changed"

    out = copy_build(quick_build, tmp_path / "b")
    edit_stamp(out, lambda s: s["sources"].update({"tracer/removed.py": "0" * 64}))
    assert build_figures.why_stale(QUICK, out) == "tracer/removed.py is gone"

    out = copy_build(quick_build, tmp_path / "c")
    edit_stamp(out, lambda s: s["libraries"].update({"numpy": "1.0.0"}))
    assert build_figures.why_stale(QUICK, out).startswith("numpy 1.0.0 -> ")


@pytest.mark.parametrize("damage, reason", [
    (lambda d: (d / build_figures.STAMP).write_bytes(b"\xff\xfe not utf-8"), "its stamp is unreadable"),
    (lambda d: (d / build_figures.STAMP).write_text("stale\n2.0\n"), "its stamp is unreadable"),
    (lambda d: (d / build_figures.STAMP).unlink(), "never built"),
    (lambda d: (d / "page.json").unlink(), f"{QUICK}/page.json is missing"),
    (lambda d: (d.parent / f"{QUICK}.md").unlink(), f"{QUICK}.md is missing"),
    (lambda d: (d.parent / f"{QUICK}.ipynb").unlink(), f"{QUICK}.ipynb is missing"),
])
def test_damaged_outputs_make_the_lesson_stale(quick_build, tmp_path, damage, reason):
    out = copy_build(quick_build, tmp_path / "out")
    damage(out / QUICK)
    assert build_figures.why_stale(QUICK, out) == reason


def test_a_missing_frame_or_figure_makes_the_lesson_stale(quick_build, tmp_path):
    out = copy_build(quick_build, tmp_path / "out")
    blocks = json.loads((out / QUICK / "page.json").read_text())["blocks"]
    player = next(b["dir"] for b in blocks if b["type"] == "player")
    (out / QUICK / player / "player.json").unlink()
    assert build_figures.why_stale(QUICK, out) == f"{QUICK}/{player}/player.json is missing"


def test_a_corrupt_stamp_is_rebuilt_not_a_crash(quick_build, tmp_path, capsys):
    out = copy_build(quick_build, tmp_path / "out")
    (out / QUICK / build_figures.STAMP).write_bytes(b"\x80\x81\x82")
    assert build_figures.build(only=[QUICK], out=out) == [QUICK]
    assert f"{QUICK} (its stamp is unreadable)" in capsys.readouterr().out
    assert build_figures.why_stale(QUICK, out) is None


def test_outputs_of_deleted_lessons_are_removed(quick_build, tmp_path, capsys):
    out = copy_build(quick_build, tmp_path / "out")
    (out / "gone").mkdir()
    (out / "gone" / build_figures.STAMP).write_text("{}")
    (out / "gone" / "fig.png").write_bytes(b"png")
    (out / "gone.md").write_text("# Gone\n")
    (out / "assets").mkdir()  # not a lesson's output: left alone
    assert build_figures.build(only=[QUICK], out=out) == []
    assert not (out / "gone").exists() and not (out / "gone.md").exists()
    assert (out / "assets").is_dir() and (out / f"{QUICK}.md").is_file()
    assert "gone: lesson gone, its outputs removed" in capsys.readouterr().out


# -- lessons written by the tests -----------------------------------------------------------------

#: A lesson with prose, a figure and a player; PROSE and VALUE are replaced by the tests.
SMALL_LESSON = '''
import numpy as np
from matplotlib.figure import Figure

import tracer
from _lesson import Page, run

TITLE = "Small"


def build(page: Page) -> None:
    page.md("PROSE")
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1], [0, VALUE])
    page.figure(fig, "line", "a line")
    with tracer.record() as trace:
        tracer.pool_forward(np.arange(16.0).reshape(1, 4, 4, 1), {"f": 2, "stride": 2})
    page.player(trace, "pool", "pool_forward step by step")


if __name__ == "__main__":
    run(build, __file__, TITLE)
'''


def write_lesson(lessons: Path, name: str, text: str) -> None:
    lessons.mkdir(exist_ok=True)
    (lessons / f"{name}.py").write_text(textwrap.dedent(text))


def run_build(lessons: Path, out: Path, *options: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_figures.py"), "--lessons", str(lessons), "--out", str(out),
         *options],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )


def test_a_prose_change_reruns_the_lesson_but_redraws_nothing(tmp_path):
    lessons, out = tmp_path / "lessons", tmp_path / "out"
    write_lesson(lessons, "small", SMALL_LESSON.replace("PROSE", "First words.").replace("VALUE", "1"))
    first = run_build(lessons, out)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "small: built in" in first.stdout and "2 figure(s) and player(s) drawn, 0 reused" in first.stdout
    png = (out / "small" / "line.png").read_bytes()
    frame = out / "small" / "pool" / "000.png"
    frame_time = frame.stat().st_mtime_ns

    write_lesson(lessons, "small", SMALL_LESSON.replace("PROSE", "Other words.").replace("VALUE", "1"))
    second = run_build(lessons, out)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "small (" in second.stdout and "small.py changed" in second.stdout
    assert "0 figure(s) and player(s) drawn, 2 reused" in second.stdout
    assert "Other words." in (out / "small.md").read_text()
    assert (out / "small" / "line.png").read_bytes() == png
    assert frame.stat().st_mtime_ns == frame_time  # copied with its time, not drawn again

    # the figure's data changes: that figure is drawn, the player is still reused
    write_lesson(lessons, "small", SMALL_LESSON.replace("PROSE", "Other words.").replace("VALUE", "2"))
    third = run_build(lessons, out)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "1 figure(s) and player(s) drawn, 1 reused" in third.stdout
    assert (out / "small" / "line.png").read_bytes() != png

    assert run_build(lessons, out).stdout.count("small: up to date") == 1


def test_a_failed_lesson_keeps_its_previous_page(tmp_path):
    lessons, out = tmp_path / "lessons", tmp_path / "out"
    write_lesson(lessons, "small", SMALL_LESSON.replace("PROSE", "Good.").replace("VALUE", "1"))
    assert run_build(lessons, out).returncode == 0
    page = (out / "small.md").read_text()
    write_lesson(lessons, "small", SMALL_LESSON.replace("PROSE", "Broken.").replace("VALUE", "1 / 0"))
    proc = run_build(lessons, out)
    assert proc.returncode == 1
    assert "small: FAILED after" in proc.stdout and "its previous page is kept" in proc.stdout
    assert "ZeroDivisionError" in proc.stdout  # the lesson's own traceback is shown
    assert "1 lesson(s) failed: small" in proc.stderr
    assert (out / "small.md").read_text() == page
    assert (out / "small" / "line.png").is_file() and (out / "small" / "pool" / "player.json").is_file()
    assert build_figures.why_stale("small", out, lessons) == f"{(lessons / 'small.py').resolve()} changed"
    assert not (out / build_figures.STAGING).exists()


def test_a_lesson_that_writes_no_page_is_an_error_naming_the_cause(tmp_path):
    lessons, out = tmp_path / "lessons", tmp_path / "out"
    write_lesson(lessons, "forgot", SMALL_LESSON.split("if __name__")[0].replace("VALUE", "1"))
    proc = run_build(lessons, out)
    assert proc.returncode == 1
    assert "forgot: it ran to the end but wrote no page (forgot.md)" in proc.stdout
    assert "run(build, __file__, TITLE)" in proc.stdout and "it has no page yet" in proc.stdout
    assert not (out / "forgot").exists()


def test_prose_that_would_become_a_code_block_is_an_error(tmp_path):
    lessons, out = tmp_path / "lessons", tmp_path / "out"
    text = SMALL_LESSON.replace('page.md("PROSE")', 'page.md("Some prose.\\n\\n    | a | b |\\n    |---|---|")')
    write_lesson(lessons, "table", text.replace("VALUE", "1"))
    proc = run_build(lessons, out)
    assert proc.returncode == 1
    assert "table: page.md() text would render as an indented code block from its line 3: '| a | b |'" in proc.stdout


def test_a_lesson_past_the_time_limit_is_stopped(tmp_path):
    lessons, out = tmp_path / "lessons", tmp_path / "out"
    write_lesson(lessons, "sleepy", "import time\nprint('sleeping', flush=True)\ntime.sleep(120)\n")
    t0 = time.monotonic()
    proc = run_build(lessons, out, "--timeout", "1.5", timeout=60)
    assert time.monotonic() - t0 < 30
    assert proc.returncode == 1
    assert "sleepy: stopped after 2 s, past the time limit of 1.5 s per lesson" in proc.stdout
    assert "TRACER_LESSON_TIMEOUT" in proc.stdout and "sleeping" in proc.stdout


def test_the_time_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(build_figures.TIMEOUT_ENV, "7.5")
    assert build_figures.default_timeout() == 7.5
    monkeypatch.setenv(build_figures.TIMEOUT_ENV, "soon")
    with pytest.raises(SystemExit, match="TRACER_LESSON_TIMEOUT must be a number of seconds > 0, got 'soon'"):
        build_figures.default_timeout()


def test_ctrl_c_stops_at_once_and_keeps_the_finished_lessons(tmp_path):
    lessons, out = tmp_path / "lessons", tmp_path / "out"
    write_lesson(lessons, "a_first", SMALL_LESSON.replace("PROSE", "First.").replace("VALUE", "1"))
    write_lesson(lessons, "b_slow", "import time\ntime.sleep(120)\n")
    write_lesson(lessons, "c_queued", SMALL_LESSON.replace("PROSE", "Third.").replace("VALUE", "3"))
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "build_figures.py"), "--lessons", str(lessons), "--out", str(out),
         "--jobs", "1"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines = []
    try:
        for line in proc.stdout:  # wait until the first lesson is built
            lines.append(line)
            if "a_first: built" in line:
                break
        time.sleep(0.5)  # b_slow is running now
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
        stopped_in = time.monotonic() - t0
    finally:
        proc.kill()
    output = "".join(lines) + rest
    assert proc.returncode == 130, output + err
    assert stopped_in < 10
    assert "interrupted: 1 lesson(s) finished and kept with their stamps (a_first)" in output
    assert "stopped b_slow" in output and "not started: c_queued" in output
    assert "interrupted; run it again" in err
    assert build_figures.why_stale("a_first", out, lessons) is None
    assert build_figures.why_stale("b_slow", out, lessons) == "never built"
    assert not (out / "c_queued").exists() and not (out / build_figures.STAGING).exists()
