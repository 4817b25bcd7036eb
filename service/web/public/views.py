"""The public notice (niêm yết lấy ý kiến): read by anyone, a comment per visitor within the rate limit.

Everything a visitor typed is shown escaped (Jinja autoescape); lengths are capped here before the
configured limit is checked by the operation; a refused comment changes nothing and says why.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...errors import DomainError, TooManyRequests, ValidationFailed
from ...i18n import msg, translate
from ...models import PublicComment
from ...models.nomination import COMMENT_STATUSES
from ...nomination import comment_moderation, public_notice
from ...nomination.documents.labels import award_labels
from ..access import login_required
from ..context import current_user, db, locale
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
                           award_names=award_labels(session), comments=comment_moderation.published(session, notice),
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
            notify(msg("Cảm ơn bạn đã góp ý. Ý kiến đã được ghi nhận và sẽ được công bố sau khi cơ quan "
                       "thi đua – khen thưởng xem xét."))
            return redirect(url_for(".notice", notice_id=notice_id))
    return _notice_page(notice_id, form=form, error=translate(error, locale()), status=422)


# --- moderation by the emulation–commendation office (signed in) -------------------------------------------

def _queue_page(status: str, *, errors: dict | None = None, answers: dict | None = None, code: int = 200):
    rows, counts = comment_moderation.queue(db(), actor=current_user(), status=status)
    return render_template("public/moderation.html", rows=rows, counts=counts, status=status,
                           statuses=COMMENT_STATUSES, errors=errors or {}, answers=answers or {}), code


@bp.get("/kiem-duyet")
@login_required
def moderation():
    """The queue of comments by status (new first): publish, hide, answer (404 for anyone else)."""
    status = request.args.get("status", "new")
    return _queue_page(status if status in COMMENT_STATUSES else "new")


@bp.post("/kiem-duyet/<int:comment_id>")
@login_required
def moderate(comment_id: int):
    """One moderation action (audited); the queue of the same status comes back."""
    status = request.form.get("status", "new")
    status = status if status in COMMENT_STATUSES else "new"
    action, answer = request.form.get("action", ""), request.form.get("answer")
    session = db()
    try:
        comment_moderation.moderate(session, actor=current_user(), comment_id=comment_id, action=action,
                                    answer=answer)
    except ValidationFailed as exc:
        session.rollback()
        # The queue the comment is in, so the refusal shows beside it.
        status = session.get(PublicComment, comment_id).status
        return _queue_page(status, errors={comment_id: translate(exc.message, locale())},
                           answers={comment_id: answer or ""}, code=422)
    session.commit()
    notify({"publish": msg("Đã công bố ý kiến."), "hide": msg("Đã ẩn ý kiến."),
            "answer": msg("Đã lưu trả lời.")}[action])
    return redirect(url_for(".moderation", status=status) + f"#y-kien-{comment_id}")
