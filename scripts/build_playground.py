"""Precompute the playground's traces: every setting its controls allow, one script file each.

For every setting (function, input height and width, filter size, stride,
padding, channels) this records the course function with tracer and writes
``docs/generated/playground/<key>.js``, which hands the page the trace in the
``tracer-trace`` JSON format (``trace.to_json()``), the course call and the
equivalent torch call. A ``<script>`` tag per file loads it, so the page works
from ``file://``. ``index.js`` lists the controls' ranges; ``palette.css`` holds
the figures' colours for both palettes. Rebuilt only when the ``tracer``
package or this script changed (the hash is kept in ``.inputs-hash``); prints the
number of settings and their total size.

Examples::

    python scripts/build_playground.py           # if tracer or this script changed
    python scripts/build_playground.py --force   # every setting again
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import hashlib
import itertools
import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "generated" / "playground"
STAMP = ".inputs-hash"  # not ".stamp": build_figures.prune takes a folder with one for a lesson gone
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "lessons"))

import numpy as np  # noqa: E402
from _reuse import code_digest  # noqa: E402  (lessons/ is a folder of scripts, not a package)

import tracer  # noqa: E402
from tracer import export  # noqa: E402

# -- the controls ------------------------------------------------------------------------------
# Undilated, every combination is valid: f <= 3 <= the smallest input, so a window always fits.
SIZES = (3, 4, 5)  # input height and width
FILTERS = (1, 2, 3)  # f, for convolution and pooling
STRIDES = (1, 2, 3)
PADS = (0, 1, 2)  # convolution only: pooling has no padding
CHANNELS = (1, 2)  # n_C_prev and n_C (pooling keeps n_C_prev = n_C)
# Dilation (convolution only): a window reads every d-th row and column. With d = 2 a 3x3 filter spans
# 5 cells, more than some padded inputs have: those settings have no file, and the index says why.
DILATIONS = (1, 2)
FUNCTIONS = ("conv_forward", "conv_backward", "pool_forward", "pool_backward")
MODES = ("max", "average")
#: What the page opens with: the course's first picture of a convolution.
DEFAULT = {"function": "conv_forward", "n_H_prev": 5, "n_W_prev": 5, "f": 3, "stride": 1, "pad": 1,
           "n_C_prev": 1, "n_C": 1, "dilation": 1}


@dataclass(frozen=True)
class Setting:
    """One position of the playground's controls.

    ``mode`` is ``"max"`` or ``"average"`` for pooling, ``None`` for convolution;
    pooling has ``pad == 0`` and ``n_C_prev == n_C``.
    """

    function: str
    n_H_prev: int
    n_W_prev: int
    f: int
    stride: int
    pad: int = 0
    n_C_prev: int = 1
    n_C: int = 1
    mode: str | None = None
    dilation: int = 1

    @property
    def key(self) -> str:
        """The file name (without ``.js``), e.g. ``conv_forward-h5-w5-f3-s1-p1-c1-1``."""
        size = f"h{self.n_H_prev}-w{self.n_W_prev}-f{self.f}-s{self.stride}"
        if self.mode is None:
            dilated = f"-d{self.dilation}" if self.dilation != 1 else ""
            return f"{self.function}-{size}-p{self.pad}-c{self.n_C_prev}-{self.n_C}{dilated}"
        return f"{self.function}-{self.mode}-{size}-c{self.n_C}"

    def as_dict(self) -> dict:
        """The setting as the page's root carries it in ``data-setting`` (no ``mode`` for convolution)."""
        d = asdict(self)
        if self.mode is None:
            del d["mode"]
        else:
            del d["pad"], d["n_C_prev"]
        if self.mode is not None or len(DILATIONS) == 1:
            del d["dilation"]
        return d


@functools.cache
def _combinations() -> tuple[tuple[Setting, ...], tuple[tuple[Setting, str], ...]]:
    """Every position of the controls: those with a trace, and those without (with tracer's reason)."""
    kept, missing = [], []
    for fn in FUNCTIONS[:2]:
        for h, w, f, s, p, ci, co, d in itertools.product(SIZES, SIZES, FILTERS, STRIDES, PADS, CHANNELS, CHANNELS,
                                                          DILATIONS):
            setting = Setting(fn, h, w, f, s, p, ci, co, dilation=d)
            a = inputs(setting, forward_only=True)
            try:  # tracer's own check: does a window fit the padded input?
                tracer.fast.conv_forward(a["A_prev"], a["W"], a["b"], _hparameters(setting))
            except ValueError as err:
                missing.append((setting, str(err).split(": ", 1)[1]))
                continue
            kept.append(setting)
    for fn in FUNCTIONS[2:]:
        for mode, h, w, f, s, c in itertools.product(MODES, SIZES, SIZES, FILTERS, STRIDES, CHANNELS):
            kept.append(Setting(fn, h, w, f, s, 0, c, c, mode))
    return tuple(kept), tuple(missing)


def settings() -> list[Setting]:
    """Every setting the controls allow that has a trace, convolution then pooling."""
    return list(_combinations()[0])


def missing() -> list[tuple[Setting, str]]:
    """The positions of the controls that make no call (no window fits), with tracer's reason."""
    return list(_combinations()[1])


# -- the inputs: small integers a reader can add up, the same cells whatever the setting ----------
_rng = np.random.default_rng(14)
_H = max(SIZES) + 2 * max(PADS)  # the largest output of a convolution
A_BASE = _rng.integers(-3, 4, (1, max(SIZES), max(SIZES), max(CHANNELS))).astype(float)
W_BASE = _rng.integers(-2, 3, (max(FILTERS), max(FILTERS), max(CHANNELS), max(CHANNELS))).astype(float)
B_BASE = _rng.integers(-2, 3, (1, 1, 1, max(CHANNELS))).astype(float)
DZ_BASE = _rng.integers(-3, 4, (1, _H, _H, max(CHANNELS))).astype(float)
# pooling: every channel a permutation of 1..36, so that no window has two maxima (no ties)
POOL_BASE = np.stack([_rng.permutation(max(SIZES) ** 2).reshape(max(SIZES), max(SIZES)) + 1.0
                      for _ in CHANNELS], axis=-1)[None]
DA_BASE = _rng.integers(-3, 4, (1, max(SIZES), max(SIZES), max(CHANNELS))).astype(float)


def inputs(s: Setting, forward_only: bool = False) -> dict[str, np.ndarray]:
    """The arrays of setting ``s``: the corner of fixed base arrays that its sizes cut out.

    ``forward_only``: leave out the upstream gradient of a backward setting.
    """
    H, W = s.n_H_prev, s.n_W_prev
    if s.mode is None:
        A_prev = A_BASE[:, :H, :W, : s.n_C_prev].copy()
        filters = W_BASE[: s.f, : s.f, : s.n_C_prev, : s.n_C].copy()
        out = {"A_prev": A_prev, "W": filters, "b": B_BASE[..., : s.n_C].copy()}
        if s.function == "conv_backward" and not forward_only:  # dZ shaped like the Z of tracer's conv_forward
            _, n_H, n_W, _ = tracer.fast.conv_forward(out["A_prev"], out["W"], out["b"], _hparameters(s))[0].shape
            out["dZ"] = DZ_BASE[:, :n_H, :n_W, : s.n_C].copy()
        return out
    out = {"A_prev": POOL_BASE[:, :H, :W, : s.n_C].copy()}
    if s.function == "pool_backward":
        _, n_H, n_W, _ = tracer.fast.pool_forward(out["A_prev"], _hparameters(s), mode=s.mode)[0].shape
        out["dA"] = DA_BASE[:, :n_H, :n_W, : s.n_C].copy()
    return out


def _hparameters(s: Setting) -> dict:
    if s.mode is not None:
        return {"f": s.f, "stride": s.stride}
    hp = {"stride": s.stride, "pad": s.pad}
    if s.dilation != 1:
        hp["dilation"] = s.dilation
    return hp


def record(s: Setting) -> tracer.Trace:
    """The trace of setting ``s``: one call of its function (a backward call's forward runs unrecorded)."""
    a = inputs(s)
    hp = _hparameters(s)
    if s.mode is None:
        if s.function == "conv_forward":
            with tracer.record() as trace:
                tracer.conv_forward(a["A_prev"], a["W"], a["b"], hp)
            return trace
        _, cache = tracer.conv_forward(a["A_prev"], a["W"], a["b"], hp)
        with tracer.record() as trace:
            tracer.conv_backward(a["dZ"], cache)
        return trace
    if s.function == "pool_forward":
        with tracer.record() as trace:
            tracer.pool_forward(a["A_prev"], hp, mode=s.mode)
        return trace
    _, cache = tracer.pool_forward(a["A_prev"], hp, mode=s.mode)
    with tracer.record() as trace:
        tracer.pool_backward(a["dA"], cache, mode=s.mode)
    return trace


# -- the code shown beside the grids -----------------------------------------------------------


def _shapes(a: dict[str, np.ndarray], names: str) -> str:
    return ", ".join(f"{n} {tuple(a[n].shape)}" for n in names.split())


def code(s: Setting) -> dict[str, str]:
    """The course call of setting ``s`` and the torch call that gives the same numbers."""
    a = inputs(s)
    F = "import torch\nimport torch.nn.functional as F\n"
    nchw = ".permute(0, 3, 1, 2)"  # NHWC -> NCHW
    nhwc = ".permute(0, 2, 3, 1)"
    if s.mode is None:
        hp = f"hparameters = {json.dumps(_hparameters(s))}"
        conv = f"stride={s.stride}, padding={s.pad}" + (f", dilation={s.dilation}" if s.dilation != 1 else "")
        if s.function == "conv_forward":
            course = f"# {_shapes(a, 'A_prev W b')}\n{hp}\nZ, cache = conv_forward(A_prev, W, b, hparameters)"
            torch = (f"{F}x = torch.from_numpy(A_prev){nchw}\n"
                     "w = torch.from_numpy(W.transpose(3, 2, 0, 1).copy())  # (n_C, n_C_prev, f, f)\n"
                     f"Z = F.conv2d(x, w, torch.from_numpy(b.ravel()), {conv}){nhwc}")
        else:
            course = (f"# {_shapes(a, 'A_prev W b dZ')}\n{hp}\nZ, cache = conv_forward(A_prev, W, b, hparameters)\n"
                      "dA_prev, dW, db = conv_backward(dZ, cache)")
            torch = (f"{F}# autograd of conv2d, fed dZ: the same three gradients\n"
                     f"x = torch.from_numpy(A_prev){nchw}.requires_grad_()\n"
                     "# .copy(): a contiguous filter (conv2d's backward refuses a transposed view)\n"
                     "w = torch.from_numpy(W.transpose(3, 2, 0, 1).copy()).requires_grad_()\n"
                     "bias = torch.from_numpy(b.ravel()).requires_grad_()\n"
                     f"F.conv2d(x, w, bias, {conv}).backward(torch.from_numpy(dZ){nchw})\n"
                     f"dA_prev = x.grad{nhwc}\ndW = w.grad.permute(2, 3, 1, 0)\ndb = bias.grad.reshape(1, 1, 1, -1)")
        return {"course": course, "torch": torch}
    hp = f"hparameters = {json.dumps(_hparameters(s))}"
    pool = "max_pool2d" if s.mode == "max" else "avg_pool2d"
    call = f"F.{pool}(x, kernel_size={s.f}, stride={s.stride})"
    if s.function == "pool_forward":
        course = f'# {_shapes(a, "A_prev")}\n{hp}\nA, cache = pool_forward(A_prev, hparameters, mode="{s.mode}")'
        torch = f"{F}x = torch.from_numpy(A_prev){nchw}\nA = {call}{nhwc}"
    else:
        course = (f'# {_shapes(a, "A_prev dA")}\n{hp}\nA, cache = pool_forward(A_prev, hparameters, mode="{s.mode}")\n'
                  f'dA_prev = pool_backward(dA, cache, mode="{s.mode}")')
        ties = " (no ties here: with tied maxima torch picks one, the course all)" if s.mode == "max" else ""
        torch = (f"{F}# autograd of {pool}, fed dA{ties}\n"
                 f"x = torch.from_numpy(A_prev){nchw}.requires_grad_()\n"
                 f"{call}.backward(torch.from_numpy(dA){nchw})\ndA_prev = x.grad{nhwc}")
    return {"course": course, "torch": torch}


# -- the files ---------------------------------------------------------------------------------
LOADER = "tracerPlayground.load"


def payload(s: Setting) -> dict:
    """What the page gets for setting ``s``: its key, the setting, its code and its trace (``trace.to_json()``)."""
    return {"key": s.key, "setting": s.as_dict(), "code": code(s), "trace": export.to_dict(record(s))}


def setting_file(s: Setting) -> str:
    """The text of ``<key>.js``: ``tracerPlayground.load(key, "<base64 of the gzipped JSON payload>");``.

    Gzip makes the whole about five times smaller (the page unpacks it with the browser's
    ``DecompressionStream``); base64 makes it a JavaScript string, which a ``<script>`` tag
    can load from ``file://``, where the page may not fetch a file.
    """
    return _pack(s)[0]


def _pack(s: Setting) -> tuple[str, int]:
    data = json.dumps(payload(s), separators=(",", ":"), allow_nan=False).encode()
    packed = base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")
    return f'{LOADER}("{s.key}","{packed}");\n', len(data)


def read_setting_file(path: Path) -> dict:
    """The payload of a setting file (the inverse of :func:`setting_file`)."""
    text = path.read_text(encoding="utf-8")
    packed = text[text.index('","') + 3 : text.rindex('")')]
    return json.loads(gzip.decompress(base64.b64decode(packed)))


def index() -> dict:
    """What the page needs to build its controls: the ranges, the default, the settings without a trace."""
    reasons = sorted({why for _, why in missing()})
    return {
        "functions": list(FUNCTIONS), "modes": list(MODES), "sizes": list(SIZES), "filters": list(FILTERS),
        "strides": list(STRIDES), "pads": list(PADS), "channels": list(CHANNELS), "dilations": list(DILATIONS),
        "default": DEFAULT, "missing": {s.key: reasons.index(why) for s, why in missing()}, "reasons": reasons,
        "format": export.FORMAT, "version": export.VERSION,
    }


def palette_css() -> str:
    """CSS variables with the figures' colours (tracer's render code), for the light and the dark palette.

    The dark palette mixes each fill with the slate background, keeping its hue, so that the
    numbers on it stay light on dark.
    """
    from matplotlib.colors import to_hex, to_rgb

    try:  # the render package, once it exists; the scenes module before
        from tracer.render import style  # type: ignore[attr-defined]
    except ImportError:
        from tracer import render_scenes as style

    dark_bg = to_rgb("#1e2129")

    def mix(colour: str, amount: float, base=dark_bg) -> str:
        c = to_rgb(colour)
        return to_hex(tuple(amount * x + (1 - amount) * y for x, y in zip(c, base)))

    light = {
        "card": style.CARD, "ink": style.INK, "muted": style.MUTED, "line": style.GRID_LINE,
        "pad": style.PAD_FILL, "empty": style.EMPTY_FILL, "current": style.CURRENT_FILL,
        "chosen": style.CHOSEN, "chosen-fill": style.CHOSEN_FILL, "added": style.ADDED, "added-fill": style.ADDED_FILL,
        "positive": mix(to_hex(style.CMAP(0.75)), 1 - style.TINT, (1, 1, 1)),
        "negative": mix(to_hex(style.CMAP(0.25)), 1 - style.TINT, (1, 1, 1)),
    }
    dark = {
        "card": to_hex(dark_bg), "ink": "#e8e8e8", "muted": "#a9a9a9", "line": "#5a5f6b",
        "pad": "#353944", "empty": to_hex(dark_bg), "current": mix(style.CURRENT_FILL, 0.55),
        "chosen": mix(style.CHOSEN, 0.9, (1, 1, 1)), "chosen-fill": mix(style.CHOSEN, 0.5),
        "added": mix(style.ADDED, 0.6, (1, 1, 1)), "added-fill": mix(style.ADDED, 0.5),
        "positive": mix(to_hex(style.CMAP(0.85)), 0.45), "negative": mix(to_hex(style.CMAP(0.15)), 0.45),
    }

    def block(selector: str, colours: dict) -> str:
        body = "\n".join(f"  --tp-{k}: {v};" for k, v in colours.items())
        return f"{selector} {{\n{body}\n}}\n"

    head = "/* The playground's colours, written by scripts/build_playground.py from tracer's figure palette. */\n"
    return head + block(":root, [data-md-color-scheme=default]", light) + block("[data-md-color-scheme=slate]", dark)


def inputs_hash() -> str:
    """Hash of what the files depend on: the tracer package, this script, numpy's version.

    Python files count by their code without comments and docstrings, as the lessons' stamps do.
    """
    h = hashlib.sha256()
    for path in [Path(__file__), *sorted((REPO / "tracer").rglob("*.py")), *sorted((REPO / "tracer").glob("*.json"))]:
        h.update(path.relative_to(REPO).as_posix().encode())
        h.update(code_digest(path).encode() if path.suffix == ".py" else path.read_bytes())
    h.update(np.__version__.encode())
    return h.hexdigest()


def _write(batch: list[Setting], out: str) -> tuple[int, int]:
    """Write the files of ``batch`` into ``out``; return their bytes and the bytes of their JSON unpacked."""
    total = unpacked = 0
    for s in batch:
        text, n = _pack(s)
        Path(out, f"{s.key}.js").write_text(text, encoding="utf-8")
        total += len(text.encode())
        unpacked += n
    return total, unpacked


def build(force: bool = False, jobs: int = 2, out: Path = OUT) -> dict | None:
    """Write every setting's file, the index and the palette; None when they are up to date.

    Returns ``{"settings", "bytes", "json_bytes", "largest", "seconds"}``: how many files,
    their total size, the size of their JSON unpacked, the largest file's size, and the time taken.
    """
    digest = inputs_hash()
    stamp = out / STAMP
    if not force and stamp.is_file() and stamp.read_text().split("\n")[0] == digest:
        return None
    t0 = time.perf_counter()
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    every = settings()
    batches = [every[j::jobs * 8] for j in range(jobs * 8)]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            sizes = list(pool.map(_write, batches, [str(tmp)] * len(batches)))
    else:
        sizes = [_write(b, str(tmp)) for b in batches]
    (tmp / "index.js").write_text(
        f"(window.tracerPlayground = window.tracerPlayground || {{}}).index = {json.dumps(index())};\n", encoding="utf-8")
    (tmp / "palette.css").write_text(palette_css(), encoding="utf-8")
    largest = max((tmp / f"{s.key}.js").stat().st_size for s in every)
    seconds = time.perf_counter() - t0
    (tmp / STAMP).write_text(f"{digest}\n{seconds:.1f}\n")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return {"settings": len(every), "bytes": sum(b for b, _ in sizes), "json_bytes": sum(j for _, j in sizes),
            "largest": largest, "seconds": seconds}


def report(result: dict | None) -> str:
    if result is None:
        return "playground: up to date"
    return (f"playground: {result['settings']} settings, {result['bytes'] / 1e6:.1f} MB in all "
            f"({result['json_bytes'] / 1e6:.1f} MB of JSON unpacked; largest file {result['largest'] / 1e3:.0f} kB), "
            f"written in {result['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    print(report(build(args.force, args.jobs)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
