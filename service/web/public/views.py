"""The public notice (niêm yết lấy ý kiến): read by anyone, a comment per visitor within the rate limit.

Everything a visitor typed is shown escaped (Jinja autoescape); lengths are capped here before the
configured limit is checked by the operation; a refused comment changes nothing and says why.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...errors import DomainError, TooManyRequests
from ...i18n import msg, translate
from ...nomination import public_notice
from ..context import db, locale
from ..messages import notify

bp = Blueprint("public", __name__, template_folder="templates", url_prefix="/cong-khai")

MAX_NAME = 200
MAX_CONTENT = 10_000


@bp.get("")
def index():
    """The notices open for comment now."""
    return render_template("public/index.html", notices=public_notice.list_open(db()))


def _notice_page(notice_id: int, *, template: str = "public/notice.html", form: dict | None = None,
                 error: str | None = None, status: int = 200):
    session = db()
    notice = public_notice.get_open_notice(session, notice_id)
    nominees = public_notice.listed_nominees(session, notice)
    return render_template(template, notice=notice, nominees=nominees, form=form or {}, error=error,
                           max_name=MAX_NAME, max_content=MAX_CONTENT), status


@bp.get("/<int:notice_id>")
def notice(notice_id: int):
    """One notice: its nominees, the window's end, the comment form."""
    return _notice_page(notice_id)


@bp.get("/<int:notice_id>/in")
def printable(notice_id: int):
    """The list as a plain page to print or post."""
    return _notice_page(notice_id, template="public/print.html")


@bp.post("/<int:notice_id>/gop-y")
def comment(notice_id: int):
    """Store a comment; on a refusal the form comes back with what was typed and the reason."""
    form = {key: (request.form.get(key) or "").strip() for key in ("nominee_id", "author_name", "contact", "content")}
    error = None
    if not form["author_name"] or len(form["author_name"]) > MAX_NAME or len(form["contact"]) > MAX_NAME:
        error = msg("Họ tên (và liên hệ) từ 1 đến {n} ký tự.", n=MAX_NAME)
    elif not form["content"] or len(form["content"]) > MAX_CONTENT:
        error = msg("Nội dung góp ý không hợp lệ.")
    elif not form["nominee_id"].isdigit():
        error = msg("Người/tập thể không có trong danh sách lấy ý kiến.")
    if error is None:
        try:
            values = {**form, "nominee_id": int(form["nominee_id"])}
            public_notice.submit_comment(db(), notice_id=notice_id, values=values, client_address=request.remote_addr)
            db().commit()
        except TooManyRequests as exc:
            db().rollback()
            return _notice_page(notice_id, form=form, error=translate(exc.message, locale()), status=429)
        except DomainError as exc:
            db().rollback()
            if exc.code == "not_found":
                raise
            error = exc.message
        else:
            notify(msg("Cảm ơn bạn đã góp ý. Ý kiến đã được ghi nhận."))
            return redirect(url_for(".notice", notice_id=notice_id))
    return _notice_page(notice_id, form=form, error=translate(error, locale()), status=422)
