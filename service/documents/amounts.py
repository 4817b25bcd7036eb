"""Money in official documents: figures with the Vietnamese separator and amounts in Vietnamese words.

num2words(lang="vi") is not used: it drops the "không trăm" of inner groups (2024 → "hai nghìn lẻ hai
mươi bốn", 1,000,005 → "một triệu lẻ năm"), which a finance officer would reject. The reading rules below
are the ones used on Vietnamese invoices and payment orders.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ..i18n import msg

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUP_SCALES = ("", "nghìn", "triệu")


def format_vnd(amount: int) -> str:
    """``4680000`` → ``4.680.000`` (the Vietnamese thousands separator is a dot)."""
    if amount < 0:
        raise ValueError(msg("Số tiền âm", amount=amount))
    return f"{amount:,}".replace(",", ".")


def format_amount(amount: int) -> str:
    """``4680000`` → ``4.680.000 đồng``."""
    return f"{format_vnd(amount)} đồng"


def _read_triple(value: int, *, inner: bool) -> list[str]:
    """Words for 0–999; ``inner`` groups (not the leading one) always say their hundreds ("không trăm")."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    says_hundreds = inner or hundreds > 0
    if says_hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and says_hundreds:
            words += ["linh", _DIGITS[units]]
        elif units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        # After "mươi": 1 is read "mốt", 4 "tư", 5 "lăm".
        words.append({0: "", 1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGITS[units]))
    return [w for w in words if w]


def _scale_name(index: int) -> str:
    # Groups of three digits: "", nghìn, triệu, tỷ, nghìn tỷ, triệu tỷ, tỷ tỷ…
    return " ".join(filter(None, [_GROUP_SCALES[index % 3]] + ["tỷ"] * (index // 3)))


def number_to_vietnamese_words(number: int) -> str:
    """Read a non-negative integer in Vietnamese, lower case: 1_000_005 → ``một triệu không trăm linh năm``."""
    if number < 0:
        raise ValueError(msg("Số âm", number=number))
    if number == 0:
        return _DIGITS[0]
    groups: list[int] = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _read_triple(value, inner=index != len(groups) - 1)
        scale = _scale_name(index)
        if scale:
            words.append(scale)
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """``4680000`` → ``Bốn triệu sáu trăm tám mươi nghìn đồng`` (capitalised, as written in brackets)."""
    words = number_to_vietnamese_words(amount)
    return f"{words[0].upper()}{words[1:]} đồng"


def cash_reward(multiplier: Decimal, base_salary: int, rounding_unit: int) -> int:
    """Reward = multiplier × base salary, rounded up to ``rounding_unit`` (e.g. 10,000 VND).

    The multiplier, base salary and rounding unit are configuration (Decree 152/2025 Art. 50–54, Decree
    73/2024; Decree 91/2017 Art. 68(2) rounded up to the ten-thousand) and are passed in, never assumed.
    """
    if rounding_unit < 1:
        raise ValueError(msg("Đơn vị làm tròn phải từ 1", rounding_unit=rounding_unit))
    raw = Decimal(str(multiplier)) * Decimal(base_salary)
    return math.ceil(raw / rounding_unit) * rounding_unit


def format_multiplier(multiplier: Decimal) -> str:
    """``Decimal("3")`` → ``3,0``; ``Decimal("0.35")`` → ``0,35`` (Vietnamese decimal comma, at least one decimal)."""
    value = Decimal(str(multiplier)).normalize()
    text = f"{value:f}"
    if "." not in text:
        text += ".0"
    return text.replace(".", ",")
