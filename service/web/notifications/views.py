"""Notifications: list (all or unread), mark one or all read, the e-mail preference."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ...i18n import msg
from ...notifications import reading
from ..access import login_required
from ..context import current_user, db, locale
from ..messages import notify

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.get("/notifications")
@login_required
def index():
    """The user's latest notifications, newest first."""
    session, user = db(), current_user()
    unread_only = request.args.get("unread") == "1"
    rows = reading.list_notifications(session, actor=user, locale=locale(), unread_only=unread_only)
    return render_template("notifications/index.html", rows=rows, unread_only=unread_only,
                           preference=reading.preference(session, actor=user))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read_one(notification_id: int):
    """Mark one read; `next` (a local path) opens what it points to."""
    reading.mark_read(db(), actor=current_user(), notification_id=notification_id)
    db().commit()
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for(".index"))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    reading.mark_read(db(), actor=current_user())
    db().commit()
    notify(msg("Đã đánh dấu tất cả là đã đọc."))
    return redirect(url_for(".index"))


@bp.post("/notifications/preference")
@login_required
def preference():
    reading.set_preference(db(), actor=current_user(), values={"email_mode": request.form.get("email_mode"),
                                                               "locale": request.form.get("locale", "vi")})
    db().commit()
    notify(msg("Đã lưu lựa chọn nhận thư."))
    return redirect(url_for(".index"))
