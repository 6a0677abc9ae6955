"""Start a new lesson: lessons/NAME.py from the model lesson's shape, and its line in the nav of mkdocs.yml.

The new file runs as it is (a paragraph, a figure and a player of a real
trace, the REPL box) and follows the shape of the model lesson,
``lessons/padding.py`` (described in ``lessons/_lesson.py``): replace its prose
and its trace with the lesson's own. Then ``make site`` builds its page.

Examples::

    python scripts/new_lesson.py strided_pooling "Strided pooling"
    python scripts/new_lesson.py strided_pooling "Strided pooling" --section Forward
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TEMPLATE = '''"""{title}: what the page teaches, in one sentence (the model is lessons/padding.py).

Say here what the page shows: which call is traced, which figures and players.
"""

# --8<-- [start:imports]
import numpy as np

import tracer
# --8<-- [end:imports]
from _lesson import Page, run

TITLE = {title!r}


def build(page: Page) -> None:
    page.md(r"""
        The first paragraph says what the reader will see, in the course's words.

        ## A first trace

        Prose in Markdown, dedented: math in $...$ or $$...$$, admonitions (`!!! note`),
        tables and footnotes work. Quote the package's code by region, never paste it:
    """)
    page.code("tracer/pool.py:pool_forward_loop")
    # --8<-- [start:repl]
    np.random.seed(1)
    A_prev = np.random.randn(1, 4, 4, 1)
    with tracer.record() as trace:
        A, cache = tracer.pool_forward(A_prev, {{"f": 2, "stride": 2}})
    fig = trace.plot(0)
    # --8<-- [end:repl]
    page.figure(fig, "first_window", "The first window of a 2 by 2 max pooling",
                "pool_forward with f = 2, stride 2: the first window and the value it writes.")
    page.player(trace, "steps", "pool_forward, window by window")
    page.md(r"""
        Say what the player shows, then what to try next.
    """)
    page.repl()


if __name__ == "__main__":
    run(build, __file__, TITLE)
'''


def check_name(name: str, lessons: Path) -> None:
    """Refuse a name that is not a lowercase identifier, or that a lesson already has."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or keyword.iskeyword(name):
        raise SystemExit(f"new_lesson: NAME must be lowercase letters, digits and _, starting with a letter "
                         f"(it names the file and the page), got {name!r}")
    if (lessons / f"{name}.py").exists():
        raise SystemExit(f"new_lesson: {lessons / f'{name}.py'} already exists; choose another NAME")


def add_to_nav(config: Path, page: str, section: str | None) -> str:
    """Add ``- {page}`` to the nav of ``config`` (at its end, or at the end of ``section``); return the line.

    The file is edited as text, so its comments and layout stay as they were.
    """
    import yaml

    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    try:
        start = next(j for j, line in enumerate(lines) if line.rstrip() == "nav:")
    except StopIteration:
        raise SystemExit(f"new_lesson: {config} has no top-level 'nav:' to add the page to") from None
    end = start + 1  # the nav block: indented lines (and blank lines) after "nav:"
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " -"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    items = [j for j in range(start + 1, end) if lines[j].lstrip().startswith("- ")]
    if not items:
        raise SystemExit(f"new_lesson: the nav of {config} is empty; add the page by hand")
    indent = min(len(lines[j]) - len(lines[j].lstrip()) for j in items)
    at = end
    if section is not None:
        heads = [j for j in items if len(lines[j]) - len(lines[j].lstrip()) == indent
                 and lines[j].strip().rstrip(":") == f"- {section}"]
        if not heads:
            known = [lines[j].strip()[2:].rstrip(":") for j in items
                     if len(lines[j]) - len(lines[j].lstrip()) == indent and lines[j].rstrip().endswith(":")]
            raise SystemExit(f"new_lesson: the nav has no section {section!r}; its sections are: {', '.join(known)}")
        head = heads[0]
        at = head + 1
        while at < end and (not lines[at].strip() or len(lines[at]) - len(lines[at].lstrip()) > indent):
            at += 1
        inner = [j for j in range(head + 1, at) if lines[j].strip()]
        indent = len(lines[inner[0]]) - len(lines[inner[0]].lstrip()) if inner else indent + 4
        while at > head + 1 and not lines[at - 1].strip():
            at -= 1
    line = " " * indent + f"- {page}\n"
    text = "".join(lines[:at] + [line] + lines[at:])
    nav = yaml.safe_load(text).get("nav")
    if page not in repr(nav):
        raise SystemExit(f"new_lesson: could not add {page} to the nav of {config}; add it by hand")
    config.write_text(text, encoding="utf-8")
    return line.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", metavar="NAME", help="the lesson's file name without .py, e.g. strided_pooling")
    parser.add_argument("title", metavar="TITLE", help='the page\'s title, e.g. "Strided pooling"')
    parser.add_argument("--section", default=None,
                        help="the nav section to add the page to, e.g. Forward (default: the end of the nav)")
    parser.add_argument("--lessons", type=Path, default=REPO / "lessons", help="folder of the lessons (default: lessons/)")
    parser.add_argument("--config", type=Path, default=REPO / "mkdocs.yml", help="the site's config (default: mkdocs.yml)")
    args = parser.parse_args(argv)
    title = " ".join(args.title.split())
    if not title:
        parser.error("TITLE must not be empty")
    check_name(args.name, args.lessons)
    if not args.config.is_file():
        parser.error(f"--config {args.config} is not a file")
    source = TEMPLATE.format(title=title)
    compile(source, args.name, "exec")  # the template must stay valid Python
    nav_line = add_to_nav(args.config, f"generated/{args.name}.md", args.section)
    path = args.lessons / f"{args.name}.py"
    path.write_text(source, encoding="utf-8")
    print(f"wrote {path} and added '{nav_line}' to the nav of {args.config}\n"
          f"next: edit its prose and trace, then `python {path} --out out/` or `make site`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
