"""Writing a trace's frames: one PNG per step, an animated GIF and the ``player.json`` the site's step player reads."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..numbers import step_label
from ..recording import Trace
from .checks import _check_caption, _check_channel, _check_dpi, _check_steps, _check_trace
from .gif import GifWriter, palette_frame
from .renderer import GIF_MS, PNG_COMPRESS_LEVEL, Renderer, footer_pixels, footer_pixels_at, png_bytes

__all__ = ["write_player", "save"]

PARALLEL_MIN_FRAMES = 64  # write_player splits longer renders over 2 processes (shorter: not worth a fork)


def _frame_name(j: int, n: int) -> str:
    return f"{j:0{max(3, len(str(n - 1)))}d}.png"


def _write_png(image: Image.Image, path: str) -> None:
    """A frame as PNG, without metadata: the same pixels give the same bytes.

    Palette frames at zlib's default level (the smallest files, still faster
    than an RGB frame at level 1); RGB frames at level 1, as :meth:`Renderer.png`.
    """
    image.save(path, format="PNG", compress_level=6 if image.mode == "P" else PNG_COMPRESS_LEVEL)


def _render_frames(
    trace: Trace, jobs: list[tuple[int, str]], dpi: int, channel: int, palette: bool, caption: bool = True,
    gif: GifWriter | None = None, progress: Callable[[int], None] | None = None, gif_frames: str | None = None,
) -> tuple[int, int]:
    """Write the PNG of each ``(step, path)`` in ``jobs`` and add it to ``gif``; return the PNGs' size.

    Each frame is drawn, quantized (if ``palette`` or for the GIF) and written
    once; nothing of it is kept after the next one is drawn. Without
    ``caption`` the PNG stops above the footer, while the GIF (or, with
    ``gif_frames``, a PNG of the whole frame in that directory, for a GIF made
    later) keeps it: drawn once, cut once.
    """
    whole = caption or gif is not None or gif_frames is not None
    renderer = Renderer(trace, dpi=dpi, channel=channel, caption=whole)
    cut = footer_pixels(renderer.fig) if whole and not caption else 0  # a renderer without caption cuts itself
    for k, event, state, paths in _frames_in_order(trace, jobs):
        renderer.draw_state(k, event, trace.call_of(k), state)
        image = renderer.image()
        small = palette_frame(image) if palette or gif is not None or gif_frames is not None else None
        frame = small if palette else image
        if cut:
            frame = frame.crop((0, 0, frame.width, frame.height - cut))
        for path in paths:
            _write_png(frame, path)
            if gif is not None:
                gif.add(small)
            if gif_frames is not None:
                _write_png(small, os.path.join(gif_frames, os.path.basename(path)))
            if progress is not None:
                progress(1)
    w, h = renderer.size
    return w, h - cut


def _frames_in_order(trace: Trace, jobs: list[tuple[int, str]]) -> Iterator[tuple[int, Any, Any, list[str]]]:
    """``(k, event, state, paths)`` for the steps of ``jobs`` in the order of ``jobs``, replaying the trace once.

    ``jobs`` must list its steps in increasing order, a step repeated on consecutive jobs only.
    """
    by_step: dict[int, list[str]] = {}
    for k, path in jobs:
        by_step.setdefault(k, []).append(path)
    last = max(by_step)
    for k, event, state in trace.states():
        if k in by_step:
            yield k, event, state, by_step[k]
        if k >= last:
            break


def _render_chunk(trace: Trace, jobs: list[tuple[int, str]], dpi: int, channel: int, palette: bool, caption: bool,
                  gif_frames: str | None) -> tuple[int, int]:
    return _render_frames(trace, jobs, dpi, channel, palette, caption, gif_frames=gif_frames)


def write_player(
    trace: Trace,
    directory: str | os.PathLike,
    name: str,
    *,
    steps: Iterable[int] | None = None,
    dpi: int | None = None,
    gif: bool = True,
    palette: bool = True,
    channel: int | None = None,
    caption: bool = True,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write one PNG per step, an animated GIF and a ``player.json`` that lists them.

    Writes ``directory/name/000.png, 001.png, ...`` (one per step, in the order
    of ``steps``), ``directory/name/anim.gif`` (if ``gif``) and
    ``directory/name/player.json``::

        {"name": name, "width": px, "height": px, "gif": "anim.gif", "gif_height": px, "caption": true,
         "n_steps": len(trace),
         "steps": [{"src": "000.png", "index": k, "label": "step k (0-n)", "caption": event.describe()}, ...]}

    ``width`` and ``height`` are the PNGs' size; the GIF is as wide and
    ``gif_height`` high (taller than the PNGs by the footer without ``caption``).
    ``index`` is the step's number in the trace (``trace[k]``, ``trace.goto(k)``),
    and ``label`` says it as every text picture and figure of tracer does
    (:func:`tracer.numbers.step_label`); a player that shows some steps only
    (``steps``) keeps their numbers.

    Parameters
    ----------
    trace : Trace
    directory : path
        Parent directory; ``directory/name`` is created.
    name : str
        The player's name: a single path component.
    steps : iterable of int, optional
        Step indices of the trace (default: every step).
    dpi : int, optional
        Pixels per inch (default 100).
    gif : bool
        Also write ``anim.gif`` (``"gif"`` is ``null`` in the JSON otherwise).
    palette : bool
        Frames as 256-colour palette PNGs (default), about 3 times smaller than
        RGB ones and as sharp (:func:`tracer.render.gif.palette_frame`);
        ``False`` writes RGB PNGs.
    channel : int, optional
        The input channel shown for convolutions (default 0).
    caption : bool
        Keep each frame's footer, its step number and caption, in the PNGs
        (default: each frame explains itself, as ``trace.plot(k)`` draws it).
        ``False`` cuts the PNGs above it, for a player that shows the number
        and the caption of ``player.json`` beside the frame (the site's step
        player: its caption is text a screen reader announces). The GIF, which
        plays without any text around it, keeps the footer either way.
    workers : int, optional
        Processes to render with (default: 2 for 64 frames or more on a machine
        with 2 cores or more, else 1).
    progress : callable, optional
        Called as ``progress(done, total)`` after each frame.

    Returns
    -------
    dict
        The content of ``player.json``.

    Notes
    -----
    The same trace gives byte-identical files, whatever the number of
    workers: fixed fonts and DPI, PNGs and the GIF written by Pillow without
    metadata. Memory does not grow with the number of frames: each frame is
    drawn, quantized, written as PNG and appended to the GIF
    (:class:`tracer.render.gif.GifWriter`) before the next one is drawn. With
    several workers, the processes write the PNGs and the GIF is then made
    from them, one frame at a time.
    """
    fn = "write_player"
    trace = _check_trace(fn, trace)
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name or os.sep in name:
        raise ValueError(f"{fn}: name must be a non-empty file name without '/', got {name!r}")
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"{fn}: directory must be a path, got {type(directory).__name__}")
    wanted = _check_steps(fn, trace, steps)
    dpi = _check_dpi(fn, dpi)
    channel = _check_channel(fn, trace, channel)
    caption = _check_caption(fn, caption)
    if workers is None:
        workers = 2 if len(wanted) >= PARALLEL_MIN_FRAMES and (os.cpu_count() or 1) >= 2 else 1
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"{fn}: workers must be a positive int, got {workers!r}")
    out = Path(directory) / name
    out.mkdir(parents=True, exist_ok=True)
    names = [_frame_name(j, len(wanted)) for j in range(len(wanted))]
    jobs = [(k, str(out / fname)) for k, fname in zip(wanted, names)]
    total, done = len(jobs), [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    in_order = all(a[0] <= b[0] for a, b in zip(jobs, jobs[1:]))
    if workers == 1 or len(jobs) < 2:
        if in_order:
            with (GifWriter(out / "anim.gif", GIF_MS) if gif else nullcontext()) as writer:
                size = _render_frames(trace, jobs, dpi, channel, palette, caption, writer, tick)
        else:  # steps out of order: frames drawn in the order of the trace, the GIF made after
            with _gif_frames(out, gif and not caption) as whole:
                size = _render_frames(trace, sorted(jobs), dpi, channel, palette, caption, None, tick, whole)
                if gif:
                    _gif_of_pngs(out / "anim.gif", _whole_frames(jobs, whole))
    else:
        # contiguous chunks, so that each process reuses its scene from step to step; long renders
        # get up to 4 chunks per process (one of at least 25 frames), for a finer progress report
        order = sorted(range(len(jobs)), key=lambda j: jobs[j][0])
        n_chunks = max(workers, min(4 * workers, len(jobs) // 25))
        chunks = [[jobs[j] for j in part] for part in np.array_split(np.array(order), n_chunks) if len(part)]
        with _gif_frames(out, gif and not caption) as whole:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(_render_chunk, trace, chunk, dpi, channel, palette, caption, whole): len(chunk)
                           for chunk in chunks}
                sizes = []
                for fut in as_completed(futures):
                    sizes.append(fut.result())
                    tick(futures[fut])
            size = sizes[0]
            if gif:
                _gif_of_pngs(out / "anim.gif", _whole_frames(jobs, whole))
    # frames of an earlier, longer render of the same player would linger: remove them
    for stale in out.glob("*.png"):
        if stale.stem.isdigit() and stale.name not in names:
            stale.unlink()
    if not gif and (out / "anim.gif").exists():
        (out / "anim.gif").unlink()
    player = {
        "name": name,
        "width": size[0],
        "height": size[1],
        "gif": "anim.gif" if gif else None,
        "gif_height": (size[1] + (0 if caption else footer_pixels_at(dpi))) if gif else None,
        "caption": caption,
        "n_steps": len(trace),
        "steps": [{"src": fname, "index": k, "label": step_label(k, len(trace)), "caption": trace[k].describe()}
                  for k, fname in zip(wanted, names)],
    }
    (out / "player.json").write_text(json.dumps(player, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return player


@contextmanager
def _gif_frames(out: Path, needed: bool) -> Iterator[str | None]:
    """A scratch directory inside ``out`` for the whole frames of a GIF made after its cut PNGs (``None`` if not ``needed``)."""
    if not needed:
        yield None
        return
    with tempfile.TemporaryDirectory(dir=out, prefix=".gif-") as tmp:
        yield tmp


def _whole_frames(jobs: list[tuple[int, str]], whole: str | None) -> list[str]:
    """The PNGs a GIF is made from, in the order of ``jobs``: the written ones, or their whole frames in ``whole``."""
    paths = [path for _, path in jobs]
    return paths if whole is None else [os.path.join(whole, os.path.basename(p)) for p in paths]


def _gif_of_pngs(path: Path, frames: list[str], ms: int = GIF_MS) -> None:
    """The GIF of PNG frames written by :func:`write_player`, read one at a time (the same bytes as drawn in one go)."""
    with GifWriter(path, ms) as writer:
        for frame in frames:
            with Image.open(frame) as im:
                im.load()
                writer.add(im if im.mode == "P" else palette_frame(im.convert("RGB")))


def _check_target(fn: str, path: Path, directory: bool) -> None:
    """Refuse, before drawing, a ``path`` that cannot be written: a file where a directory must go..."""
    what = "a directory of frames (a path without .gif or .png)" if directory else "an image file"
    if path.exists() and path.is_dir() != directory:
        is_ = "a directory" if path.is_dir() else "an existing file"
        hint = ("; end it in .gif for an animation or .png for one step, or name a new directory"
                if directory else "; name a file inside it")
        raise ValueError(f"{fn}: path {str(path)!r} is {is_}, but it names {what}{hint}")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise ValueError(f"{fn}: path {str(path)!r} cannot be written: {str(parent)!r} is a file, not a directory")
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"{fn}: path {str(path)!r} cannot be written: {str(parent)!r} is not writable")


def save(
    trace: Trace,
    path: str | os.PathLike,
    *,
    steps: Iterable[int] | None = None,
    dpi: int | None = None,
    channel: int | None = None,
    gif: bool = True,
    k: int | None = None,
) -> Path:
    """Save ``trace`` as images: a GIF, one PNG, or a directory of frames.

    ``path`` ending in ``.gif``: an animated GIF of the steps. Ending in
    ``.png``: the picture of step ``k`` (default: the cursor). Otherwise a
    directory: ``000.png, 001.png, ...``, ``anim.gif`` (if ``gif``) and
    ``player.json``, as :func:`write_player` writes them.

    Returns
    -------
    Path
        What was written.
    """
    fn = "save"
    trace = _check_trace(fn, trace)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{fn}: path must be a file or directory path, got {type(path).__name__}")
    path = Path(path)
    suffix = path.suffix.lower()
    _check_target(fn, path, directory=suffix not in (".png", ".gif"))
    if suffix == ".png":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png_bytes(trace, k, dpi=dpi, channel=channel))
        return path
    if suffix == ".gif":
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            write_player(trace, tmp, "frames", steps=steps, dpi=dpi, channel=channel, gif=True)
            path.write_bytes((Path(tmp) / "frames" / "anim.gif").read_bytes())
        return path
    if suffix:
        raise ValueError(f"{fn}: path must end in .gif or .png, or be a directory, got {str(path)!r}")
    path = path.resolve()  # "." or "frames/" name a directory too
    write_player(trace, path.parent, path.name, steps=steps, dpi=dpi, channel=channel, gif=gif)
    return path
