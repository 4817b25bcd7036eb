"""Đơn vị · Người dùng · Vai trò: the org-unit tree, users (create, disable or enable, reset the password) and
roles. System admins change; auditors read; anyone else gets "not found". Changes go through
service/operations/admin.py, which audits them."""

from __future__ import annotations

import secrets

from flask import Blueprint, redirect, render_template, request, url_for

from ...errors import Conflict, NotFound, ValidationFailed
from ...http import current_user, db
from ...http.locale import request_locale
from ...i18n import msg, translate, translate_tree
from ...models import OrgUnit, User
from ...nomination import reference_import
from ...operations import admin
from ...permissions import can_administer, can_read_everything
from ..access import login_required
from ..messages import notify

bp = Blueprint("admin_organisation", __name__, template_folder="templates", url_prefix="/admin/organisation")


def can_see_organisation(user: User) -> bool:
    return can_administer(user) or can_read_everything(user)


def _require(user: User) -> None:
    if not can_see_organisation(user):
        raise NotFound(msg("Không tìm thấy trang."))


def _tree(units: list[OrgUnit]) -> list[tuple[int, OrgUnit]]:
    """(depth, unit) in tree order: each unit followed by its children."""
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[int, OrgUnit]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.code):
            ordered.append((depth, unit))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def _page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    session, user = db(), current_user()
    _require(user)
    units = admin.list_org_units(session, actor=user)
    return render_template("admin/organisation.html", tree=_tree(units), names={u.id: u.name for u in units},
                           users=admin.list_users(session, actor=user),
                           roles=admin.list_roles(session, actor=user), can_edit=can_administer(user),
                           errors=errors or {}, typed=typed or {}), status


@bp.get("")
@login_required
def index():
    """The unit tree, the users and the roles."""
    return _page()


@bp.post("/users")
@login_required
def create_user():
    """A new user with a generated first password, shown once to the administrator."""
    session, user = db(), current_user()
    _require(user)
    form = request.form
    typed = {"username": form.get("username", "").strip()[:64], "full_name": form.get("full_name", "").strip()[:255],
             "org_unit_code": form.get("org_unit_code", "").strip() or None, "roles": form.getlist("roles")}
    errors = {}
    if not typed["username"]:
        errors["username"] = [msg("Vui lòng nhập tên đăng nhập")]
    if not typed["full_name"]:
        errors["full_name"] = [msg("Vui lòng nhập họ và tên")]
    if errors:
        return _page(translate_tree(errors, request_locale()), typed, 422)
    password = secrets.token_urlsafe(12)
    try:
        admin.create_user(session, actor=user, values={**typed, "password": password})
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        fields = exc.details.get("fields") or {"username": [exc.message]}
        return _page(translate_tree(fields, request_locale()), typed, 422)
    notify(msg("Đã tạo người dùng {username}. Mật khẩu đầu tiên: {password}", username=typed["username"],
               password=password))
    return redirect(url_for("admin_organisation.index"))


@bp.post("/users/<username>/active")
@login_required
def set_active(username: str):
    """Disable (or enable again) a user; a disabled user's sessions and tokens stop working."""
    session, user = db(), current_user()
    _require(user)
    active = request.form.get("active") == "1"
    admin.update_user(session, actor=user, username=username, values={"active": active})
    notify(msg("Đã mở lại tài khoản {username}.", username=username) if active
           else msg("Đã khóa tài khoản {username}.", username=username))
    return redirect(url_for("admin_organisation.index"))


@bp.post("/users/<username>/password")
@login_required
def reset_password(username: str):
    """A new generated password, shown once; the user's sessions and tokens end."""
    session, user = db(), current_user()
    _require(user)
    password = secrets.token_urlsafe(12)
    admin.update_user(session, actor=user, username=username, values={"password": password})
    notify(translate(msg("Mật khẩu mới của {username}: {password}", username=username, password=password),
                     request_locale()))
    return redirect(url_for("admin_organisation.index"))


IMPORTERS = {"org_units": reference_import.import_org_units, "users": reference_import.import_users}
MAX_IMPORT_BYTES = 5_000_000


@bp.get("/import")
@login_required
def import_form():
    """Upload a CSV/XLSX of org units or users: a dry run first, then the import."""
    _require(current_user())
    return render_template("admin/organisation_import.html", report=None, kind="org_units", can_edit=True)


@bp.post("/import")
@login_required
def import_file():
    """Dry run (default): everything checked and applied inside a savepoint that is rolled back; the report
    says what would be created and updated, or every row error. With `apply=1` the same import is kept."""
    session, user = db(), current_user()
    _require(user)
    kind = request.form.get("kind") if request.form.get("kind") in IMPORTERS else "org_units"
    upload = request.files.get("file")
    data = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
    apply = request.form.get("apply") == "1"
    report: dict = {"kind": kind, "applied": False}
    if not data or len(data) > MAX_IMPORT_BYTES:
        report["errors"] = [{"row": None, "column": None, "message": translate(
            msg("Vui lòng chọn một tệp CSV hoặc XLSX (tối đa 5 MB)."), request_locale())}]
        return render_template("admin/organisation_import.html", report=report, kind=kind, can_edit=True), 422
    try:
        if apply:
            report.update(IMPORTERS[kind](session, actor=user, source=data), applied=True)
        else:
            with session.begin_nested() as savepoint:
                report.update(IMPORTERS[kind](session, actor=user, source=data))
                savepoint.rollback()
    except ValidationFailed as exc:
        session.rollback()
        english = request_locale() == "en"
        report["errors"] = [{**row, "message": row["message_en"] if english else row["message"]}
                            for row in exc.details.get("rows", [])]
        return render_template("admin/organisation_import.html", report=report, kind=kind, can_edit=True), 422
    if apply:
        notify(msg("Đã nhập: {created} mới, {updated} cập nhật.", created=report["created"],
                   updated=report["updated"]))
        return redirect(url_for("admin_organisation.index"))
    return render_template("admin/organisation_import.html", report=report, kind=kind, can_edit=True)
