"""Error pages: the status and message a person can act on, never a stack trace or an English exception."""

from __future__ import annotations

from flask import make_response, render_template, request

from ..http.locale import request_locale
from ..i18n import msg, translate

TITLES = {
    400: msg("Yêu cầu không hợp lệ"),
    401: msg("Cần đăng nhập"),
    403: msg("Không có quyền"),
    404: msg("Không tìm thấy trang"),
    409: msg("Dữ liệu đã thay đổi"),
    413: msg("Tệp quá lớn"),
    422: msg("Dữ liệu chưa hợp lệ"),
    429: msg("Vui lòng thử lại sau"),
    500: msg("Lỗi hệ thống"),
}
CSRF_FAILED = msg("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")


def render_error_page(status: int, code: str, message: str, details: dict):
    """An HTML error page (the renderer service/http/errors.py uses for requests outside /api)."""
    title = translate(TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400]), request_locale())
    if request.headers.get("HX-Request"):  # htmx swaps the fragment in place of the target
        body = render_template("errors/fragment.html", status=status, title=title, message=message)
    else:
        body = render_template("errors/error.html", status=status, title=title, message=message, code=code)
    response = make_response(body, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Session realm="vinhdanh"'
    return response


def csrf_failed():
    return render_error_page(400, "csrf_failed", translate(CSRF_FAILED, request_locale()), {})
