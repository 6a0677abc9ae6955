"""Every script answers --help; the site builds end to end; the figure build is incremental."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(p.name for p in (REPO / "scripts").glob("*.py") if not p.name.startswith("_"))
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("*.py") if not p.name.startswith("_"))
sys.path.insert(0, str(REPO / "scripts"))

import build_figures  # noqa: E402  (scripts/ is a folder of scripts, not a package)
import build_site  # noqa: E402


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
    assert (tmp_path / f"{lesson}.md").is_file() and (tmp_path / f"{lesson}.ipynb").is_file()
    assert build_figures.build(only=[lesson], out=tmp_path) == []
    assert build_figures.build(only=[lesson], out=tmp_path, force=True) == [lesson]


def test_build_figures_names_an_unknown_lesson():
    with pytest.raises(SystemExit, match="no lesson named nonsense; the lessons are: .*padding"):
        build_figures.build(only=["nonsense"])


def test_build_site_refuses_zero_jobs():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "build_site.py"), "--jobs", "0"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--jobs must be at least 1, got 0" in proc.stderr


def test_a_failed_mkdocs_build_leaves_the_site_as_it_was(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[a page that does not exist](missing.md)\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: test\ndocs_dir: {docs}\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the good site")
    with pytest.raises(SystemExit, match=f"mkdocs build --strict failed; {site} is left as it was"):
        build_site.mkdocs_build(site, config)
    assert (site / "index.html").read_text() == "the good site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "mkdocs.yml", "site"]  # no temporary folder left

    (docs / "index.md").write_text("# Home\n\nFixed.\n")
    build_site.mkdocs_build(site, config)
    assert "Fixed." in (site / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "mkdocs.yml", "site"]


def test_new_lesson_writes_a_lesson_that_runs_and_adds_its_nav_line(tmp_path):
    import yaml

    config = tmp_path / "mkdocs.yml"
    config.write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    script = [sys.executable, str(REPO / "scripts" / "new_lesson.py")]
    where = ["--lessons", str(lessons), "--config", str(config)]
    proc = subprocess.run([*script, "strided_pooling", "Strided  pooling", "--section", "Forward", *where],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "added '- generated/strided_pooling.md' to the nav" in proc.stdout
    nav = yaml.safe_load(config.read_text(encoding="utf-8"))["nav"]
    forward = next(item["Forward"] for item in nav if isinstance(item, dict) and "Forward" in item)
    assert forward[-1] == "generated/strided_pooling.md"
    assert forward[:-1] == next(i["Forward"] for i in yaml.safe_load((REPO / "mkdocs.yml").read_text())["nav"]
                                if isinstance(i, dict) and "Forward" in i)
    # the comments of the config are kept
    assert "# lesson outputs that are not pages" in config.read_text(encoding="utf-8")
    assert "TITLE = 'Strided pooling'" in (lessons / "strided_pooling.py").read_text()

    # the new lesson runs as it is: prose, a figure and a player of a real trace, the REPL box
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, str(lessons / "strided_pooling.py"), "--out", str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(REPO / "lessons")})
    assert run.returncode == 0, run.stderr
    kinds = [b["type"] for b in json.loads((out / "strided_pooling" / "page.json").read_text())["blocks"]]
    assert kinds == ["md", "code", "figure", "player", "md", "repl"]
    assert (out / "strided_pooling.md").read_text().startswith("# Strided pooling\n")

    # without a section: the end of the nav; refusals name the problem
    proc = subprocess.run([*script, "other", "Other", *where], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["nav"][-1] == "generated/other.md"
    for argv, message in [
        (["strided_pooling", "Again"], "strided_pooling.py already exists"),
        (["Bad-Name", "Title"], "NAME must be lowercase letters, digits and _"),
        (["third", "Third", "--section", "Sideways"], "the nav has no section 'Sideways'; its sections are: Forward"),
        (["third", "  "], "TITLE must not be empty"),
    ]:
        proc = subprocess.run([*script, *argv, *where], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert proc.returncode != 0 and message in proc.stderr, proc.stderr
    assert sorted(p.name for p in lessons.iterdir()) == ["other.py", "strided_pooling.py"]
