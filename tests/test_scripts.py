"""Every script answers --help; the site builds end to end; the figure build is incremental."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(p.name for p in (REPO / "scripts").glob("*.py") if not p.name.startswith("_"))
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("*.py") if not p.name.startswith("_"))
sys.path.insert(0, str(REPO / "scripts"))

import build_figures  # noqa: E402  (scripts/ is a folder of scripts, not a package)


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_help(script):
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / script), "--help"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage:")


def test_site_builds_with_every_page(built_site):
    site, output = built_site
    assert (site / "index.html").is_file()
    for name in LESSONS:
        assert (site / "generated" / f"{name}.html").is_file(), name
    # the three stages and the total are timed
    for stage in ("[1/3] figures", "[2/3] pages", "[3/3] mkdocs build --strict", "done in"):
        assert stage in output
    # the offline plugin inlined the search index, and no page asks a CDN for the worker shim
    assert (site / "search" / "search_index.js").is_file()
    assert "unpkg.com" not in (site / "index.html").read_text(encoding="utf-8")


def test_build_leaves_git_clean(built_site):
    """Everything the build writes is ignored by git."""
    proc = subprocess.run(["git", "status", "--porcelain", "--", "docs", "site", "lessons", "mkdocs.yml"],
                          cwd=REPO, capture_output=True, text=True, check=True)
    generated = [line for line in proc.stdout.splitlines() if "generated" in line or "site/" in line]
    assert generated == []


def test_nothing_is_rebuilt_when_nothing_changed(tmp_path):
    lesson = "average_pool_backward"  # the quickest lesson, into a folder of its own
    assert build_figures.build(only=[lesson], out=tmp_path) == [lesson]
    assert (tmp_path / f"{lesson}.md").is_file()
    assert build_figures.build(only=[lesson], out=tmp_path) == []
    assert build_figures.build(only=[lesson], out=tmp_path, force=True) == [lesson]


def test_stamp_follows_the_inputs(tmp_path):
    shared = build_figures.shared_hash()
    digest = build_figures.lesson_hash("padding", shared)
    assert digest == build_figures.lesson_hash("padding", shared)
    assert digest != build_figures.lesson_hash("pool_forward", shared)
    assert digest != build_figures.lesson_hash("padding", shared + "numpy changed")
    assert not build_figures.is_fresh("padding", digest, tmp_path)
    (tmp_path / "padding").mkdir()
    (tmp_path / "padding" / build_figures.STAMP).write_text(digest + "\n")
    assert not build_figures.is_fresh("padding", digest, tmp_path)  # the page itself is missing
    (tmp_path / "padding.md").write_text("# Padding\n")
    assert build_figures.is_fresh("padding", digest, tmp_path)
    assert not build_figures.is_fresh("padding", "0" * 64, tmp_path)


def test_build_figures_names_an_unknown_lesson():
    with pytest.raises(SystemExit, match="no lesson named nonsense; the lessons are: .*padding"):
        build_figures.build(only=["nonsense"])


def test_build_site_refuses_zero_jobs():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "build_site.py"), "--jobs", "0"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--jobs must be at least 1, got 0" in proc.stderr
