"""The modeler's server side: drafts of a process's diagram, validation with located problems, deploy as a new version.

A diagram edited in the browser replaces the main BPMN file of the version it was opened from; the other files
of that deployment (decision tables, forms, called processes) go with it unchanged, so the result is checked and
deployed as the same bundle the version came from.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine.bundle.problems import ProblemCollector
from ..engine.bundle.validation import file_kind, validate_bundle
from ..engine.parsing import BundleParseError, parse_bundle
from ..engine.script_engine import check_script
from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..i18n import msg
from ..models import DeploymentFile, DiagramDraft, ProcessVersion, User
from ..permissions import can_deploy, can_read_everything
from . import audit, deployments, lane_roles

MAX_DIAGRAM_BYTES = 5_000_000


def can_view_processes(user: User) -> bool:
    """Process admins edit; auditors and system admins read."""
    return can_deploy(user) or can_read_everything(user)


def require_view(actor: User) -> None:
    if not can_view_processes(actor):
        raise NotFound(msg("Không tìm thấy trang."))


def require_edit(actor: User) -> None:
    require_view(actor)
    if not can_deploy(actor):
        raise PermissionDenied(msg("Bạn không có quyền thực hiện thao tác này."))


def _diagram_bytes(xml: str) -> bytes:
    data = (xml or "").encode("utf-8")
    if not data.strip():
        raise ValidationFailed(msg("Sơ đồ trống; chưa có gì để kiểm tra."))
    if len(data) > MAX_DIAGRAM_BYTES:
        raise ValidationFailed(msg("Sơ đồ quá lớn (tối đa {limit} byte).", limit=MAX_DIAGRAM_BYTES))
    return data


def opened_version(session: Session, *, actor: User, process_key: str, version: int | None = None) -> ProcessVersion:
    """The version the modeler opens (the latest when none is named)."""
    require_view(actor)
    return deployments.get_version(session, process_key, version)


def deployed_files(process_version: ProcessVersion, kind: str) -> list[DeploymentFile]:
    """The files of one kind ("dmn", "form") deployed with a version."""
    return [file for file in process_version.deployment.files if file.kind == kind]


def deployed_file(session: Session, *, actor: User, process_key: str, version: int | None, filename: str,
                  kind: str, not_found: str) -> tuple[ProcessVersion, DeploymentFile]:
    """One file of a kind deployed with a version (the latest when none is named); NotFound(`not_found`)."""
    require_view(actor)
    process_version = deployments.get_version(session, process_key, version)
    for file in deployed_files(process_version, kind):
        if file.filename == filename:
            return process_version, file
    raise NotFound(not_found)


def bundle_with(session: Session, process_version: ProcessVersion, xml: str) -> tuple[dict[str, bytes], str]:
    """The files of `process_version`'s deployment with its BPMN file replaced by `xml`, and that file's name."""
    files = {file.filename: file.content for file in process_version.deployment.files}
    filename = process_version.bpmn_filename or f"{process_version.process_key}.bpmn"
    files[filename] = _diagram_bytes(xml)
    return files, filename


def validate_diagram(session: Session, *, actor: User, process_key: str, version: int | None, xml: str,
                     lang: str = "vi") -> list[dict]:
    """Errors and warnings of the edited diagram (in its bundle), each with its element id and level."""
    process_version = opened_version(session, actor=actor, process_key=process_key, version=version)
    files, _ = bundle_with(session, process_version, xml)
    known = set(session.scalars(select(ProcessVersion.process_key).distinct()))
    found = validate_bundle(files, known_process_ids=known, expression_checker=check_script,
                            script_checker=check_script)
    if not any(problem.is_error for problem in found):
        found += unmapped_lane_warnings(session, files, process_version)
    return [problem.as_dict(lang) for problem in found]


def unmapped_lane_warnings(session: Session, files: dict[str, bytes], process_version: ProcessVersion) -> list:
    """Warnings where a lane or candidate group would reach no role once deployed (flagged before deploy):
    the same rule as the deploy's mapping, an administrator's earlier choice first, then a name match."""
    bpmn = {name: content for name, content in files.items() if file_kind(name) == "bpmn"}
    dmn = {name: content for name, content in files.items() if file_kind(name) == "dmn"}
    try:
        bundle = parse_bundle(bpmn, dmn, deployments.forms_of(files))
    except BundleParseError:
        return []  # the deploy reports these; validation already said what it could
    roles = lane_roles.RoleIndex.load(session)
    chosen = {(m.kind, m.name): m.role_key for m in process_version.lane_roles if not m.auto}
    missing = {(item.kind, item.name) for item in lane_roles.needed_names(bundle.lanes, bundle.task_metadata)
               if (chosen.get((item.kind, item.name)) if (item.kind, item.name) in chosen
                   else roles.match(item.name)) is None}
    collector = ProblemCollector(max_problems=10_000)
    for lanes in bundle.lanes.values():
        for lane in lanes:
            if ("lane", lane["name"]) in missing:
                collector.add("lane_unmapped", lane["file"], element_id=lane["lane_id"], line=lane["line"],
                              lane=lane["name"])
    for tasks in bundle.task_metadata.values():
        for meta in tasks.values():
            for group in meta.get("candidate_groups") or []:
                if ("group", group) in missing:
                    collector.add("candidate_group_unmapped", meta["file"], element_id=meta["element_id"],
                                  line=meta["line"], group=group)
    return collector.problems


def get_draft(session: Session, *, actor: User, process_key: str) -> DiagramDraft | None:
    """The saved draft of a process, if any."""
    require_view(actor)
    return session.scalar(select(DiagramDraft).where(DiagramDraft.process_key == process_key))


def save_draft(session: Session, *, actor: User, process_key: str, values: dict) -> DiagramDraft:
    """Keep the diagram being edited on the server (values: xml, base_version); audited."""
    require_edit(actor)
    base = deployments.get_version(session, process_key, values.get("base_version"))
    xml = values.get("xml") or ""
    _diagram_bytes(xml)
    draft = session.scalar(select(DiagramDraft).where(DiagramDraft.process_key == process_key))
    if draft is None:
        draft = DiagramDraft(process_key=process_key)
        session.add(draft)
    draft.xml, draft.base_version, draft.updated_by_id = xml, base.version, actor.id
    session.flush()
    audit.record(session, action="definition.draft_saved", actor=actor.username,
                 details={"process_key": process_key, "base_version": base.version, "bytes": len(xml.encode())})
    return draft


def discard_draft(session: Session, *, actor: User, process_key: str) -> None:
    """Drop the saved draft (after a deploy, or on request); audited when there was one."""
    require_edit(actor)
    draft = session.scalar(select(DiagramDraft).where(DiagramDraft.process_key == process_key))
    if draft is not None:
        session.delete(draft)
        session.flush()
        audit.record(session, action="definition.draft_discarded", actor=actor.username,
                     details={"process_key": process_key})


def deploy_diagram(session: Session, *, actor: User, process_key: str, version: int | None,
                   xml: str) -> deployments.DeployOutcome:
    """Deploy the edited diagram with the rest of its version's bundle: version + 1, or nothing on an error."""
    require_edit(actor)
    process_version = deployments.get_version(session, process_key, version)
    files, _ = bundle_with(session, process_version, xml)
    outcome = deployments.deploy(session, actor=actor, files=files, key=process_version.deployment.key)
    if outcome.created:
        discard_draft(session, actor=actor, process_key=process_key)
    return outcome
