"""Word pairs that a line must never split: names of bodies and titles ("Ủy ban", "nhân dân", "Thi đua",
"Khoa học", "Trung ương", "thành phố"…). Vietnamese words are written syllable by syllable, so a line may break
between the two syllables of one word; joining them with a non-breaking space keeps each word whole on paper
and in the PDF, the way a clerk would retype a badly broken line."""

from __future__ import annotations

import re
from typing import Any

NBSP = "\u00a0"
# Two-syllable words of names of bodies, titles and places in the documents (compared without case).
PAIRS = (
    "Ủy ban", "nhân dân", "Hội đồng", "Thi đua", "khen thưởng", "Khoa học", "Công nghệ", "Tài chính", "Nội vụ",
    "Trung ương", "Chính phủ", "Thủ tướng", "thành phố", "Đà Nẵng", "Chủ tịch", "Giám đốc", "Văn phòng",
    "Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ", "Hòa Vang", "Hoàng Sa",
    "Nhà nước", "Bằng khen", "Thư ký", "Chủ tọa", "Chiến sĩ", "Quyết định", "Tờ trình", "Biên bản", "Báo cáo",
    "Hướng dẫn", "cơ quan", "đơn vị", "tập thể", "cá nhân", "Phó Chủ tịch", "Phó Giám đốc", "Chánh Văn phòng",
    "doanh nghiệp", "Công ty", "Cổ phần", "Phần mềm", "chuyển đổi", "phong trào", "giai đoạn",
)
# "Thi đua - Khen thưởng" and "Độc lập - Tự do - Hạnh phúc": the dash stays with the word before it.
_DASH = re.compile(r"(?<=\S) - (?=\S)")
_PAIR = re.compile(r"\b(" + "|".join(
    r"\s+".join(re.escape(word) for word in pair.split()) for pair in sorted(PAIRS, key=len, reverse=True)
) + r")\b", re.IGNORECASE)


def keep_together(text: str) -> str:
    """The text with the spaces inside its word pairs made non-breaking."""
    if " " not in text:
        return text
    text = _PAIR.sub(lambda match: NBSP.join(match.group(0).split()), text)
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
