"""What a learner's own source says about a mistake: the tie-break when the battery cannot tell variants apart.

Two mistakes of the catalogue may give exactly the learner's results on every
case (``-1 // m`` and ``-1`` for ``-1 / m``, or ``m = Y.shape[0]`` for ``m =
Y.shape[1]``, when ``m`` only scales the cost). The learner's code can tell
them apart where the cases cannot: :func:`support` finds the learner's line
that corresponds to the course's line the mistake changes (the line most like
either version) and measures whether it reads more like the changed line
than like the course's, token by token. :class:`Source` also says which
functions a learner's function calls by name, so that a mistake in a helper is
put on the helper only when the learner's function calls it.

Only the text is read (``ast.parse`` and a tokenizer): nothing of the
learner's file runs here.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field

__all__ = ["Source", "support"]

_TOKEN = re.compile(r"\d+\.\d*|\w+|\*\*|//|[-+*/@<>=!]=?|[^\s\w]")


def _tokens(line: str) -> list[str]:
    line = line.split("#", 1)[0].strip()
    if line.startswith("return (") and line.endswith(")"):  # `return (a, b)` as unparse writes it
        line = "return " + line[len("return ("):-1]
    return _TOKEN.findall(line)


@dataclass
class Source:
    """A learner's source text, read once: its lines as tokens, and what each of its functions calls.

    Attributes
    ----------
    lines : list of list of str
        The tokens of each non-empty line.
    calls : dict
        ``function name -> names it calls`` for every function the text defines.
    """

    lines: list[list[str]] = field(default_factory=list)
    calls: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, text: str | None, function: str | None = None) -> Source | None:
        """The source of ``text``, ``None`` for no text.

        With ``function``, the lines are those of its definition and of the
        functions of ``text`` it calls, directly or not (all of them when
        ``text`` does not define it). Text that does not parse keeps its lines only.
        """
        if not text:
            return None
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None
        calls: dict[str, set[str]] = {}
        spans: dict[str, tuple[int, int]] = {}
        if tree is not None:
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef):
                    calls[node.name] = {n.func.id for n in ast.walk(node)
                                        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
                    spans[node.name] = (node.lineno, node.end_lineno or node.lineno)
        all_lines = text.splitlines()
        if function in spans:
            wanted, todo = set(), [function]
            while todo:
                name = todo.pop()
                if name in spans and name not in wanted:
                    wanted.add(name)
                    todo.extend(calls.get(name, ()))
            chosen = [all_lines[j - 1] for name in sorted(wanted, key=lambda n: spans[n])
                      for j in range(spans[name][0], spans[name][1] + 1)]
        else:
            chosen = all_lines
        lines = [t for t in (_tokens(line) for line in chosen) if t]
        return cls(lines, calls)

    def calls_helper(self, function: str, helper: str) -> bool | None:
        """Whether ``function`` calls ``helper`` by name; ``None`` when the text does not define ``function``."""
        if function not in self.calls:
            return None
        return helper in self.calls[function]

    def __repr__(self) -> str:
        return f"<Source: {len(self.lines)} lines, functions {sorted(self.calls)}>"


def _placed(text: str) -> bool:
    """Whether a mistake's text says where a statement is (moved or left out) rather than how it is written."""
    return text == "(left out)" or "  (inside the loop" in text or "  (after the loop" in text


def support(source: Source | None, before: str, after: str) -> float:
    """How much more the learner's code reads like ``after`` than like ``before``, from -1 to 1.

    For each changed line, the learner's line most like either version is
    taken as the one that corresponds; the score is the mean, over the changed
    lines, of its likeness to ``after`` minus its likeness to ``before``
    (difflib's ratio on tokens). 0 when there is no source or nothing to compare.
    """
    if source is None or not source.lines or not before or not after or _placed(after):
        return 0.0
    scores = []
    for b, a in zip(before.split("\n"), after.split("\n")):
        tb, ta = _tokens(b), _tokens(a)
        if not tb or not ta:
            continue
        rb, ra = _ratios(tb, source.lines), _ratios(ta, source.lines)
        j = max(range(len(rb)), key=lambda k: max(rb[k], ra[k]))
        if max(rb[j], ra[j]) >= 0.5:
            scores.append(ra[j] - rb[j])
    return sum(scores) / len(scores) if scores else 0.0


def _ratios(tokens: list[str], lines: list[list[str]]) -> list[float]:
    """difflib's ratio of ``tokens`` with each line (its analysis of ``tokens`` made once)."""
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(tokens)
    out = []
    for line in lines:
        matcher.set_seq1(line)
        out.append(matcher.ratio())
    return out
