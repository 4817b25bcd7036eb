"""Inbox: tabs, filters, sort, pages, claim and bulk claim (the operations in operations/inbox.py)."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from ...i18n import msg
from ...operations import inbox
from ...operations.inbox import InboxFilters
from ..access import login_required
from ..context import calendar, current_user, db, today
from ..messages import notify

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


def counts() -> dict[str, int]:
    """The open-task counts of the navigation, once per request."""
    if "vd_inbox_counts" not in g:
        g.vd_inbox_counts = inbox.inbox_counts(db(), actor=current_user())
    return g.vd_inbox_counts


@bp.get("/inbox", endpoint="index", defaults={"tab": None})
@bp.get("/inbox/mine", endpoint="mine", defaults={"tab": "mine"})
@bp.get("/inbox/group", endpoint="group", defaults={"tab": "group"})
@bp.get("/inbox/done", endpoint="done", defaults={"tab": "done"})
@login_required
def show(tab: str | None):
    """One tab of the inbox with its filters; an htmx request gets the results only."""
    session, user = db(), current_user()
    if tab is None:
        tab = request.args.get("tab")
    if tab not in inbox.TABS:
        tab = "mine" if counts()["mine"] or not counts()["group"] else "group"
    filters = _filters()
    page = inbox.inbox_page(session, actor=user, tab=tab, filters=filters, sort=request.args.get("sort", "received"),
                            page=_int("page", 1, 1, 100_000) or 1, today=today(), calendar=calendar(),
                            counts=counts())
    page.counts = counts()
    args = {key: request.args[key] for key in FILTER_ARGS if request.args.get(key)}
    template = "inbox/_results.html" if request.headers.get("HX-Request") and \
        request.headers.get("HX-Target") == "inbox-results" else "inbox/index.html"
    choices = inbox.filter_choices(session, actor=user, process_key=filters.process_key) \
        if template == "inbox/index.html" else None
    return render_template(template, page=page, filters=filters, args=args, choices=choices)


@bp.post("/inbox/claim")
@login_required
def claim_selected():
    """Claim the ticked tasks of the group tab; each is claimed or refused on its own."""
    task_ids = request.form.getlist("task_id")
    if not task_ids:
        notify(msg("Chưa chọn công việc nào."), "warning")
        return redirect(url_for("inbox.group"))
    outcome = inbox.bulk_claim(db(), actor=current_user(), task_ids=task_ids)
    if outcome.claimed:
        notify(msg("Đã nhận {count} công việc.", count=len(outcome.claimed)), "success")
    if outcome.refused:
        notify(msg("{count} công việc không nhận được: đã có người nhận hoặc không còn mở.",
                   count=len(outcome.refused)), "warning")
    return redirect(url_for("inbox.mine" if outcome.claimed else "inbox.group"))
