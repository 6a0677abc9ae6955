"""Run the lessons that changed, into docs/generated/: their figures, players and pages.

A lesson is rebuilt only when the hash of what it depends on changed: its own
file, the lesson framework (``lessons/_lesson.py``), the ``tracer`` package's
code (core and renderer) and the versions of Python, numpy, matplotlib and
Pillow. The hash is kept in ``docs/generated/<lesson>/.stamp``. Stale lessons
run as separate processes, two at a time by default.

Examples::

    python scripts/build_figures.py                  # what changed
    python scripts/build_figures.py --only padding   # one lesson, if it changed
    python scripts/build_figures.py --force          # everything
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
OUT = REPO / "docs" / "generated"
STAMP = ".stamp"
LIBRARIES = ("numpy", "matplotlib", "pillow")


def lessons() -> list[str]:
    """The lesson names (file stems), sorted; files starting with ``_`` are the framework."""
    return sorted(p.stem for p in LESSONS.glob("*.py") if not p.name.startswith("_"))


def shared_hash() -> str:
    """Hash of what every lesson depends on: framework, tracer package, library versions."""
    h = hashlib.sha256()
    files = [LESSONS / "_lesson.py", *sorted((REPO / "tracer").rglob("*.py"))]
    for path in files:
        h.update(path.relative_to(REPO).as_posix().encode())
        h.update(path.read_bytes())
    h.update(sys.version.encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}=={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} missing".encode())
    return h.hexdigest()


def lesson_hash(name: str, shared: str) -> str:
    """Hash of one lesson's inputs: its file and the shared hash."""
    h = hashlib.sha256(shared.encode())
    h.update((LESSONS / f"{name}.py").read_bytes())
    return h.hexdigest()


def is_fresh(name: str, digest: str, out: Path) -> bool:
    """Whether the lesson's outputs exist and were built from inputs with this hash."""
    stamp = out / name / STAMP
    return stamp.is_file() and stamp.read_text().split("\n")[0] == digest and (out / f"{name}.md").is_file()


def last_duration(name: str, out: Path) -> float:
    """Seconds the lesson took at its last build (second line of its stamp), inf if unknown."""
    try:
        return float((out / name / STAMP).read_text().split("\n")[1])
    except (OSError, IndexError, ValueError):
        return float("inf")


def run_lesson(name: str, out: Path) -> tuple[str, float, subprocess.CompletedProcess]:
    """Run ``lessons/<name>.py --out out`` in its own process, from a clean output folder."""
    previous = last_duration(name, out)
    shutil.rmtree(out / name, ignore_errors=True)
    (out / f"{name}.md").unlink(missing_ok=True)
    if previous != float("inf"):  # keep the duration for ordering the next build
        (out / name).mkdir(parents=True)
        (out / name / STAMP).write_text(f"stale\n{previous:.1f}\n")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(LESSONS / f"{name}.py"), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True,
    )
    return name, time.perf_counter() - t0, proc


@contextlib.contextmanager
def locked(out: Path):
    """Hold ``out/.lock`` so that two builds at once (two test runs) take turns, not mix outputs."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("  waiting for another build of the figures to finish...", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build(
    only: list[str] | None = None, force: bool = False, jobs: int = 2, out: Path = OUT, lock: bool = True
) -> list[str]:
    """Rebuild the stale lessons (or those in ``only``); return the names rebuilt.

    ``lock=False`` when the caller already holds :func:`locked` (``build_site.py``
    holds it through the whole build).

    Raises
    ------
    SystemExit
        If a name in ``only`` is not a lesson, or a lesson fails (its output is shown).
    """
    if not lock:
        return _build(only, force, jobs, out)
    with locked(out):
        return _build(only, force, jobs, out)


def _build(only: list[str] | None, force: bool, jobs: int, out: Path) -> list[str]:
    names = lessons()
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise SystemExit(f"build_figures: no lesson named {', '.join(unknown)}; the lessons are: {', '.join(names)}")
        names = [n for n in names if n in only]
    shared = shared_hash()
    digests = {n: lesson_hash(n, shared) for n in names}
    stale = [n for n in names if force or not is_fresh(n, digests[n], out)]
    # the longest first, so that two workers finish together
    stale.sort(key=lambda n: -last_duration(n, out))
    for n in names:
        if n not in stale:
            print(f"  {n}: up to date", flush=True)
    if not stale:
        return []
    out.mkdir(parents=True, exist_ok=True)
    print(f"  building {len(stale)} lesson(s) with {min(jobs, len(stale))} worker(s): {', '.join(stale)}", flush=True)
    failed = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_lesson, n, out) for n in stale]
        for done, future in enumerate(as_completed(futures), 1):
            name, seconds, proc = future.result()
            if proc.returncode == 0:
                (out / name / STAMP).write_text(f"{digests[name]}\n{seconds:.1f}\n")
                print(f"  [{done}/{len(stale)}] {name}: built in {seconds:.1f} s", flush=True)
            else:
                failed.append(name)
                print(f"  [{done}/{len(stale)}] {name}: FAILED after {seconds:.1f} s\n{proc.stdout}{proc.stderr}", flush=True)
    if failed:
        raise SystemExit(f"build_figures: {len(failed)} lesson(s) failed: {', '.join(failed)}")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", action="append", metavar="LESSON", help="build only this lesson (repeatable)")
    parser.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    parser.add_argument("--jobs", type=int, default=2, help="lessons run at once (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    t0 = time.perf_counter()
    built = build(args.only, args.force, args.jobs)
    print(f"figures: {len(built)} lesson(s) rebuilt in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
