"""Frames as palette images, and an animated GIF written frame by frame.

:func:`palette_frame` turns a drawn frame into a 256-colour palette image: the
figures are flat colours and anti-aliased text, which 256 colours keep intact
(no dithering), about 3 times smaller as a PNG than the RGB frame.
:class:`GifWriter` appends such frames to a GIF as they come, so that writing a
player takes the memory of two frames whatever its length; each frame keeps
its own palette, and only the rectangle that changed since the previous frame
is stored, as Pillow's own ``save_all`` does (the bytes are the same as
``save_all(..., append_images=frames, duration=ms, loop=0, optimize=False)``).

Examples
--------
>>> with GifWriter("anim.gif", ms=700) as gif:     # doctest: +SKIP
...     for image in images:
...         gif.add(palette_frame(image))
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from PIL import GifImagePlugin, Image, ImageChops

__all__ = ["GifWriter", "palette_frame", "COLORS"]

#: Colours of a frame's palette.
COLORS = 256


def palette_frame(image: Image.Image) -> Image.Image:
    """``image`` (RGB) as a palette image of :data:`COLORS` colours, without dithering.

    Deterministic: the same pixels give the same palette and indices.
    """
    return image.quantize(colors=COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def _changed(before: Image.Image, after: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of the pixels that differ between two palette frames (``None``: none)."""
    if before.getpalette() != after.getpalette():
        before, after = before.convert("RGBA"), after.convert("RGBA")
    return ImageChops.subtract_modulo(after, before).getbbox(alpha_only=False)


class GifWriter:
    """An animated GIF that loops forever, written frame by frame to ``path``.

    Parameters
    ----------
    path : path
        The file written (replaced if it exists).
    ms : int
        Milliseconds each frame is shown; a frame identical to the one before
        it is not stored, the one before is shown longer.

    Attributes
    ----------
    frames : int
        Frames added so far.
    """

    def __init__(self, path: str | os.PathLike, ms: int):
        self.path = Path(path)
        self.ms = int(ms)
        self.frames = 0
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        self._previous: Image.Image | None = None  # the last frame, whole
        self._pending: tuple[Image.Image, tuple[int, int, int, int] | None, int] | None = None

    def __repr__(self) -> str:
        return f"<GifWriter {self.path.name}: {self.frames} frames, {self.ms} ms each>"

    def add(self, frame: Image.Image) -> None:
        """Append ``frame``, a palette image (:func:`palette_frame`) of the size of the first."""
        if frame.mode != "P":
            raise ValueError(f"GifWriter.add: frame must be a palette image ('P'), got mode {frame.mode!r}")
        if self._previous is not None and frame.size != self._previous.size:
            raise ValueError(f"GifWriter.add: frame must be {self._previous.size} px like the first, got {frame.size}")
        frame = frame.copy()  # without what an earlier save (a PNG) left on the image for its encoder
        self.frames += 1
        if self._previous is None:
            self._pending = (frame, None, self.ms)
        else:
            box = _changed(self._previous, frame)
            if box is None:  # the same picture: the frame before is shown longer
                image, at, ms = self._pending
                self._pending = (image, at, ms + self.ms)
                return
            self._flush()
            whole = box == (0, 0, *frame.size)
            self._pending = (frame if whole else frame.crop(box), box, self.ms)
        self._previous = frame

    def _flush(self) -> None:
        if self._pending is None:
            return
        image, box, ms = self._pending
        info = {"duration": ms, "loop": 0, "optimize": False}
        if box is None:  # the first frame: the file's header, with its palette as the global one
            header, _ = GifImagePlugin.getheader(image, None, dict(info))
            self._file.write(b"".join(header))
            data = GifImagePlugin.getdata(image, (0, 0), **info)
        else:
            data = GifImagePlugin.getdata(image, box[:2], include_color_table=True, **info)
        self._file.write(b"".join(data))
        self._pending = None

    def close(self) -> None:
        """Write the last frame and the trailer; the file is complete."""
        if self._file.closed:
            return
        try:
            if self._pending is not None and self.frames == 1:
                # one frame: a still GIF, as Pillow writes it
                image = self._pending[0]
                self._pending = None
                self._file.seek(0)
                self._file.truncate()
                image.save(self._file, format="GIF", duration=self.ms, loop=0, optimize=False)
            else:
                self._flush()
                self._file.write(b";")
        finally:
            self._file.close()

    def __enter__(self) -> GifWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
