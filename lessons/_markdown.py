"""A page's Markdown: the check of a lesson's prose, and the assembly of its blocks into ``DIR/<slug>.md``.

:func:`assemble` reads what a lesson run wrote (``DIR/<slug>/page.json`` and
each player's ``player.json``) and writes the page: prose, code blocks quoted
through ``pymdownx.snippets``, figures that open at full size, exercises as
folded blocks, and players whose frame lists and captions are embedded in the
page (so they work from ``file://``, with no request), with the animated GIF
shown without JavaScript. ``scripts/assemble_pages.py`` re-assembles every page
without running the lessons. :func:`accidental_code_block` is the check
``Page.md`` runs on prose (see ``lessons/_lesson.py`` for the lesson format).
"""

from __future__ import annotations

import html
import json
import os
import re
import textwrap
from pathlib import Path

__all__ = ["assemble", "accidental_code_block", "frame_label", "PAGE_FILE", "EMBED_FILE", "NOTEBOOK_LINK",
           "NOSCRIPT_STYLE"]

#: Name of the file that holds a lesson's blocks, in ``DIR/<slug>/``.
PAGE_FILE = "page.json"

#: The player's block for a page of ``docs/`` (the home page) to include, in ``DIR/<slug>/<player>/``.
EMBED_FILE = "embed.md"

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_CONTAINER = re.compile(r"^ {0,3}(?:[-*+]\s|\d+[.)]\s|!!!|\?\?\?|\[\^[^\]]+\]:|<)")


def accidental_code_block(text: str) -> int | None:
    r"""The index of the first line of ``text`` that Markdown would make an indented code block, or ``None``.

    A line indented by 4 spaces (or a tab) or more after a blank line starts a code
    block unless it continues a list item, an admonition (``!!!``, ``???``), a
    footnote or an HTML block; fenced blocks are skipped.

    Examples
    --------
    >>> accidental_code_block("Text.\n\n    | a | b |\n    |---|---|")
    2
    >>> accidental_code_block("!!! note\n\n    Inside the note.") is None
    True
    """
    fence = None
    container = False
    blank = True
    for j, raw in enumerate(text.expandtabs(4).splitlines()):
        line = raw.rstrip()
        if fence is not None:
            if line.lstrip().startswith(fence):
                fence = None
            continue
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            blank = False
            continue
        if not line:
            blank = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent >= 4:
            if blank and not container:
                return j
        elif _CONTAINER.match(line):
            container = True
        elif blank:
            container = False
        blank = False
    return None



def _player_html(slug: str, directory: Path, name: str, alt: str, prefix: str = "") -> str:
    info = json.loads((directory / name / "player.json").read_text(encoding="utf-8"))
    ident = f"player-{slug}-{name}"
    data = {
        "name": info.get("name", name),
        "width": info["width"],
        "height": info["height"],
        "frames": [s["src"] for s in info["steps"]],
        "captions": [s["caption"] for s in info["steps"]],
        "index": [s["index"] for s in info["steps"]],
        # what the counter shows: the step's number in its trace ("step 5 (0-25)"), as tracer prints it
        "labels": [s.get("label") or frame_label(j, len(info["steps"])) for j, s in enumerate(info["steps"])],
    }
    # "</" must not appear inside a <script> element
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    first = html.escape(info["steps"][0]["caption"])
    size = f'width="{info["width"]}" height="{info["height"]}"'
    gif_size = f'width="{info["width"]}" height="{info.get("gif_height") or info["height"]}"'
    # Both images are Markdown images, so MkDocs rewrites their URLs for any URL style.
    # With JavaScript the first frame becomes the player (frames resolved against its
    # URL) and the GIF is never fetched; without, the <noscript> GIF replaces the frame.
    parts = [
        f'<script type="application/json" id="{ident}">{payload}</script>',
        f'![{_md_escape(alt)}]({prefix}{slug}/{name}/{info["steps"][0]["src"]}){{ .tracer-player data-player="{ident}" {size} }}',
    ]
    if info.get("gif"):
        parts.append(
            f'<noscript markdown="1">\n'
            f'![{_md_escape(alt)}]({prefix}{slug}/{name}/{info["gif"]}){{ .tracer-player-gif {gif_size} }}\n'
            f"</noscript>"
        )
    parts.append(f'<p class="tracer-player-caption" data-player-caption="{ident}">{first}</p>')
    return "\n\n".join(parts)


def frame_label(j: int, n: int) -> str:
    """The counter of frame ``j`` of ``n`` of a player whose frames are not steps of a trace (numbered from 0 too)."""
    return f"step {j} (0-{n - 1})"


#: Under the title of a page whose lesson has its notebook (``<slug>.ipynb``, next to the page).
NOTEBOOK_LINK = (
    '[Open this lesson as a notebook]({slug}.ipynb){{ .tracer-notebook-link download="{slug}.ipynb" }}: '
    "the same prose and code as cells, to run in Jupyter."
)

#: Written once on a page with players: without JavaScript, hide the still first frames.
NOSCRIPT_STYLE = "<noscript><style>img.tracer-player { display: none; }</style></noscript>"


def _md_escape(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _fence(lang: str, title: str, lines: list[str], indent: str = "") -> str:
    head = f'{indent}```{lang} title="{title}"' if title else f"{indent}```{lang}"
    return "\n".join([head, *(f"{indent}{line}" for line in lines), f"{indent}```"])


def assemble(out: str | os.PathLike, slug: str) -> Path:
    """Write ``out/<slug>.md`` from ``out/<slug>/page.json`` and the players' ``player.json``.

    Returns the path of the page written.
    """
    out = Path(out)
    directory = out / slug
    source = directory / PAGE_FILE
    if not source.is_file():
        raise FileNotFoundError(f"assemble: {source} is missing; run the lesson first (python lessons/{slug}.py)")
    data = json.loads(source.read_text(encoding="utf-8"))
    parts = [f"# {data['title']}"]
    if (out / f"{slug}.ipynb").is_file():
        parts.append(NOTEBOOK_LINK.format(slug=slug))
    exercises = 0
    for block in data["blocks"]:
        kind = block["type"]
        if kind == "md":
            parts.append(block["text"])
        elif kind == "code":
            parts.append(_fence(block["lang"], block["title"], [f'--8<-- "{block["region"]}"']))
        elif kind == "figure":
            caption = block["caption"]
            # the image links to itself: a tap opens it at full size (player.js zooms in place)
            src = f"{slug}/{block['src']}"
            img = f"[![{_md_escape(block['alt'])}]({src}){{ .tracer-figure loading=lazy }}]({src}){{ .tracer-zoom }}"
            parts.append(img + (f'\n\n<p class="tracer-figure-caption">{html.escape(caption)}</p>' if caption else ""))
        elif kind == "exercise":
            exercises += 1
            body = textwrap.indent(block["answer"], "    ")
            title = block["question"].replace('"', "'")  # the summary sits in double quotes
            text = f'??? question "Exercise {exercises}: {title}"\n\n{body}'
            parts.append(f"{block['setup']}\n\n{text}" if block["setup"] else text)
        elif kind == "player":
            parts.append(_player_html(slug, directory, block["dir"], block["alt"]))
            # the same player for a page of docs/ to include (pymdownx.snippets), URLs from docs/
            embed = _player_html(slug, directory, block["dir"], block["alt"], prefix=f"{out.name}/")
            (directory / block["dir"] / EMBED_FILE).write_text(embed + "\n\n" + NOSCRIPT_STYLE + "\n", encoding="utf-8")
        elif kind == "repl":
            lines = []
            for region in block["regions"]:  # a blank line between the imports and the code
                lines += [f'--8<-- "{region}"', ""]
            printed = ""
            if block.get("prints"):
                printed = "\n\n    It prints:\n\n" + _fence("text", "", block["prints"].splitlines(), indent="    ")
            parts.append(
                f'!!! example "{block["title"]}"\n\n' + _fence("python", "", lines[:-1], indent="    ") + printed
                + "\n\n    In Jupyter a cell ending in `fig` shows the figure, with no magic and no pyplot; "
                "in a plain REPL, save it with `fig.savefig(\"step.png\")`."
            )
        else:
            raise ValueError(f"assemble: unknown block type {kind!r} in {source}")
    if any(block["type"] == "player" for block in data["blocks"]):
        parts.append(NOSCRIPT_STYLE)
    page = out / f"{slug}.md"
    page.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return page
