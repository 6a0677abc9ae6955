"""Time the site build after the edits a teacher makes, in a copy of the repository.

Copies the repository (without its virtual environment, git data and built
outputs) to a temporary folder and builds the site there five times: from
clean, with nothing changed, after a comment and a docstring edit in
``tracer/`` (``cli/__init__.py``, which no lesson imports, and ``conv.py``, which every
one does), after a prose-only edit of one lesson, after a code edit of the
same lesson. Prints one row per build: its wall time, the lessons re-run, and
the figures and players drawn and reused. The working copy is never touched.

Examples::

    python scripts/bench_build.py            # the whole site (about a minute on 2 cores)
    python scripts/bench_build.py --quick    # one lesson's figures only (the test's smoke run)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSON = "padding"  # the model lesson: the one edited
IGNORE = shutil.ignore_patterns(".venv", ".git", "site", "generated", "__pycache__", ".cache", "out",
                                "*.egg-info", ".pytest_cache")


def comment_edit(repo: Path) -> None:
    """A comment in tracer/cli/__init__.py and a docstring edit in tracer/conv.py: no code changes."""
    with open(repo / "tracer" / "cli" / "__init__.py", "a", encoding="utf-8") as f:
        f.write("\n# a comment added by the build benchmark\n")
    conv = repo / "tracer" / "conv.py"
    text = conv.read_text(encoding="utf-8")
    conv.write_text(text.replace('"""', '"""A docstring edit. ', 1), encoding="utf-8")


def prose_edit(repo: Path) -> None:
    """A sentence added to the first page.md() of the lesson."""
    path = repo / "lessons" / f"{LESSON}.py"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(j for j, line in enumerate(lines) if "page.md(" in line and line.rstrip().endswith('"""')) + 1
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at, f"{indent}A sentence added by the build benchmark.\n{indent}\n")
    path.write_text("".join(lines), encoding="utf-8")


def code_edit(repo: Path) -> None:
    """The lesson's first seed changes: its first trace, and what is drawn from it, change."""
    path = repo / "lessons" / f"{LESSON}.py"
    text = path.read_text(encoding="utf-8")
    if "np.random.seed(1)" not in text:
        raise SystemExit(f"bench_build: lessons/{LESSON}.py has no np.random.seed(1) to change")
    path.write_text(text.replace("np.random.seed(1)", "np.random.seed(2)", 1), encoding="utf-8")


SCENARIOS = [
    ("clean build", None),
    ("nothing changed", lambda repo: None),
    ("comment + docstring in tracer/", comment_edit),
    (f"prose of {LESSON}", prose_edit),
    (f"code of {LESSON}", code_edit),
]


def build(repo: Path, quick: bool) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(repo), MPLBACKEND="Agg")
    if quick:
        command = [sys.executable, str(repo / "scripts" / "build_figures.py"), "--only", LESSON]
    else:
        command = [sys.executable, str(repo / "scripts" / "build_site.py"), "--site-dir", str(repo / "site")]
    t0 = time.perf_counter()
    proc = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"bench_build: the build failed:\n{proc.stdout}{proc.stderr}")
    return seconds, proc.stdout


def check_copy_is_used(repo: Path) -> None:
    """The lessons must have run on the copy's tracer (its stamps list the copy's tracer files)."""
    import json

    stamp = json.loads((repo / "docs" / "generated" / LESSON / ".stamp").read_text(encoding="utf-8"))
    if "tracer/conv.py" not in stamp["sources"]:
        raise SystemExit(f"bench_build: the lessons did not import the copy's tracer: {sorted(stamp['sources'])}")


def summary(output: str) -> tuple[int, int, int]:
    """(lessons re-run, figures and players drawn, reused) from a build's output."""
    built = re.findall(r"\] \S+: built in [\d.]+ s \((\d+) figure\(s\) and player\(s\) drawn, (\d+) reused\)", output)
    return len(built), sum(int(d) for d, _ in built), sum(int(r) for _, r in built)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help=f"build only {LESSON}'s figures, not the site")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    what = f"lessons/{LESSON}.py's figures (build_figures.py --only {LESSON})" if args.quick else "the site (build_site.py)"
    print(f"building {what} in a copy of the repository; load average {load:.2f}"
          + ("  (above 1.5: timings are not reliable)" if load > 1.5 else ""), flush=True)
    with tempfile.TemporaryDirectory(prefix="tracer-bench-build-") as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(REPO, repo, ignore=IGNORE)
        print(f"{'build after':<34} {'seconds':>8} {'lessons re-run':>15} {'drawn':>6} {'reused':>7}")
        for name, edit in SCENARIOS:
            if edit is not None:
                edit(repo)
            seconds, output = build(repo, args.quick)
            if edit is None:
                check_copy_is_used(repo)
            rerun, drawn, reused = summary(output)
            print(f"{name:<34} {seconds:>8.1f} {rerun:>15} {drawn:>6} {reused:>7}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
