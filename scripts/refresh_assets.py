"""Refresh the vendored browser assets under docs/assets/ from the npm registry.

The site is built and read offline, so the two browser libraries it needs are
committed in the repository, with their licences:

* KaTeX (math rendering; only its minified script, stylesheet, auto-render
  extension and woff2 fonts), into ``docs/assets/katex/``;
* iframe-worker's shim (lets Material's search worker run from ``file://``),
  into ``docs/assets/iframe-worker/``.

Run it only to change versions: it needs ``npm`` and the network; building the
site needs neither. Example::

    python scripts/refresh_assets.py --katex 0.16.22
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "docs" / "assets"

#: What to keep from each package tarball: member path -> path under docs/assets/.
KATEX_FILES = {
    "package/LICENSE": "katex/LICENSE",
    "package/dist/katex.min.js": "katex/katex.min.js",
    "package/dist/katex.min.css": "katex/katex.min.css",
    "package/dist/contrib/auto-render.min.js": "katex/contrib/auto-render.min.js",
}
IFRAME_WORKER_FILES = {
    "package/LICENSE": "iframe-worker/LICENSE",
    "package/shim/index.js": "iframe-worker/shim.js",
}


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download one package tarball with ``npm pack`` and return its path."""
    out = subprocess.run(["npm", "pack", "--silent", spec], cwd=workdir, check=True, capture_output=True, text=True)
    name = out.stdout.strip().splitlines()[-1]
    return workdir / name


def extract(tarball: Path, files: dict[str, str], fonts: str | None = None) -> list[Path]:
    """Copy ``files`` (and woff2 fonts from the ``fonts`` member folder) out of ``tarball``."""
    written = []
    with tarfile.open(tarball) as tar:
        members = {m.name: m for m in tar.getmembers()}
        wanted = dict(files)
        if fonts is not None:
            for name in members:
                if name.startswith(fonts) and name.endswith(".woff2"):
                    wanted[name] = "katex/fonts/" + name.rsplit("/", 1)[1]
        for member, target in wanted.items():
            if member not in members:
                raise SystemExit(f"refresh_assets: {tarball.name} has no {member}")
            dest = ASSETS / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(members[member]) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst)
            written.append(dest)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="Needs npm and the network.")
    parser.add_argument("--katex", default="0.16.22", help="KaTeX version (default: %(default)s)")
    parser.add_argument("--iframe-worker", default="1.0.4", help="iframe-worker version (default: %(default)s)")
    args = parser.parse_args(argv)
    if shutil.which("npm") is None:
        parser.error("npm is not on PATH")
    for old in ("katex", "iframe-worker"):
        shutil.rmtree(ASSETS / old, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        katex = npm_pack(f"katex@{args.katex}", work)
        written = extract(katex, KATEX_FILES, fonts="package/dist/fonts/")
        shim = npm_pack(f"iframe-worker@{args.iframe_worker}", work)
        written += extract(shim, IFRAME_WORKER_FILES)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files, {total / 1e6:.2f} MB, under {ASSETS.relative_to(REPO)}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
