"""Build the site into site/: lesson figures (incremental), pages and the playground's traces,
then ``mkdocs build --strict``.

Prints the time of each stage and the total. The result works offline, from a
web server or straight from the file system (open ``site/index.html``).

The site is built into a temporary folder beside ``site/`` and swapped in only
when every stage succeeded: a failed lesson, a failed ``mkdocs build --strict``
or Ctrl-C leaves the previous ``site/`` as it was (and a failed lesson its
previous page). A lesson that runs longer than ``--timeout`` seconds is stopped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import assemble_pages  # noqa: E402
import build_figures  # noqa: E402
import build_playground  # noqa: E402


def mkdocs_build(site_dir: Path, config: Path = REPO / "mkdocs.yml") -> None:
    """``mkdocs build --strict`` of ``config`` into a temporary folder, then swapped in as ``site_dir``.

    Exits with mkdocs' output if it fails; ``site_dir`` is then left as it was.
    """
    building = site_dir.parent / f".{site_dir.name}.building"
    previous = site_dir.parent / f".{site_dir.name}.previous"
    for leftover in (building, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--config-file", str(config),
             "--site-dir", str(building)],
            cwd=REPO, env=env, capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise SystemExit(f"mkdocs build --strict failed; {site_dir} is left as it was:\n{proc.stdout}{proc.stderr}")
        if site_dir.exists():
            os.replace(site_dir, previous)
        os.replace(building, site_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)
        shutil.rmtree(previous, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--force", action="store_true", help="re-run every lesson and redraw all its figures")
    parser.add_argument("--jobs", type=int, default=2, help="lessons run at once (default: %(default)s)")
    parser.add_argument("--site-dir", type=Path, default=REPO / "site", help="output folder (default: site/)")
    parser.add_argument("--timeout", type=build_figures.positive_seconds, default=None, metavar="SECONDS",
                        help=f"stop a lesson that runs longer (default: ${build_figures.TIMEOUT_ENV} "
                        f"or {build_figures.DEFAULT_TIMEOUT:g})")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    start = time.perf_counter()
    # one build at a time over docs/generated: a second one waits for the first
    try:
        with build_figures.sigterm_as_interrupt(), build_figures.locked(build_figures.OUT):
            times = build(args)
    except KeyboardInterrupt:
        print(f"build_site: interrupted; {args.site_dir} is left as it was", file=sys.stderr, flush=True)
        return 130
    total = time.perf_counter() - start
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
    print(f"done in {total:.1f} s ({stages}): open {args.site_dir / 'index.html'}", flush=True)
    return 0


def build(args: argparse.Namespace) -> dict[str, float]:
    """The three stages; returns their durations in seconds."""
    times = {}
    print("[1/3] figures", flush=True)
    t0 = time.perf_counter()
    built = build_figures.build(force=args.force, jobs=args.jobs, lock=False, timeout=args.timeout)
    times["figures"] = time.perf_counter() - t0
    print(f"      {len(built)} lesson(s) rebuilt in {times['figures']:.1f} s", flush=True)

    print("[2/3] pages", flush=True)
    t0 = time.perf_counter()
    pages = assemble_pages.assemble_all()
    times["pages"] = time.perf_counter() - t0
    print(f"      {len(pages)} page(s) assembled in {times['pages']:.1f} s", flush=True)
    print(f"      {build_playground.report(build_playground.build(force=args.force, jobs=args.jobs))}", flush=True)
    times["pages"] = time.perf_counter() - t0

    print("[3/3] mkdocs build --strict", flush=True)
    t0 = time.perf_counter()
    mkdocs_build(args.site_dir.resolve())
    times["mkdocs"] = time.perf_counter() - t0
    print(f"      site built in {times['mkdocs']:.1f} s", flush=True)
    return times


if __name__ == "__main__":
    sys.exit(main())
