"""The one catalogue of form-validation messages: Vietnamese first, English on request."""

from __future__ import annotations

from typing import Any

DEFAULT_LOCALE = "vi"
SUPPORTED_LOCALES = ("vi", "en")

# key -> (Vietnamese, English). Placeholders use str.format names.
CATALOGUE: dict[str, tuple[str, str]] = {
    "submission_invalid": (
        "Dữ liệu gửi lên không hợp lệ.",
        "The submitted data is invalid.",
    ),
    "not_object_root": (
        "Dữ liệu gửi lên phải là một đối tượng JSON.",
        "The submitted data must be a JSON object.",
    ),
    "required": ("Trường này là bắt buộc.", "This field is required."),
    "unknown_field": (
        "Trường này không có trong biểu mẫu.",
        "This field is not part of the form.",
    ),
    "not_string": ("Giá trị phải là chuỗi ký tự.", "The value must be text."),
    "not_number": ("Giá trị phải là số.", "The value must be a number."),
    "not_integer": ("Giá trị phải là số nguyên.", "The value must be a whole number."),
    "not_boolean": (
        "Giá trị phải là đúng hoặc sai (true/false).",
        "The value must be true or false.",
    ),
    "not_list": ("Giá trị phải là một danh sách.", "The value must be a list."),
    "not_object": ("Giá trị phải là một đối tượng.", "The value must be an object."),
    "not_scalar": (
        "Giá trị phải là chuỗi ký tự, số hoặc đúng/sai.",
        "The value must be text, a number or true/false.",
    ),
    "min": (
        "Giá trị phải lớn hơn hoặc bằng {min}.",
        "The value must be at least {min}.",
    ),
    "max": (
        "Giá trị phải nhỏ hơn hoặc bằng {max}.",
        "The value must be at most {max}.",
    ),
    "min_length": (
        "Độ dài tối thiểu là {min} ký tự.",
        "The value must be at least {min} characters long.",
    ),
    "max_length": (
        "Độ dài tối đa là {max} ký tự.",
        "The value must be at most {max} characters long.",
    ),
    "pattern": ("Không đúng định dạng.", "The value has an invalid format."),
    "email": ("Địa chỉ email không hợp lệ.", "The value is not a valid email address."),
    "phone": ("Số điện thoại không hợp lệ.", "The value is not a valid phone number."),
    "decimal_digits": (
        "Giá trị chỉ được có tối đa {digits} chữ số thập phân.",
        "The value may have at most {digits} decimal digits.",
    ),
    "increment": (
        "Giá trị phải là bội số của {increment}; hai giá trị hợp lệ gần nhất là {lower} và {upper}.",
        "The value must be a multiple of {increment}; the nearest valid values are {lower} and {upper}.",
    ),
    "invalid_choice": (
        "Giá trị không nằm trong danh sách cho phép.",
        "The value is not one of the allowed options.",
    ),
    "invalid_choices": (
        "Có giá trị không nằm trong danh sách cho phép: {values}.",
        "Some values are not among the allowed options: {values}.",
    ),
    "duplicate_values": (
        "Danh sách có giá trị bị lặp lại: {values}.",
        "The list repeats values: {values}.",
    ),
    "invalid_date": (
        "Ngày không hợp lệ; cần dạng YYYY-MM-DD.",
        "Not a valid date; expected YYYY-MM-DD.",
    ),
    "invalid_camunda_date": (
        "Ngày không hợp lệ; cần dạng dd/MM/yyyy hoặc YYYY-MM-DD.",
        "Not a valid date; expected dd/MM/yyyy or YYYY-MM-DD.",
    ),
    "invalid_time": (
        "Giờ không hợp lệ; cần dạng HH:mm.",
        "Not a valid time; expected HH:mm.",
    ),
    "invalid_datetime": (
        "Ngày giờ không hợp lệ; cần dạng YYYY-MM-DDTHH:mm.",
        "Not a valid date and time; expected YYYY-MM-DDTHH:mm.",
    ),
    "past_date": (
        "Không được chọn ngày trong quá khứ.",
        "A date in the past is not allowed.",
    ),
    "invalid_key": (
        "Tên trường không hợp lệ: chỉ dùng chữ, số, dấu gạch dưới và không bắt đầu bằng dấu gạch dưới hoặc chữ số.",
        "Invalid field name: use letters, digits and underscores, not starting with an underscore or a digit.",
    ),
    "not_json": (
        "Giá trị không phải dữ liệu JSON hợp lệ.",
        "The value is not valid JSON data.",
    ),
    "too_large": (
        "Dữ liệu quá lớn (tối đa {max_bytes} byte).",
        "The data is too large (at most {max_bytes} bytes).",
    ),
}


def normalize_locale(locale: str | None) -> str:
    """Map 'en-US', 'EN', None, ... onto a supported locale (Vietnamese when unsure)."""
    base = (locale or DEFAULT_LOCALE).replace("_", "-").split("-", 1)[0].lower()
    return base if base in SUPPORTED_LOCALES else DEFAULT_LOCALE


def message(key: str, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """The message `key` in `locale`, with `params` filled in."""
    vi, en = CATALOGUE[key]
    text = en if normalize_locale(locale) == "en" else vi
    return text.format(**params) if params else text
