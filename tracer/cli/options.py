"""Option values of both commands: integers parsed with a message that names the option."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["integer"]


def integer(option: str, expected: str = "an int", low: int | None = None,
            too_small: str | None = None) -> Callable[[str], int]:
    """An argparse ``type=`` that reads an int, refusing text (``option must be <expected>, got 'x'``)
    and, with ``low``, a value below it (``option must be <too_small or expected>, got 0``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{option} must be {expected}, got {text!r}") from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"{option} must be {too_small or expected}, got {value}")
        return value

    return parse
