"""Đơn vị · Người dùng · Vai trò: the org-unit tree (rename and merge from a date, the name history), users
(create, edit roles and unit, disable or enable, reset the password) and roles (name, description, scope).
System admins change; auditors read; anyone else gets "not found". Changes go through
service/operations/admin.py, which audits them."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from ...errors import Conflict, NotFound, ValidationFailed
from ...http import current_user, db, sign_in
from ...http.locale import request_locale
from ...http.principal import signed_in_externally
from ...i18n import Message, msg, translate, translate_tree
from ...models import ROLE_SCOPES, Dossier, OrgUnit, User
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


# What each standard role may do, shown beside the role when the administrators have not described it.
ROLE_CAPABILITIES = {
    "unit_officer": msg("Lập và soạn hồ sơ đề nghị khen thưởng của đơn vị; làm các bước được giao cho đơn vị."),
    "unit_head": msg("Ký, duyệt hồ sơ và văn bản của đơn vị mình."),
    "superior_head": msg("Xác nhận thành tích của các đơn vị trực thuộc (cấp trên trực tiếp)."),
    "lead_reviewer": msg("Mở đợt, tiếp nhận và thẩm định hồ sơ gửi cơ quan chủ trì phong trào."),
    "lead_head": msg("Ký văn bản của cơ quan chủ trì phong trào."),
    "ec_officer": msg("Thẩm định hồ sơ tại Ban Thi đua – Khen thưởng, tổng hợp trình Hội đồng."),
    "home_affairs_head": msg("Ký tờ trình của Sở Nội vụ."),
    "council_standing": msg("Cho ý kiến tại Hội đồng Thi đua – Khen thưởng thành phố."),
    "chairman": msg("Ký quyết định khen thưởng của Chủ tịch Ủy ban nhân dân thành phố."),
    "process_admin": msg("Triển khai quy trình, biểu mẫu và bảng quyết định; giám sát, chuyển phiên bản hồ sơ "
                         "đang chạy."),
    "system_admin": msg("Quản lý đơn vị, người dùng và vai trò; xem được mọi hồ sơ."),
    "auditor": msg("Xem mọi hồ sơ, quy trình, người dùng và nhật ký; không thay đổi được gì."),
    "integration": msg("Gửi thông điệp vào quy trình từ hệ thống khác qua API."),
}
SCOPE_LABELS = {
    "unit": msg("Đơn vị của người dùng"),
    "parent_unit": msg("Các đơn vị trực thuộc đơn vị của người dùng"),
    "any": msg("Toàn thành phố"),
}


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy as officials write it (yyyy-mm-dd also accepted); None when empty or not a date."""
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _translated(messages: dict) -> dict[str, str]:
    locale = request_locale()
    return {key: translate(text, locale) for key, text in messages.items()}


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


def _errors_of(exc: ValidationFailed | Conflict, field: str) -> dict:
    return translate_tree(exc.details.get("fields") or {field: [exc.message]}, request_locale())


@bp.get("")
@login_required
def index():
    """The unit tree, the users and the roles."""
    return _page()


def _unit_page(code: str, errors: dict | None = None, typed: dict | None = None, status: int = 200):
    session, user = db(), current_user()
    _require(user)
    unit = admin.get_org_unit(session, actor=user, code=code)
    units = admin.list_org_units(session, actor=user)
    names = {u.id: u for u in units}
    predecessors = [u for u in units if u.successor_id == unit.id]
    people = list(session.scalars(select(User).where(User.org_unit_id == unit.id).order_by(User.username)))
    children = [u for u in units if u.parent_id == unit.id and u.valid_to is None]
    dossiers = list(session.scalars(select(Dossier).where(Dossier.org_unit_id == unit.id).order_by(Dossier.id)))
    return render_template(
        "admin/organisation_unit.html", unit=unit, parent=names.get(unit.parent_id),
        successor=names.get(unit.successor_id), predecessors=predecessors, people=people, dossiers=dossiers,
        children=children,
        successors=[(depth, u) for depth, u in _tree(units) if u.id != unit.id and u.valid_to is None],
        can_edit=can_administer(user), errors=errors or {}, typed=typed or {}), status


@bp.get("/units/<code>")
@login_required
def unit(code: str):
    """One unit: its current name and the names it had, validity, successor and predecessors, its users and
    the dossiers made under it (with the name they were made under)."""
    return _unit_page(code)


def _dated_unit_change(code: str, typed: dict, day_field: str, field: str, change: Callable[[dict], Any],
                       done: Callable[[Any, date | None], Message]):
    """Rename and merge: `change(values)` from the day typed in `day_field` (dd/mm/yyyy), then `done(result,
    day)` as the notice and back to the unit; refused, the unit page again with the errors beside the fields (the
    service's `effective_from` is the form's `day_field`; an error of no field goes beside `field`)."""
    day = parse_day(typed[day_field])
    if typed[day_field] and day is None:
        errors = translate_tree({day_field: [msg("Ngày không hợp lệ; viết theo dạng dd/mm/yyyy.")]},
                                request_locale())
        return _unit_page(code, errors, typed, 422)
    try:
        result = change({**typed, "effective_from": day})
    except (ValidationFailed, Conflict) as exc:
        db().rollback()
        errors = {(day_field if key == "effective_from" else key): value
                  for key, value in _errors_of(exc, field).items()}
        return _unit_page(code, errors, typed, 422)
    notify(done(result, day))
    return redirect(url_for("admin_organisation.unit", code=code))


@bp.post("/units/<code>/rename")
@login_required
def rename_unit(code: str):
    """A new name from a date; the old one stays in the unit's history."""
    session, user = db(), current_user()
    _require(user)
    form = request.form
    typed = {"name": form.get("name", "").strip()[:255], "abbreviation": form.get("abbreviation", "").strip()[:32],
             "rename_from": form.get("effective_from", "").strip()[:10], "reason": form.get("reason", "")[:2000]}
    return _dated_unit_change(
        code, typed, "rename_from", "name",
        lambda values: admin.rename_org_unit(session, actor=user, code=code, values=values),
        lambda _unit, day: msg("Đã đổi tên đơn vị thành {name} từ ngày {day:%d/%m/%Y}.", name=typed["name"],
                               day=day))


@bp.post("/units/<code>/merge")
@login_required
def merge_unit(code: str):
    """Merge into a successor from a date; optionally move the unit's users to the successor."""
    session, user = db(), current_user()
    _require(user)
    form = request.form
    typed = {"successor_code": form.get("successor_code", "").strip()[:64],
             "merge_from": form.get("effective_from", "").strip()[:10], "move_users": form.get("move_users") == "1",
             "move_children": form.get("move_children") == "1"}

    def merged_notice(merged: OrgUnit, day: date | None) -> Message:
        successor = session.get(OrgUnit, merged.successor_id)
        return msg("Đã sáp nhập {unit} vào {successor} từ ngày {day:%d/%m/%Y}.", unit=merged.name,
                   successor=successor.name, day=day)

    return _dated_unit_change(
        code, typed, "merge_from", "successor_code",
        lambda values: admin.merge_org_unit(session, actor=user, code=code, values=values), merged_notice)


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
        return _page(_errors_of(exc, "username"), typed, 422)
    notify(msg("Đã tạo người dùng {username}. Người dùng phải đổi mật khẩu này khi đăng nhập lần đầu. "
               "Mật khẩu đầu tiên: {password}", username=typed["username"], password=password))
    return redirect(url_for("admin_organisation.index"))


def _user_page(username: str, errors: dict | None = None, typed: dict | None = None, status: int = 200):
    session, user = db(), current_user()
    _require(user)
    person = session.scalar(select(User).where(User.username == username))
    if person is None:
        raise NotFound(msg("Không tìm thấy người dùng."))
    units = admin.list_org_units(session, actor=user)
    return render_template("admin/organisation_user.html", person=person, tree=_tree(units),
                           roles=admin.list_roles(session, actor=user), scope_labels=_translated(SCOPE_LABELS),
                           can_edit=can_administer(user), errors=errors or {}, typed=typed), status


@bp.get("/users/<username>")
@login_required
def user_detail(username: str):
    """One user: name, e-mail, unit and roles (each role acts on its scope around that unit)."""
    return _user_page(username)


@bp.post("/users/<username>")
@login_required
def update_user(username: str):
    """Change a user's name, e-mail, unit and roles."""
    session, user = db(), current_user()
    _require(user)
    form = request.form
    typed = {"full_name": form.get("full_name", "").strip()[:255], "email": form.get("email", "").strip()[:255],
             "org_unit_code": form.get("org_unit_code", "").strip(), "roles": form.getlist("roles")}
    if not typed["full_name"]:
        return _user_page(username, translate_tree({"full_name": [msg("Vui lòng nhập họ và tên")]},
                                                   request_locale()), typed, 422)
    try:
        admin.update_user(session, actor=user, username=username,
                          values={**typed, "email": typed["email"] or None})
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        return _user_page(username, _errors_of(exc, "roles"), typed, 422)
    notify(msg("Đã lưu người dùng {username}.", username=username))
    return redirect(url_for("admin_organisation.user_detail", username=username))


@bp.post("/users/<username>/active")
@login_required
def set_active(username: str):
    """Disable (or enable again) a user; a disabled user's sessions and tokens stop working."""
    session, user = db(), current_user()
    _require(user)
    active = request.form.get("active") == "1"
    try:
        admin.update_user(session, actor=user, username=username, values={"active": active})
    except Conflict as exc:
        session.rollback()
        notify(exc.message, "error")
        return redirect(url_for("admin_organisation.index"))
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
    person = admin.update_user(session, actor=user, username=username, values={"password": password})
    if person.password_must_change:  # another user's password: a temporary one (an administrator's own is not)
        notify(msg("Đã đặt lại mật khẩu của {username}. Người dùng phải đổi mật khẩu này khi đăng nhập lần tới. "
                   "Mật khẩu mới: {password}", username=username, password=password))
    else:
        # Their own: this session goes on with the new token generation, or the password shown once would be
        # lost with it (the change ends every session of the user, as /password does).
        sign_in(person, external=signed_in_externally())
        notify(msg("Mật khẩu mới của {username}: {password}", username=username, password=password))
    return redirect(url_for("admin_organisation.index"))


def _roles_page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    session, user = db(), current_user()
    _require(user)
    roles = admin.list_roles(session, actor=user)
    holders: dict[str, int] = {}
    for person in admin.list_users(session, actor=user):
        for role in person.roles:
            holders[role.key] = holders.get(role.key, 0) + 1
    return render_template("admin/organisation_roles.html", roles=roles, holders=holders,
                           capabilities=_translated(ROLE_CAPABILITIES), scope_labels=_translated(SCOPE_LABELS),
                           scopes=ROLE_SCOPES,
                           can_edit=can_administer(user), errors=errors or {}, typed=typed or {}), status


@bp.get("/roles")
@login_required
def roles():
    """The roles: what each may do, its scope and how many people hold it."""
    return _roles_page()


@bp.post("/roles/<key>")
@login_required
def update_role(key: str):
    """Rename or describe a role, or change its scope."""
    session, user = db(), current_user()
    _require(user)
    form = request.form
    typed = {"key": key, "name": form.get("name", "").strip()[:255], "scope": form.get("scope", ""),
             "description": form.get("description", "")[:2000]}
    try:
        admin.update_role(session, actor=user, key=key, values=typed)
    except (ValidationFailed, Conflict) as exc:
        session.rollback()
        return _roles_page(_errors_of(exc, "name"), typed, 422)
    notify(msg("Đã lưu vai trò {key}.", key=key))
    return redirect(url_for("admin_organisation.roles") + f"#role-{key}")


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
