"""Write the lesson pages, docs/generated/<lesson>.md, from what the lessons rendered.

Each lesson leaves its blocks in ``docs/generated/<lesson>/page.json`` and its
players' ``player.json``; this embeds every player's frame list and captions
in its page, so the player needs no request and works from ``file://``. It
also removes the outputs of lessons that no longer exist, and warns about a
lesson that the ``nav`` of ``mkdocs.yml`` does not list.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "generated"
sys.path.insert(0, str(REPO / "lessons"))
sys.path.insert(0, str(REPO / "scripts"))

import build_figures  # noqa: E402  (scripts/ and lessons/ are folders of scripts, not packages)
from _markdown import PAGE_FILE, assemble  # noqa: E402


def nav_pages(config: Path = REPO / "mkdocs.yml") -> set[str]:
    """Every page path listed in the ``nav`` of ``mkdocs.yml``."""
    import yaml

    def walk(node) -> set[str]:
        if isinstance(node, str):
            return {node}
        if isinstance(node, list):
            return set().union(*(walk(x) for x in node)) if node else set()
        if isinstance(node, dict):
            return set().union(*(walk(v) for v in node.values())) if node else set()
        return set()

    return walk(yaml.safe_load(config.read_text(encoding="utf-8")).get("nav", []))


def assemble_all(out: Path = OUT) -> list[Path]:
    """Assemble every rendered lesson's page; drop outputs of deleted lessons; return the pages."""
    existing = build_figures.lessons()
    for slug in build_figures.prune(out, existing):
        print(f"  {slug}: lesson gone, its outputs removed", flush=True)
    pages = []
    for page_json in sorted(out.glob(f"*/{PAGE_FILE}")):
        if not page_json.parent.name.startswith("."):
            pages.append(assemble(out, page_json.parent.name))
    listed = nav_pages()
    for page in pages:
        rel = page.relative_to(REPO / "docs").as_posix()
        if rel not in listed:
            print(f"  warning: {rel} is not in the nav of mkdocs.yml", flush=True)
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1])
    parser.parse_args(argv)
    t0 = time.perf_counter()
    pages = assemble_all()
    print(f"pages: {len(pages)} assembled in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
