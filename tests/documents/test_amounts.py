from decimal import Decimal

import pytest

from service.documents import amount_in_words, cash_reward, format_amount, format_vnd, number_to_vietnamese_words
from service.documents.amounts import format_multiplier


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (105, "một trăm linh năm"),
        (1_000_005, "một triệu không trăm linh năm"),
        (4_680_000, "bốn triệu sáu trăm tám mươi nghìn"),
        (1_234_567_000, "một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (110, "một trăm mười"),
        (2_024, "hai nghìn không trăm hai mươi tư"),
        (7_020_000, "bảy triệu không trăm hai mươi nghìn"),
        (1_001_000, "một triệu không trăm linh một nghìn"),
        (1_000_000_000_000, "một nghìn tỷ"),
    ],
)
def test_vietnamese_number_words(number, words):
    assert number_to_vietnamese_words(number) == words


def test_amount_in_words_is_capitalised_with_currency():
    assert amount_in_words(4_680_000) == "Bốn triệu sáu trăm tám mươi nghìn đồng"
    assert amount_in_words(0) == "Không đồng"
    assert amount_in_words(1_234_567_000) == "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn đồng"


def test_words_never_use_the_southern_or_num2words_forms():
    for number in (105, 1_000_005, 2_024, 4_680_000, 1_234_567_000, 3_510_000):
        words = number_to_vietnamese_words(number)
        assert "lẻ" not in words and "ngàn" not in words, words


@pytest.mark.parametrize(
    ("amount", "figures"),
    [(0, "0"), (15, "15"), (1_000, "1.000"), (4_680_000, "4.680.000"), (1_234_567_000, "1.234.567.000")],
)
def test_figures_use_the_dot_separator(amount, figures):
    assert format_vnd(amount) == figures
    assert format_amount(amount) == f"{figures} đồng"


def test_negative_amounts_are_rejected():
    with pytest.raises(ValueError):
        format_vnd(-1)
    with pytest.raises(ValueError):
        number_to_vietnamese_words(-5)


def test_cash_reward_multiplies_the_configured_base_salary_and_rounds_up():
    base = 2_340_000
    assert cash_reward(Decimal("2.0"), base, 1) == 4_680_000
    assert cash_reward(Decimal("3.0"), base, 10_000) == 7_020_000
    assert cash_reward(Decimal("0.3"), base, 1) == 702_000
    assert cash_reward(Decimal("0.3"), base, 10_000) == 710_000
    assert cash_reward(Decimal("1.5"), 2_340_000, 10_000) == 3_510_000
    with pytest.raises(ValueError):
        cash_reward(Decimal("1"), base, 0)


def test_multiplier_uses_a_decimal_comma():
    assert format_multiplier(Decimal("3")) == "3,0"
    assert format_multiplier(Decimal("0.3")) == "0,3"
    assert format_multiplier(Decimal("12.0")) == "12,0"
