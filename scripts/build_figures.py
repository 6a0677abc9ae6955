"""Run the lessons that changed, into docs/generated/: their figures, players and pages.

A lesson is re-run only when what it actually used changed: its own file, the
repository modules it imported (``tracer/...``, ``lessons/_lesson.py``, recorded
at the end of its run), with code compared without comments and docstrings, or
the versions of Python and of the libraries it imported. All of it is kept in
``docs/generated/<lesson>/.stamp``; a missing or unreadable stamp, or a missing
output, means "re-run". A re-run lesson copies the figures and players whose
content did not change from its previous output instead of drawing them again,
so a change of prose costs a run of the lesson's small loops, not its drawing.

Each lesson runs in its own process (two at a time by default) into a staging
folder and replaces its previous output only when it succeeded and wrote its
page: a lesson that fails, hangs past the time limit or is interrupted keeps
its previous page. Ctrl-C stops the running lessons, starts no other, and
keeps the stamps of those that finished. Outputs of deleted lessons are removed.

Examples::

    python scripts/build_figures.py                  # what changed
    python scripts/build_figures.py --only padding   # one lesson, if it changed
    python scripts/build_figures.py --force          # everything
    python scripts/build_figures.py --timeout 60     # stop a lesson after 60 s
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
OUT = REPO / "docs" / "generated"
STAMP = ".stamp"
PAGE_FILE = "page.json"
STAGING = ".staging"
REPORT = ".report.json"
#: Stamp layout; a stamp of another format counts as stale.
STAMP_FORMAT = 2
#: Seconds a lesson may run before it is stopped (override: --timeout or this variable).
DEFAULT_TIMEOUT = 300.0
TIMEOUT_ENV = "TRACER_LESSON_TIMEOUT"

sys.path.insert(0, str(LESSONS))
from _reuse import code_digest  # noqa: E402  (lessons/ is a folder of scripts, not a package)


def lessons(lessons_dir: Path = LESSONS) -> list[str]:
    """The lesson names (file stems), sorted; files starting with ``_`` are the framework."""
    return sorted(p.stem for p in Path(lessons_dir).glob("*.py") if not p.name.startswith("_"))


def default_timeout() -> float:
    """The time limit per lesson: ``$TRACER_LESSON_TIMEOUT`` seconds, else :data:`DEFAULT_TIMEOUT`."""
    text = os.environ.get(TIMEOUT_ENV)
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise SystemExit(f"build_figures: {TIMEOUT_ENV} must be a number of seconds > 0, got {text!r}")
    return value


# -- stamps --------------------------------------------------------------------------------------


class Digests(dict):
    """``code_digest`` of files, each computed once per build (many lessons share tracer's files)."""

    def __missing__(self, rel: str) -> str:
        path = Path(rel) if Path(rel).is_absolute() else REPO / rel
        self[rel] = value = code_digest(path)
        return value


@functools.lru_cache(maxsize=1)
def _providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def library_versions(names: list[str]) -> dict[str, str]:
    """``{distribution: version}`` of the distributions that provide the top-level modules ``names``."""
    versions = {}
    for name in names:
        for dist in _providers().get(name, []):
            with contextlib.suppress(metadata.PackageNotFoundError):
                versions[dist] = metadata.version(dist)
    return dict(sorted(versions.items()))


def read_stamp(name: str, out: Path) -> dict | None:
    """The lesson's stamp, or ``None`` if it is missing, unreadable or of another format."""
    try:
        stamp = json.loads((out / name / STAMP).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("format") != STAMP_FORMAT:
        return None
    if not isinstance(stamp.get("sources"), dict) or not isinstance(stamp.get("libraries"), dict):
        return None
    return stamp


def missing_output(name: str, out: Path) -> str | None:
    """The first output of the lesson that is missing (its page, its notebook, page.json, a figure, a player), or ``None``."""
    directory = out / name
    for page in (f"{name}.md", f"{name}.ipynb"):
        if not (out / page).is_file():
            return page
    try:
        blocks = json.loads((directory / PAGE_FILE).read_text(encoding="utf-8"))["blocks"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"{name}/{PAGE_FILE}"
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "figure" and not (directory / str(block.get("src"))).is_file():
            return f"{name}/{block.get('src')}"
        if block.get("type") == "player" and not (directory / str(block.get("dir")) / "player.json").is_file():
            return f"{name}/{block.get('dir')}/player.json"
    return None


def lesson_file(name: str, lessons_dir: Path) -> str:
    path = (Path(lessons_dir) / f"{name}.py").resolve()
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)


def why_stale(name: str, out: Path, lessons_dir: Path = LESSONS, digests: Digests | None = None) -> str | None:
    """Why the lesson must be re-run (``"tracer/conv.py changed"``...), or ``None`` if it is up to date."""
    digests = Digests() if digests is None else digests
    stamp = read_stamp(name, out)
    if stamp is None:
        return "never built" if not (out / name / STAMP).exists() else "its stamp is unreadable"
    own = lesson_file(name, lessons_dir)
    if own not in stamp["sources"]:
        return "its stamp does not list the lesson itself"
    for rel, digest in stamp["sources"].items():
        if digests[rel] != digest:
            return f"{rel} {'is gone' if digests[rel] == 'missing' else 'changed'}"
    if stamp.get("python") != sys.version:
        return "Python changed"
    for dist, version in stamp["libraries"].items():
        try:
            now = metadata.version(dist)
        except metadata.PackageNotFoundError:
            now = "not installed"
        if now != version:
            return f"{dist} {version} -> {now}"
    lost = missing_output(name, out)
    if lost is not None:
        return f"{lost} is missing"
    return None


def is_fresh(name: str, out: Path, lessons_dir: Path = LESSONS) -> bool:
    """Whether the lesson's outputs exist and were built from what it uses now."""
    return why_stale(name, out, lessons_dir) is None


def last_duration(name: str, out: Path) -> float:
    """Seconds the lesson took at its last build (from its stamp), inf if unknown."""
    stamp = read_stamp(name, out)
    try:
        return float(stamp["seconds"]) if stamp else float("inf")
    except (KeyError, TypeError, ValueError):
        return float("inf")


# -- outputs -------------------------------------------------------------------------------------


def prune(out: Path, names: list[str]) -> list[str]:
    """Remove the outputs of lessons that no longer exist (a folder with a stamp or a page.json,
    and the files ``<name>.*`` beside it); return their names."""
    gone = []
    if not out.is_dir():
        return gone
    for directory in sorted(out.iterdir()):
        if not directory.is_dir() or directory.name.startswith(".") or directory.name in names:
            continue
        if (directory / STAMP).exists() or (directory / PAGE_FILE).exists():
            shutil.rmtree(directory)
            for file in out.glob(f"{directory.name}.*"):
                if file.is_file():
                    file.unlink()
            gone.append(directory.name)
    return gone


def install(name: str, staged: Path, out: Path) -> None:
    """Replace the lesson's outputs in ``out`` by those the lesson wrote in ``staged``."""
    trash = staged.parent / f"{name}.previous"
    if (out / name).exists():
        os.replace(out / name, trash)
    os.replace(staged / name, out / name)
    for file in staged.iterdir():  # the page, and any other file written beside it
        if file.is_file() and not file.name.startswith("."):
            os.replace(file, out / file.name)
    shutil.rmtree(trash, ignore_errors=True)


# -- running the lessons -------------------------------------------------------------------------


@dataclass
class Job:
    """One lesson running in its own process group, writing into its staging folder."""

    name: str
    staged: Path
    proc: subprocess.Popen
    log: Path
    start: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.start

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the lesson and whatever it started (SIGTERM, then SIGKILL after 2 s)."""
        for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def start(name: str, out: Path, lessons_dir: Path, reuse: bool = True) -> Job:
    """Start ``lessons/<name>.py --out STAGING [--reuse out] --report FILE``."""
    staged = out / STAGING / name
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    log = out / STAGING / f"{name}.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(LESSONS), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, str(Path(lessons_dir) / f"{name}.py"), "--out", str(staged),
               *(["--reuse", str(out)] if reuse else []), "--report", str(staged / REPORT)]
    with open(log, "wb") as stream:
        # a process group of its own: a time limit or Ctrl-C stops the lesson and its children
        proc = subprocess.Popen(command, cwd=REPO, stdout=stream, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return Job(name, staged, proc, log)


def finish(job: Job, out: Path, lessons_dir: Path, digests: Digests) -> tuple[str | None, str]:
    """Install a lesson that exited 0 and write its stamp.

    Returns ``(problem, note)``: what went wrong (``None`` if nothing) and how many
    figures and players were drawn and reused.
    """
    page = job.staged / f"{job.name}.md"
    if not page.is_file() or not (job.staged / job.name / PAGE_FILE).is_file():
        return (f"it ran to the end but wrote no page ({job.name}.md); does it end with "
                f"'if __name__ == \"__main__\": run(build, __file__, TITLE)'?"), ""
    try:
        report = json.loads((job.staged / REPORT).read_text(encoding="utf-8"))
        sources, libraries = list(report["sources"]), list(report["libraries"])
        note = f"{len(report['drawn'])} figure(s) and player(s) drawn, {len(report['reused'])} reused"
    except (OSError, ValueError, KeyError, TypeError):
        return f"it wrote its page but not its report ({REPORT}) of what it imported", ""
    own = lesson_file(job.name, lessons_dir)
    stamp = {
        "format": STAMP_FORMAT,
        "sources": {rel: digests[rel] for rel in sorted({own, *sources})},
        "libraries": library_versions(libraries),
        "python": sys.version,
        "seconds": round(job.seconds, 1),
    }
    install(job.name, job.staged, out)
    (out / job.name / STAMP).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return None, note


def tail(text: str, lines: int = 40) -> str:
    parts = text.rstrip().splitlines()
    cut = parts[-lines:]
    return "\n".join((["    ..."] if len(parts) > lines else []) + [f"    {line}" for line in cut])


def build(
    only: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    out: Path = OUT,
    lock: bool = True,
    timeout: float | None = None,
    lessons_dir: Path = LESSONS,
) -> list[str]:
    """Re-run the stale lessons (or those in ``only``); return the names rebuilt.

    ``lock=False`` when the caller already holds :func:`locked` (``build_site.py``
    holds it through the whole build). ``timeout`` is the limit per lesson in
    seconds (default: :func:`default_timeout`).

    Raises
    ------
    SystemExit
        If a name in ``only`` is not a lesson, or a lesson fails (its output is
        shown; its previous page is kept).
    KeyboardInterrupt
        On Ctrl-C, after stopping the running lessons; the finished ones are kept.
    """
    out = Path(out)
    if not lock:
        return _build(only, force, jobs, out, timeout, Path(lessons_dir))
    with locked(out):
        return _build(only, force, jobs, out, timeout, Path(lessons_dir))


def _build(only: list[str] | None, force: bool, jobs: int, out: Path, timeout: float | None,
           lessons_dir: Path) -> list[str]:
    timeout = default_timeout() if timeout is None else float(timeout)
    if not timeout > 0:
        raise SystemExit(f"build_figures: the time limit must be > 0 seconds, got {timeout}")
    every = lessons(lessons_dir)
    names = every
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise SystemExit(f"build_figures: no lesson named {', '.join(unknown)}; the lessons are: {', '.join(names)}")
        names = [n for n in names if n in only]
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / STAGING, ignore_errors=True)  # left by a build that was killed
    for gone in prune(out, every):
        print(f"  {gone}: lesson gone, its outputs removed", flush=True)
    digests = Digests()
    reasons = {n: "--force" if force else why_stale(n, out, lessons_dir, digests) for n in names}
    stale = [n for n in names if reasons[n] is not None]
    # the longest first, so that two workers finish together
    stale.sort(key=lambda n: -last_duration(n, out))
    for n in names:
        if n not in stale:
            print(f"  {n}: up to date", flush=True)
    if not stale:
        return []
    workers = max(1, min(jobs, len(stale)))
    print(f"  building {len(stale)} lesson(s) with {workers} worker(s): "
          + ", ".join(f"{n} ({reasons[n]})" for n in stale), flush=True)
    pending, running, built, failed = deque(stale), [], [], []
    done = 0
    try:
        while pending or running:
            while pending and len(running) < workers:
                running.append(start(pending.popleft(), out, lessons_dir, reuse=not force))
            time.sleep(0.05)
            for job in list(running):
                code = job.proc.poll()
                if code is None and job.seconds <= timeout:
                    continue
                running.remove(job)
                done += 1
                head = f"  [{done}/{len(stale)}] {job.name}:"
                kept = "its previous page is kept" if (out / f"{job.name}.md").exists() else "it has no page yet"
                note = ""
                if code is None:
                    job.stop()
                    problem = (f"stopped after {job.seconds:.0f} s, past the time limit of {timeout:g} s per lesson "
                               f"(--timeout or ${TIMEOUT_ENV})")
                elif code != 0:
                    problem = f"FAILED after {job.seconds:.1f} s (exit code {code})"
                else:
                    problem, note = finish(job, out, lessons_dir, digests)
                if problem is None:
                    built.append(job.name)
                    print(f"{head} built in {job.seconds:.1f} s ({note})", flush=True)
                else:
                    failed.append(job.name)
                    print(f"{head} {problem}; {kept}\n{tail(job.output())}", flush=True)
                shutil.rmtree(job.staged, ignore_errors=True)
    except KeyboardInterrupt:
        for job in running:
            job.stop()
        print(f"  interrupted: {len(built)} lesson(s) finished and kept with their stamps"
              + (f" ({', '.join(built)})" if built else "")
              + (f"; stopped {', '.join(j.name for j in running)}, their previous pages kept" if running else "")
              + (f"; not started: {', '.join(pending)}" if pending else ""), flush=True)
        shutil.rmtree(out / STAGING, ignore_errors=True)
        raise
    shutil.rmtree(out / STAGING, ignore_errors=True)
    if failed:
        raise SystemExit(f"build_figures: {len(failed)} lesson(s) failed: {', '.join(failed)} "
                         f"(their previous pages, if any, are kept)")
    return built


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


@contextlib.contextmanager
def sigterm_as_interrupt():
    """Treat SIGTERM like Ctrl-C while the block runs (the same clean stop)."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", action="append", metavar="LESSON", help="build only this lesson (repeatable)")
    parser.add_argument("--force", action="store_true",
                        help="re-run the lessons and redraw every figure, even when nothing changed")
    parser.add_argument("--jobs", type=int, default=2, help="lessons run at once (default: %(default)s)")
    parser.add_argument("--timeout", type=positive_seconds, default=None, metavar="SECONDS",
                        help=f"stop a lesson that runs longer (default: ${TIMEOUT_ENV} or {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: docs/generated/)")
    parser.add_argument("--lessons", type=Path, default=LESSONS, metavar="DIR",
                        help="folder of the lesson files (default: lessons/)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    t0 = time.perf_counter()
    try:
        with sigterm_as_interrupt():
            built = build(args.only, args.force, args.jobs, args.out, timeout=args.timeout, lessons_dir=args.lessons)
    except KeyboardInterrupt:
        print("build_figures: interrupted; run it again to build what is left", file=sys.stderr, flush=True)
        return 130
    print(f"figures: {len(built)} lesson(s) rebuilt in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
