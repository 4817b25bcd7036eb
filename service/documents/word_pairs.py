"""Word pairs that a line must never split: names of bodies and titles ("Ủy ban", "nhân dân", "Thi đua",
"Khoa học", "Trung ương", "thành phố"…). Vietnamese words are written syllable by syllable, so a line may break
between the two syllables of one word; joining them with a non-breaking space keeps each word whole on paper
and in the PDF, the way a clerk would retype a badly broken line."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

NBSP = "\u00a0"
# Two-syllable words of names of bodies, titles and places in the documents (compared without case).
# Only names of bodies, titles and places: joining ordinary words too would leave a justified line too few
# places to stretch.
PAIRS = (
    "Ủy ban", "nhân dân", "Hội đồng", "Thi đua", "khen thưởng", "Khoa học", "Công nghệ", "Tài chính", "Nội vụ",
    "Trung ương", "Chính phủ", "Thủ tướng", "thành phố", "Đà Nẵng", "Chủ tịch", "Giám đốc", "Văn phòng",
    "Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ", "Hòa Vang", "Hoàng Sa",
    "Nhà nước", "Thư ký", "Chủ tọa", "Phó Chủ tịch", "Phó Giám đốc", "Chánh Văn phòng", "Công ty", "Cổ phần",
    "Phần mềm",
)
# Centred titles (subject lines, appendix titles) have no justification to spoil: they keep more words whole.
TITLE_PAIRS = (
    *PAIRS, "chuyển đổi", "phong trào", "giai đoạn", "đề nghị", "Bằng khen", "tập thể", "cá nhân", "cơ quan", "đơn vị",
    "thành tích", "xuất sắc", "danh sách", "tổng hợp", "xếp hạng", "kèm theo", "Chiến sĩ", "doanh nghiệp",
)
# "Thi đua - Khen thưởng" and "Độc lập - Tự do - Hạnh phúc": the dash stays with the word before it.
_DASH = re.compile(r"(?<=\S) - (?=\S)")


def _pattern(pairs: tuple[str, ...]) -> re.Pattern[str]:
    words = (r"\s+".join(re.escape(word) for word in pair.split()) for pair in sorted(pairs, key=len, reverse=True))
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)


_PAIR, _TITLE_PAIR = _pattern(PAIRS), _pattern(TITLE_PAIRS)


@lru_cache(maxsize=8192)  # lists repeat the same names, units and award forms row after row
def keep_together(text: str, *, title: bool = False) -> str:
    """The text with the spaces inside its word pairs made non-breaking (`title`: the longer list of a title)."""
    if " " not in text:
        return text
    text = (_TITLE_PAIR if title else _PAIR).sub(lambda match: NBSP.join(match.group(0).split()), text)
    return _DASH.sub(f"{NBSP}- ", text)


def keep_together_in(value: Any) -> Any:
    """`keep_together` over every string of a template context (lists and dicts walked)."""
    if isinstance(value, str):
        return keep_together(value)
    if isinstance(value, list):
        return [keep_together_in(item) for item in value]
    if isinstance(value, dict):
        return {key: keep_together_in(item) for key, item in value.items()}
    return value
