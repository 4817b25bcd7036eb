"""Messages of the reference-data imports, Vietnamese first, English alongside."""

from __future__ import annotations

from typing import Any

# key -> (Vietnamese, English). Placeholders use str.format names.
_CATALOGUE: dict[str, tuple[str, str]] = {
    "not_utf8": (
        "Tệp CSV phải được mã hóa UTF-8.",
        "The CSV file must be encoded in UTF-8.",
    ),
    "xls_unsupported": (
        "Không hỗ trợ tệp Excel cũ (.xls); hãy lưu lại dưới dạng .xlsx hoặc CSV.",
        "Old Excel files (.xls) are not supported; save the file as .xlsx or CSV.",
    ),
    "unreadable_xlsx": (
        "Không đọc được tệp Excel (.xlsx): {reason}",
        "The Excel file (.xlsx) cannot be read: {reason}",
    ),
    "empty_file": ("Tệp không có dữ liệu.", "The file contains no data."),
    "missing_columns": (
        "Thiếu cột bắt buộc: {columns}.",
        "Required columns are missing: {columns}.",
    ),
    "duplicate_column": (
        "Cột '{column}' xuất hiện nhiều lần.",
        "Column '{column}' appears more than once.",
    ),
    "unknown_column": (
        "Cột '{column}' không được sử dụng và sẽ bị bỏ qua.",
        "Column '{column}' is not used and will be ignored.",
    ),
    "required": ("Giá trị bắt buộc.", "A value is required."),
    "too_long": (
        "Dài quá {max} ký tự.",
        "Longer than {max} characters.",
    ),
    "invalid_date": (
        "Ngày không hợp lệ: '{value}' (dùng YYYY-MM-DD hoặc DD/MM/YYYY).",
        "Invalid date: '{value}' (use YYYY-MM-DD or DD/MM/YYYY).",
    ),
    "invalid_boolean": (
        "Giá trị đúng/sai không hợp lệ: '{value}' (dùng có/không, true/false hoặc 1/0).",
        "Invalid yes/no value: '{value}' (use yes/no, true/false or 1/0).",
    ),
    "invalid_integer": (
        "Không phải số nguyên: '{value}'.",
        "Not a whole number: '{value}'.",
    ),
    "invalid_number": ("Không phải số: '{value}'.", "Not a number: '{value}'."),
    "invalid_code": (
        "Mã '{value}' không hợp lệ: chỉ dùng chữ in hoa không dấu, chữ số, '_', '-' hoặc '.'.",
        "Code '{value}' is invalid: use unaccented capital letters, digits, '_', '-' or '.'.",
    ),
    "duplicate_code": (
        "Mã '{value}' bị trùng với dòng {first_row}.",
        "Code '{value}' repeats row {first_row}.",
    ),
    "unknown_kind": (
        "Loại đơn vị '{value}' không hợp lệ; dùng một trong: {allowed}.",
        "Unknown unit kind '{value}'; use one of: {allowed}.",
    ),
    "invalid_choice": (
        "Giá trị '{value}' không hợp lệ; dùng một trong: {allowed}.",
        "Invalid value '{value}'; use one of: {allowed}.",
    ),
    "unknown_parent": (
        "Đơn vị cấp trên '{value}' không có trong tệp hoặc trong hệ thống.",
        "Parent unit '{value}' is neither in the file nor in the system.",
    ),
    "parent_cycle": (
        "Quan hệ cấp trên tạo thành vòng lặp: {path}.",
        "The parent relation forms a cycle: {path}.",
    ),
    "unknown_successor": (
        "Đơn vị kế thừa '{value}' không có trong tệp hoặc trong hệ thống.",
        "Successor unit '{value}' is neither in the file nor in the system.",
    ),
    "self_successor": (
        "Đơn vị không thể kế thừa chính nó.",
        "A unit cannot be its own successor.",
    ),
    "successor_needs_end": (
        "Có đơn vị kế thừa thì phải có ngày hết hiệu lực (valid_to).",
        "A successor requires an end date (valid_to).",
    ),
    "end_before_start": (
        "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
        "The end date must be after the start date.",
    ),
    "invalid_admin_code": (
        "Mã hành chính '{value}' chỉ được gồm chữ số.",
        "Administrative code '{value}' must contain digits only.",
    ),
    "invalid_username": (
        "Tên đăng nhập '{value}' không hợp lệ: 3–64 ký tự gồm chữ thường không dấu, chữ số, '_', '.' hoặc '-'.",
        "Username '{value}' is invalid: 3–64 characters of lowercase unaccented letters, digits, '_', '.' or '-'.",
    ),
    "duplicate_username": (
        "Tên đăng nhập '{value}' bị trùng với dòng {first_row}.",
        "Username '{value}' repeats row {first_row}.",
    ),
    "unknown_org_unit": (
        "Không có đơn vị mã '{value}' trong hệ thống.",
        "There is no org unit with code '{value}'.",
    ),
    "invalid_role": (
        "Mã vai trò '{value}' không hợp lệ.",
        "Role key '{value}' is invalid.",
    ),
    "unknown_role": (
        "Không có vai trò '{value}' trong hệ thống.",
        "There is no role '{value}'.",
    ),
    "invalid_email": (
        "Địa chỉ email '{value}' không hợp lệ.",
        "Email address '{value}' is invalid.",
    ),
    "score_out_of_range": (
        "Điểm {value} phải nằm trong khoảng 0–{scale}.",
        "Score {value} must be within 0–{scale}.",
    ),
    "too_many_decimals": (
        "Điểm {value} chỉ được có tối đa 2 chữ số thập phân.",
        "Score {value} may have at most 2 decimal digits.",
    ),
    "year_out_of_range": (
        "Năm {value} phải nằm trong khoảng {min}–{max}.",
        "Year {value} must be within {min}–{max}.",
    ),
    "rank_not_positive": (
        "Thứ hạng phải là số nguyên dương: '{value}'.",
        "The rank must be a positive whole number: '{value}'.",
    ),
    "duplicate_score": (
        "Đơn vị '{value}' đã có điểm năm {year} ở dòng {first_row}.",
        "Unit '{value}' already has a {year} score on row {first_row}.",
    ),
}


def message_pair(key: str, /, **params: Any) -> tuple[str, str]:
    """The Vietnamese and English texts of message `key`, with `params` filled in."""
    vi, en = _CATALOGUE[key]
    return vi.format(**params), en.format(**params)
