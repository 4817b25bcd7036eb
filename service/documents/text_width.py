"""Estimated printed width of a line of Times New Roman text, for the short rules under header elements.

Decree 30 sizes the rule under the agency name and the subject at 1/3–1/2 of the text and the rule under the
motto at the length of the text; Word cannot size a paragraph border to its text, so the renderer sets the
rule paragraph's indents from this estimate. Widths are the Adobe Times AFM advance widths (1/1000 em),
which Times New Roman and Liberation Serif share; Vietnamese diacritics do not change a letter's advance.
"""

from __future__ import annotations

import re
import unicodedata

_REGULAR = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        (
            722,
            667,
            667,
            722,
            611,
            556,
            722,
            722,
            333,
            389,
            722,
            611,
            889,
            722,
            722,
            556,
            722,
            667,
            556,
            611,
            722,
            722,
            944,
            722,
            722,
            611,
            444,
            500,
            444,
            500,
            444,
            333,
            500,
            500,
            278,
            278,
            500,
            278,
            778,
            500,
            500,
            500,
            500,
            333,
            389,
            278,
            500,
            500,
            722,
            500,
            500,
            444,
        ),
        strict=True,
    )
)
_BOLD = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        (
            722,
            667,
            722,
            722,
            667,
            611,
            778,
            778,
            389,
            500,
            778,
            667,
            944,
            722,
            778,
            611,
            778,
            722,
            556,
            667,
            722,
            722,
            1000,
            722,
            722,
            667,
            500,
            556,
            444,
            556,
            444,
            333,
            500,
            556,
            278,
            333,
            556,
            278,
            833,
            556,
            500,
            556,
            556,
            444,
            389,
            333,
            556,
            500,
            722,
            500,
            500,
            444,
        ),
        strict=True,
    )
)
_COMMON = {" ": 250, "-": 333, ",": 250, ".": 250, ":": 278, "/": 278, "(": 333, ")": 333, "&": 778}
_DIGIT = 500
_FALLBACK = 500
_BASE_LETTERS = {"Đ": "D", "đ": "d", "Ơ": "O", "ơ": "o", "Ư": "U", "ư": "u"}


def _base_letter(char: str) -> str:
    if char in _BASE_LETTERS:
        return _BASE_LETTERS[char]
    decomposed = unicodedata.normalize("NFD", char)
    return _BASE_LETTERS.get(decomposed[0], decomposed[0])


def text_width_twips(text: str, size_pt: float, *, bold: bool) -> int:
    """Approximate width of ``text`` on one line, in twips (1/20 pt)."""
    table = _BOLD if bold else _REGULAR
    units = 0
    for char in text.replace("\u00a0", " "):
        base = _base_letter(char)
        if base.isdigit():
            units += _DIGIT
        else:
            units += table.get(base, _COMMON.get(base, _FALLBACK))
    return round(units * size_pt * 20 / 1000)


def balanced_lines(text: str, size_pt: float, *, bold: bool, max_twips: int) -> list[str]:
    """Split ``text`` into lines no wider than ``max_twips``: two even lines where possible.

    Officers break long agency names and subjects by hand into lines of similar length rather than
    leaving one word on the last line; a line never starts or ends with the " - " of "Thi đua - Khen thưởng".
    Text too long for two lines is wrapped greedily.
    """
    # Only ordinary spaces separate words: a non-breaking space (word_pairs) joins the two syllables of a word.
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()

    def width(chunk: str) -> int:
        return text_width_twips(chunk.replace("\u00a0", " "), size_pt, bold=bold)

    if width(text) <= max_twips:
        return [text]
    words = text.split(" ")
    best: tuple[int, list[str]] | None = None
    for cut in range(1, len(words)):
        if words[cut] == "-" or words[cut - 1] == "-":
            continue
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        widths = (width(first), width(second))
        if max(widths) <= max_twips and (best is None or abs(widths[0] - widths[1]) < best[0]):
            best = (abs(widths[0] - widths[1]), [first, second])
    if best is not None:
        return best[1]
    lines: list[str] = []
    for word in words:
        if lines and width(f"{lines[-1]} {word}") <= max_twips and word != "-" and not lines[-1].endswith(" -"):
            lines[-1] = f"{lines[-1]} {word}"
        elif lines and word == "-":
            lines[-1] = f"{lines[-1]} -"
        else:
            lines.append(word)
    return lines
