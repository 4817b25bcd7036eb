"""Inbox: tabs, filters, sort, pages, claim and bulk claim (the operations in operations/inbox.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...operations import inbox
from ...operations.inbox import InboxFilters
from ..context import calendar, current_user, db, today

bp = Blueprint("inbox", __name__, template_folder="templates")

FILTER_ARGS = ("process", "round", "unit", "step", "overdue", "due_within", "q")


def _int(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw.isdigit():
        return default
    return min(max(int(raw), low), high)


def _filters() -> InboxFilters:
    args = request.args
    return InboxFilters(
        process_key=args.get("process") or None, round_code=args.get("round") or None,
        unit_code=args.get("unit") or None, element_id=args.get("step") or None,
        overdue=args.get("overdue") == "1", due_within=_int("due_within", None, 0, 365),
        text=(args.get("q") or "").strip()[:200] or None,
    )


@bp.get("/inbox")
def index():
    """One tab of the inbox with its filters; an htmx request gets the results only."""
    session, user = db(), current_user()
    counts = inbox.inbox_counts(session, actor=user)
    tab = request.args.get("tab")
    if tab not in inbox.TABS:
        tab = "mine" if counts["mine"] or not counts["group"] else "group"
    filters = _filters()
    page = inbox.inbox_page(session, actor=user, tab=tab, filters=filters, sort=request.args.get("sort", "received"),
                            page=_int("page", 1, 1, 100_000) or 1, today=today(), calendar=calendar())
    page.counts = counts
    args = {key: request.args[key] for key in FILTER_ARGS if request.args.get(key)}
    template = "inbox/_results.html" if request.headers.get("HX-Request") and \
        request.headers.get("HX-Target") == "inbox-results" else "inbox/index.html"
    choices = inbox.filter_choices(session, actor=user, process_key=filters.process_key) \
        if template == "inbox/index.html" else None
    return render_template(template, page=page, filters=filters, args=args, choices=choices)


@bp.post("/inbox/claim")
def claim_selected():
    """Claim the ticked tasks of the group tab; each is claimed or refused on its own."""
    task_ids = request.form.getlist("task_id")
    if not task_ids:
        flash(_("Chưa chọn công việc nào."), "warning")
        return redirect(url_for("inbox.index", tab="group"))
    outcome = inbox.bulk_claim(db(), actor=current_user(), task_ids=task_ids)
    if outcome.claimed:
        flash(ngettext("Đã nhận %(num)d công việc.", "Đã nhận %(num)d công việc.", len(outcome.claimed)), "success")
    if outcome.refused:
        flash(ngettext("%(num)d công việc không nhận được (đã có người nhận hoặc không còn mở).",
                       "%(num)d công việc không nhận được (đã có người nhận hoặc không còn mở).",
                       len(outcome.refused)), "warning")
    return redirect(url_for("inbox.index", tab="mine" if outcome.claimed else "group"))
