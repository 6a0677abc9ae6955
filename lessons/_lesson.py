"""The lesson format: one lesson file makes one page of the site.

A lesson is a plain Python file under ``lessons/`` that runs on its own::

    python lessons/padding.py --out out/        # writes out/padding.md and out/padding/*

It defines ``build(page)``, which runs top to bottom with fixed seeds and adds
to the page, in reading order, the prose and the things the prose talks about;
the file ends with ``if __name__ == "__main__": run(build, __file__, TITLE)``.
Importing a lesson does no work.

The model to copy is ``lessons/padding.py``. Its shape::

    '''Padding: what zero_pad does and why (the docstring says what the page teaches).'''

    # --8<-- [start:imports]
    import numpy as np

    import tracer
    # --8<-- [end:imports]
    from _lesson import Page, run

    TITLE = "Padding"


    def build(page: Page) -> None:
        page.md(r'''
            Prose in Markdown, dedented. Math in $...$ (inline) or $$...$$ (display),
            rendered by KaTeX. Admonitions (!!! note), tables and footnotes work.
        ''')
        page.code("tracer/conv.py:zero_pad")      # quotes a named region, never pasted
        # --8<-- [start:repl]
        np.random.seed(1)
        x = np.random.randn(1, 3, 3, 1)
        with tracer.record() as trace:
            x_pad = tracer.zero_pad(x, 2)
        fig = trace.plot(0)
        # --8<-- [end:repl]
        page.figure(fig, "zero_pad", "x and zero_pad(x, 2) side by side")
        page.player(trace, "steps", "zero_pad, step by step")
        page.repl()                                 # the "try it in the REPL" box


    if __name__ == "__main__":
        run(build, __file__, TITLE)

What each :class:`Page` method adds:

``page.md(text)``
    Markdown prose (dedented). Write ``$$`` blocks on their own lines. A line
    indented by 4 spaces or more after a blank line, outside a list, an
    admonition or a fence, would render as a code block: it is refused.
``page.code("path.py:region", title=None)``
    A code block that quotes the region between ``# --8<-- [start:region]`` and
    ``# --8<-- [end:region]`` of a file of the repository (path from its root),
    through ``pymdownx.snippets`` at site build time: pages never drift from the code.
``page.figure(fig, name, alt, caption=None)``
    Saves a matplotlib ``Figure`` as ``<slug>/<name>.png`` and shows it; with a
    ``caption``, a ``trace.plot(k)`` figure leaves out its own (one caption per figure).
``page.player(trace, name, alt, steps=None, dpi=80, channel=None)``
    Renders a step player (one frame per event, via ``tracer.render.write_player``)
    into ``<slug>/<name>/``. Keep players short: 40 frames at most (pass ``steps``,
    or record with ``tracer.record(examples=0, channels=0)``, or ``trace.where(...)``).
    By default a ``pad 0`` step, which changes nothing, is left out, so that a player
    opens on its first real window. The frames stop above their footer: the page shows
    each step's caption (as text a screen reader announces) and its number in the trace
    (``step 5 (0-25)``, as ``trace[5]`` counts) beside them; the GIF shown without
    JavaScript keeps both in its frames.
``page.repl(title=None, prints=None)``
    The "try it in the REPL" box: quotes this lesson's ``imports`` and ``repl``
    regions, which must reproduce the lesson's main figure on their own; ``prints``
    is what their ``print`` calls show, computed by the lesson (no "# (1, 4, 4, 1)"
    comments in the region: they go stale when a size changes).
``page.frames(frames, name, alt, n_steps=None)``
    A step player of frames the lesson draws itself from a trace (``frames`` yields
    ``(fig, caption, k)``, ``k`` the step's number in a trace of ``n_steps``), for a
    picture no render scene draws.
``page.exercise(question, answer, setup=None)``
    A "predict, then reveal" question: ``setup`` (optional Markdown: a code line,
    a small array) stays visible, the ``question`` (one line of Markdown) is the
    summary of a folded block, "Exercise 1: ...", and ``answer`` (Markdown) is
    what unfolds. Compute every number of an answer with tracer while the lesson
    runs (an f-string of ``Z.shape``, a replayed cell, a buggy line run on the
    real input), never type it: the answer then follows any change of size::

        Z, _ = tracer.conv_forward(A_prev, W, b, {"stride": 2, "pad": 1})
        page.exercise(f"What shape does `Z` have for an input of shape `{A_prev.shape}`?",
                      f"`{Z.shape}`: $\\lfloor ({n} - {f} + 2)/2 \\rfloor + 1 = {Z.shape[1]}$ rows.")

    Every lesson has at least two (the site tests count them).

Prose, alt texts and REPL comments take their sizes from the real shapes
(``rf"..."`` strings of ``A_prev.shape``, ``f``, ``pad``): a teacher who changes a
size changes one number, and the page follows.

Rules: fixed seeds (``np.random.seed``, the course's legacy seeding); the object
interface of matplotlib (``Figure``, ``fig.subplots()``), never pyplot state;
small traces (1 example, 1 or 2 channels, 5x5 inputs); every page shows at least
one figure or player from a real trace. A new lesson also needs its line in the
``nav`` of ``mkdocs.yml`` (the site tests say so when it is missing):
``python scripts/new_lesson.py NAME "Title"`` writes both.

Output of ``run`` in ``--out DIR``: ``DIR/<slug>/page.json`` (the blocks, in order),
the figures and players under ``DIR/<slug>/``, the lesson as a notebook,
``DIR/<slug>.ipynb`` (made by ``lessons/_notebook.py`` from the same file: keep every
``page.*(...)`` call a statement of its own in ``build``), and the page itself,
``DIR/<slug>.md``, which links the notebook, made by :func:`assemble` (``lessons/_markdown.py``), which embeds each player's frame list and captions in the
page (so the player works from ``file://``, with no request) and falls back to the
animated GIF without JavaScript. ``scripts/build_figures.py`` runs lessons into
``docs/generated/``; ``scripts/assemble_pages.py`` re-assembles every page.

Reuse: with ``--reuse PREV`` (the build passes its previous output folder), a
figure or player whose key (what it shows and the code that draws it, see
``lessons/_reuse.py``) matches the one in ``PREV/<slug>/page.json`` is copied
from there instead of drawn again, so a change of prose re-runs the lesson but
redraws nothing. ``--report FILE`` writes what the run imported (repository
files and libraries, which the build keeps in the lesson's stamp) and which
figures and players it drew or reused.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Callable

import _notebook
from _markdown import EMBED_FILE, PAGE_FILE, accidental_code_block, assemble, frame_label

__all__ = ["Page", "run", "assemble", "shrink_png", "REPO", "PAGE_FILE", "EMBED_FILE", "MAX_FRAMES", "PLAYER_DPI"]

#: The repository's root: snippet paths are relative to it.
REPO = Path(__file__).resolve().parent.parent

#: Longest player a page may show (frames).
MAX_FRAMES = 40

#: Resolution of the players' frames.
PLAYER_DPI = 80


class Page:
    """The page a lesson builds: an ordered list of blocks, and its output directory.

    Parameters
    ----------
    slug : str
        The lesson's file name without ``.py``; names the page and its directory.
    title : str
        The page's title (its only ``#`` heading).
    source : path
        The lesson file, for its own snippet regions.
    out : path
        Output directory: figures go to ``out/<slug>/``.
    reuse : path, optional
        A previous output directory: figures and players of ``reuse/<slug>/``
        whose key did not change are copied from there instead of drawn.
    """

    def __init__(
        self, slug: str, title: str, source: str | os.PathLike, out: str | os.PathLike,
        reuse: str | os.PathLike | None = None,
    ):
        self.slug = slug
        self.title = title
        self.source = Path(source).resolve()
        self.out = Path(out)
        self.dir = self.out / slug
        # each block with the line of build() that added it, for the lesson's notebook
        self.blocks: list[dict[str, Any]] = _notebook.Blocks(self.source)
        self._names: set[str] = set()
        self.drawn: list[str] = []
        self.reused: list[str] = []
        self._reuse_dir = None if reuse is None else Path(reuse) / slug
        self._previous = _previous_blocks(self._reuse_dir)

    def __repr__(self) -> str:
        kinds = [b["type"] for b in self.blocks]
        return (
            f"<Page {self.slug!r} ({self.title}): {len(kinds)} blocks, {kinds.count('player')} players, "
            f"{kinds.count('figure')} figures ({len(self.drawn)} drawn, {len(self.reused)} reused)>"
        )

    def _reuse(self, name: str, key: str | None, file: str) -> bool:
        """Copy ``file`` (of figure or player ``name``) from the previous output if its key is unchanged.

        Returns whether it was copied: same key as in the previous ``page.json``, file still there.
        """
        block = self._previous.get(name)
        if key is None or block is None or block.get("key") != key or self._reuse_dir is None:
            return False
        files = self._reuse_dir / file
        if not files.exists():
            return False
        target = self.dir / files.name
        if files.resolve() != target.resolve():
            if files.is_dir():
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(files, target)
            else:
                shutil.copy2(files, target)
        self.reused.append(name)
        return True

    def _claim(self, name: str) -> None:
        if not name or not all(ch.isalnum() or ch in "_-" for ch in name):
            raise ValueError(f"{self.slug}: a figure or player name must be letters, digits, _ or -, got {name!r}")
        if name in self._names:
            raise ValueError(f"{self.slug}: the name {name!r} is already used by another figure or player")
        self._names.add(name)

    def md(self, text: str) -> None:
        """Add Markdown prose (dedented, surrounding blank lines stripped)."""
        if not isinstance(text, str):
            raise TypeError(f"{self.slug}: page.md() takes a str, got {type(text).__name__}")
        text = textwrap.dedent(text).strip("\n")
        line = accidental_code_block(text)
        if line is not None:
            raise ValueError(
                f"{self.slug}: page.md() text would render as an indented code block from its line {line + 1}: "
                f"{text.splitlines()[line].strip()!r} is indented by 4 spaces or more after a blank line, outside "
                f"a list or admonition; give every line of one page.md() the same indentation, or quote code "
                f"with page.code()"
            )
        self.blocks.append({"type": "md", "text": text})

    def code(self, region: str, title: str | None = None) -> None:
        """Quote a named region ``"path/to/file.py:name"`` of the repository as a code block."""
        path, _, name = region.partition(":")
        file = REPO / path
        if not name or not file.is_file():
            raise ValueError(f"{self.slug}: page.code() needs 'path/from/repo/root.py:region', got {region!r}")
        if f"--8<-- [start:{name}]" not in file.read_text(encoding="utf-8"):
            raise ValueError(f"{self.slug}: {path} has no region '# --8<-- [start:{name}]'")
        lang = "python" if path.endswith(".py") else ""
        self.blocks.append({"type": "code", "region": region, "lang": lang, "title": title or path})

    def figure(self, fig: Any, name: str, alt: str, caption: str | None = None, dpi: int = 100) -> Path:
        """Save a matplotlib ``Figure`` as ``<slug>/<name>.png`` and show it on the page.

        With a ``caption`` (shown under the image, as text), a step drawn by
        ``trace.plot(k)`` loses its own footer, the step's number and caption
        (:func:`tracer.render.without_caption`): one caption per figure.
        Returns the path of the PNG. The figure is closed (its canvas dropped) afterwards.
        """
        self._claim(name)
        if not hasattr(fig, "savefig"):
            raise TypeError(f"{self.slug}: page.figure() takes a matplotlib Figure, got {type(fig).__name__}")
        from _reuse import figure_key

        if caption:  # a step drawn by trace.plot(k): the page's caption replaces the frame's own
            from tracer.render import without_caption

            without_caption(fig)

        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{name}.png"
        t0 = time.perf_counter()
        key = figure_key(fig, dpi=dpi, bbox_inches="tight")
        if self._reuse(name, key, f"{name}.png"):
            _progress(f"{self.slug}: figure {name} unchanged, reused")
        else:
            fig.savefig(path, dpi=dpi, bbox_inches="tight")
            shrink_png(path)
            self.drawn.append(name)
            _progress(f"{self.slug}: figure {name} ({time.perf_counter() - t0:.1f} s)")
        self.blocks.append({"type": "figure", "src": f"{name}.png", "alt": alt, "caption": caption or "", "key": key})
        return path

    def player(
        self,
        trace: Any,
        name: str,
        alt: str,
        steps: list[int] | None = None,
        dpi: int = PLAYER_DPI,
        channel: int | None = None,
    ) -> dict:
        """Render a step player of ``trace`` (or of its ``steps``) into ``<slug>/<name>/``.

        Frames are drawn at ``dpi`` (80 by default: the page's column is narrower than
        the frames, and a page with its frames must stay under 3 MB); ``channel`` is the
        input channel shown for convolutions. Returns the player's description
        (``player.json``).
        """
        from tracer import render

        self._claim(name)
        if steps is None:  # a pad of 0 changes nothing: open on the first real step
            steps = [k for k in range(len(trace)) if not _is_noop_pad(trace[k])]
        n = len(steps)
        if n == 0:
            raise ValueError(f"{self.slug}: player {name!r} has no step to show")
        if n > MAX_FRAMES:
            raise ValueError(
                f"{self.slug}: player {name!r} would have {n} frames, more than {MAX_FRAMES}; "
                f"pass steps=, record fewer events (record(examples=0, channels=0)) or filter with trace.where()"
            )
        from _reuse import player_key

        self.dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        key = player_key(trace, steps, dpi=dpi, channel=channel, caption=False)
        if self._reuse(name, key, name):
            info = json.loads((self.dir / name / "player.json").read_text(encoding="utf-8"))
            _progress(f"{self.slug}: player {name} unchanged, reused")
        else:
            # one process per player: the build already runs two lessons at once
            # palette PNGs, written once by write_player (shrink_png would quantize them again)
            # caption=False: the page shows each step's number and caption beside the frame, as text (the GIF keeps them)
            info = render.write_player(trace, self.dir, name, steps=steps, dpi=dpi, channel=channel, workers=1,
                                       caption=False)
            self.drawn.append(name)
            _progress(f"{self.slug}: player {name}, {n} frames ({time.perf_counter() - t0:.1f} s)")
        self.blocks.append({"type": "player", "dir": name, "alt": alt, "key": key})
        return info

    def frames(self, frames: Any, name: str, alt: str, dpi: int = PLAYER_DPI, n_steps: int | None = None) -> dict:
        """A step player of frames the lesson draws itself: ``frames`` yields ``(fig, caption, k)``.

        For a picture no :mod:`tracer.render` scene draws (several channels at once, say):
        the lesson draws each step from the trace, on one figure whose artists it updates,
        and yields it with the step's caption and its number ``k`` in the trace of
        ``n_steps`` steps, which the player's counter shows as every player does
        (``step k (0-n)``, :func:`tracer.numbers.step_label`). Frames that are not
        steps of a trace yield ``(fig, caption)`` and are numbered from 0. The figure
        draws neither the number nor the caption: the page shows both as text. Written
        like :meth:`player`: PNGs, a GIF and ``player.json`` under ``<slug>/<name>/``.
        Returns the player's description.
        """
        from tracer.numbers import step_label

        from PIL import Image

        self._claim(name)
        out = self.dir / name
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        steps = []
        for j, frame in enumerate(frames):
            if j >= MAX_FRAMES:
                raise ValueError(f"{self.slug}: player {name!r} has more than {MAX_FRAMES} frames")
            fig, caption, k = frame if len(frame) == 3 else (*frame, None)
            if (k is None) != (n_steps is None):
                raise ValueError(f"{self.slug}: player {name!r}: frames yield (fig, caption, k) with n_steps=, "
                                 f"or (fig, caption) without it")
            src = f"{j:03d}.png"
            fig.savefig(out / src, dpi=dpi)  # no tight bounding box: every frame the same size
            shrink_png(out / src)
            steps.append({"src": src, "index": j if k is None else int(k), "caption": caption,
                          "label": None if k is None else step_label(int(k), n_steps)})
        if not steps:
            raise ValueError(f"{self.slug}: player {name!r} has no frame to show")
        for j, step in enumerate(steps):
            step["label"] = step["label"] or frame_label(j, len(steps))
        images = [Image.open(out / step["src"]).convert("RGB") for step in steps]
        width, height = images[0].size
        images[0].save(out / "anim.gif", save_all=True, append_images=images[1:], duration=700, loop=0)
        info = {"name": name, "width": width, "height": height, "gif": "anim.gif", "steps": steps}
        (out / "player.json").write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self.blocks.append({"type": "player", "dir": name, "alt": alt})
        _progress(f"{self.slug}: player {name}, {len(steps)} frames ({time.perf_counter() - t0:.1f} s)")
        return info

    def exercise(self, question: str, answer: str, setup: str | None = None) -> None:
        """A "predict, then reveal" question, its answer folded under "Exercise N: question".

        Parameters
        ----------
        question : str
            One line of Markdown (inline code and math work): the summary of the fold.
        answer : str
            Markdown, dedented: what unfolds. Compute its numbers with tracer while the
            lesson runs (f-strings of real shapes and values), never type them.
        setup : str, optional
            Markdown shown above the fold, always visible: the code or array the
            question is about.
        """
        for arg, value in (("question", question), ("answer", answer)):
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{self.slug}: page.exercise() needs a non-empty str {arg}, got {value!r}")
        if "\n" in question.strip():
            raise ValueError(f"{self.slug}: an exercise's question is one line (put the rest in setup=), got {question!r}")
        self.blocks.append({
            "type": "exercise",
            "question": question.strip(),
            "answer": textwrap.dedent(answer).strip("\n"),
            "setup": textwrap.dedent(setup).strip("\n") if setup else "",
        })

    def repl(self, title: str = "Try it in the REPL", prints: str | None = None) -> None:
        """The box with this lesson's ``imports`` and ``repl`` regions, ready to paste.

        ``prints`` is what the region's ``print`` calls show, computed by the lesson
        (``f"{x.shape} -> {x_pad.shape}"``) rather than written in a comment that a
        change of size would leave stale.
        """
        text = self.source.read_text(encoding="utf-8")
        for name in ("imports", "repl"):
            if f"--8<-- [start:{name}]" not in text:
                raise ValueError(f"{self.slug}: page.repl() needs a '# --8<-- [start:{name}]' region in {self.source.name}")
        # relative to the repository's root, where the snippets are looked up (a lesson elsewhere: its full path)
        rel = self.source.relative_to(REPO).as_posix() if self.source.is_relative_to(REPO) else self.source.as_posix()
        self.blocks.append({"type": "repl", "regions": [f"{rel}:imports", f"{rel}:repl"], "title": title,
                            "prints": prints or ""})

    def save(self) -> Path:
        """Write ``<slug>/page.json``, the notebook ``<slug>.ipynb`` and the page ``<slug>.md``; return the page's path."""
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {"slug": self.slug, "title": self.title, "blocks": self.blocks}
        (self.dir / PAGE_FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")
        _notebook.write(self, self.out / f"{self.slug}.ipynb")
        return assemble(self.out, self.slug)


def _previous_blocks(directory: Path | None) -> dict[str, dict[str, Any]]:
    """The figure and player blocks of a previous ``page.json``, by name (empty if none or unreadable)."""
    if directory is None:
        return {}
    try:
        blocks = json.loads((directory / PAGE_FILE).read_text(encoding="utf-8"))["blocks"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    previous = {}
    for block in blocks if isinstance(blocks, list) else []:
        name = None
        if isinstance(block, dict) and block.get("type") == "figure":
            name = str(block.get("src", "")).removesuffix(".png")
        elif isinstance(block, dict) and block.get("type") == "player":
            name = block.get("dir")
        if name:
            previous[name] = block
    return previous


def _is_noop_pad(event: Any) -> bool:
    """True for a padding step of 0 rows and columns, which draws nothing new."""
    return type(event).__name__ == "Pad" and getattr(event, "pad", None) == 0


def shrink_png(path: Path) -> None:
    """Rewrite a PNG with a palette of 256 colours, in place: about 3 times smaller.

    The figures are flat colours and anti-aliased text, which 256 colours keep
    intact (no dithering, :func:`tracer.render.gif.palette_frame`, as the
    players' frames); pages stay under 3 MB with all their frames.
    """
    from PIL import Image

    from tracer.render.gif import palette_frame

    with Image.open(path) as im:
        small = palette_frame(im.convert("RGB"))
    small.save(path, format="PNG")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(build: Callable[[Page], None], source: str, title: str, argv: list[str] | None = None) -> Path:
    """Run a lesson from the command line: ``python lessons/<slug>.py [--out DIR]``.

    Parameters
    ----------
    build : callable
        The lesson's ``build(page)``.
    source : str
        The lesson's ``__file__``.
    title : str
        The page's title.

    Returns
    -------
    Path
        The page written, ``DIR/<slug>.md``.
    """
    slug = Path(source).stem
    parser = argparse.ArgumentParser(
        prog=f"lessons/{slug}.py",
        description=f"Render the lesson '{title}': its page {slug}.md and its figures and players under {slug}/.",
    )
    parser.add_argument("--out", default="out", help="output directory (default: %(default)s)")
    parser.add_argument("--reuse", default=None, metavar="PREV",
                        help="a previous output directory: copy from PREV/<slug>/ the figures and players "
                        "that did not change instead of drawing them")
    parser.add_argument("--report", default=None, metavar="FILE",
                        help="write to FILE (JSON) the repository files and libraries the lesson imported, "
                        "and the figures and players it drew or reused")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    t0 = time.perf_counter()
    page = Page(slug, title, source, args.out, reuse=args.reuse)
    build(page)
    path = page.save()
    if args.report:
        from _reuse import imported_libraries, imported_sources

        report = {
            "sources": imported_sources((Path(source).resolve().parent,)),
            "libraries": imported_libraries(),
            "drawn": page.drawn,
            "reused": page.reused,
        }
        Path(args.report).write_text(json.dumps(report, indent=1), encoding="utf-8")
    _progress(f"{slug}: page {path} ({time.perf_counter() - t0:.1f} s; "
              f"{len(page.drawn)} figure(s) and player(s) drawn, {len(page.reused)} reused)")
    return path
