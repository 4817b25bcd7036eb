"""Deploy a bundle of BPMN, DMN and form files: validate everything, then store each process once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..engine.bundle.problems import ProblemCollector
from ..engine.bundle.validation import file_kind, validate_bundle
from ..engine.parsing import BundleParseError, ParsedBundle, parse_bundle
from ..engine.script_engine import check_script
from ..engine.serialization import specs_to_dict
from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..forms import FormDefinitionError, schema_from_formjs
from ..i18n import msg
from ..models import Deployment, DeploymentFile, ProcessVersion, Role, User
from ..permissions import can_deploy
from . import audit, lane_roles

MAX_FILES = 50


@dataclass
class DeployOutcome:
    deployment: Deployment
    created: bool
    unmapped_lanes: list[dict] = field(default_factory=list)  # {process_key, kind, name}

    @property
    def warnings(self) -> list[dict]:
        """What will run differently than drawn, kept with the deployment."""
        return list(self.deployment.warnings or [])


def _content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def _problems(problems: list[dict]) -> ValidationFailed:
    return ValidationFailed(
        msg("Bộ tệp quy trình không hợp lệ; chưa triển khai gì."),
        details={"problems": [{**problem, "level": problem.get("level", "error")} for problem in problems]},
    )


def forms_of(files: dict[str, bytes]) -> dict[str, dict]:
    """The bundle's form schemas by file stem (and by their own id)."""
    forms: dict[str, dict] = {}
    for name, content in files.items():
        if file_kind(name) != "form":
            continue
        schema = json.loads(content)
        stem = name.rsplit("/", 1)[-1]
        stem = stem[: -len(".form")] if stem.endswith(".form") else stem.rsplit(".", 1)[0]
        forms[stem] = schema
        if isinstance(schema, dict) and schema.get("id"):
            forms.setdefault(str(schema["id"]), schema)
    return forms


def _form_problems(files: dict[str, bytes]) -> list[dict]:
    """Forms must build into validation schemas now, not fail on the first submission."""
    problems = []
    for name, content in files.items():
        if file_kind(name) != "form":
            continue
        try:
            schema_from_formjs(json.loads(content))
        except (FormDefinitionError, ValueError) as exc:
            problems.append({"file": name, "element_id": None, "line": None, "message": f"invalid form: {exc}"})
    return problems


def deploy(session: Session, *, actor: User, files: dict[str, bytes], key: str | None = None) -> DeployOutcome:
    """Validate and deploy; identical content returns the existing version, otherwise version + 1."""
    if not can_deploy(actor):
        raise PermissionDenied(msg("Chỉ quản trị quy trình được triển khai."))
    if not files:
        raise _problems([{"file": None, "element_id": None, "line": None, "message": "no files uploaded"}])
    if len(files) > MAX_FILES:
        raise _problems([{"file": None, "element_id": None, "line": None, "message": f"at most {MAX_FILES} files"}])
    known_processes = set(session.scalars(select(ProcessVersion.process_key).distinct()))
    known_roles = set(session.scalars(select(Role.key)))
    found = validate_bundle(files, known_process_ids=known_processes, known_role_keys=known_roles,
                            expression_checker=check_script, script_checker=check_script)
    problems = [p.as_dict() for p in found if p.is_error]
    if problems:
        raise _problems(problems)
    warnings = [{**p.as_dict(), "code": p.code} for p in found if not p.is_error]
    problems = _form_problems(files)
    if problems:
        raise _problems(problems)
    bpmn = {n: c for n, c in files.items() if file_kind(n) == "bpmn"}
    dmn = {n: c for n, c in files.items() if file_kind(n) == "dmn"}
    try:
        bundle = parse_bundle(bpmn, dmn, forms_of(files))
    except BundleParseError as exc:
        raise _problems(exc.problems) from None
    if not bundle.executable:
        raise _problems([{"file": None, "element_id": None, "line": None, "message": "no executable process"}])
    main_key = key or bundle.executable[0]
    if main_key not in bundle.executable:
        raise NotFound(f"process {main_key!r} is not defined by these files")

    content_hash = _content_hash(files)
    existing = session.scalar(
        select(Deployment).where(Deployment.key == main_key, Deployment.content_hash == content_hash)
        .order_by(Deployment.version.desc()).limit(1)
    )
    if existing is not None:
        return DeployOutcome(existing, created=False, unmapped_lanes=_unmapped(existing))

    version = (session.scalar(select(func.max(Deployment.version)).where(Deployment.key == main_key)) or 0) + 1
    deployment = Deployment(key=main_key, version=version, name=bundle.names.get(main_key) or main_key,
                            content_hash=content_hash, deployed_by_id=actor.id, warnings=warnings)
    session.add(deployment)
    session.flush()
    for name, content in sorted(files.items()):
        session.add(DeploymentFile(deployment_id=deployment.id, filename=name, kind=file_kind(name) or "other",
                                   sha256=hashlib.sha256(content).hexdigest(), content=content))
    _store_versions(session, deployment, bundle)
    deployment.warnings = warnings + _lane_warnings(bundle, deployment)
    audit.record(session, action="definition.deployed", actor=actor.username,
                 details={"key": main_key, "version": version, "processes": bundle.executable,
                          "files": sorted(files), "content_hash": content_hash,
                          "warnings": len(deployment.warnings)})
    return DeployOutcome(deployment, created=True, unmapped_lanes=_unmapped(deployment))


def _store_versions(session: Session, deployment: Deployment, bundle: ParsedBundle) -> None:
    """One stored spec per process (its own spec plus what it calls, never per instance) and its lane roles."""
    roles = lane_roles.RoleIndex.load(session)
    needed = lane_roles.needed_names(bundle.lanes, bundle.task_metadata)
    for process_id in bundle.executable:
        previous = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_id)
                                  .order_by(ProcessVersion.version.desc()).limit(1))
        process_version = ProcessVersion(
            deployment=deployment, process_key=process_id, version=(previous.version if previous else 0) + 1,
            name=bundle.names.get(process_id) or process_id,
            bpmn_filename=bundle.files.get(process_id),
            spec=specs_to_dict({process_id: bundle.specs[process_id]}, bundle.subprocess_specs),
            task_metadata=bundle.task_metadata, forms=bundle.forms,
            starter_roles=bundle.starter_roles.get(process_id),
        )
        session.add(process_version)
        lane_roles.fill(session, process_version, needed, roles, previous)


def _lane_warnings(bundle: ParsedBundle, deployment: Deployment) -> list[dict]:
    """A warning where each unmapped lane (or candidate group) is drawn."""
    missing = {(row["kind"], row["name"]) for row in _unmapped(deployment)}
    collector = ProblemCollector(max_problems=10_000)
    for lanes in bundle.lanes.values():
        for lane in lanes:
            if ("lane", lane["name"]) in missing:
                collector.add("lane_unmapped", lane["file"], element_id=lane["lane_id"], line=lane["line"],
                              lane=lane["name"])
                missing.discard(("lane", lane["name"]))
    for tasks in bundle.task_metadata.values():
        for meta in tasks.values():
            for group in meta.get("candidate_groups") or []:
                if ("group", group) in missing:
                    collector.add("candidate_group_unmapped", meta["file"], element_id=meta["element_id"],
                                  line=meta["line"], group=group)
                    missing.discard(("group", group))
    return [{**p.as_dict(), "code": p.code} for p in collector.problems]


def _unmapped(deployment: Deployment) -> list[dict]:
    return [{"process_key": version.process_key, **row}
            for version in sorted(deployment.processes, key=lambda v: v.process_key)
            for row in lane_roles.unmapped(version.lane_roles)]

def latest_versions(session: Session) -> list[ProcessVersion]:
    latest = (select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.process_key).subquery())
    return list(session.scalars(
        select(ProcessVersion).join(latest, (ProcessVersion.process_key == latest.c.process_key)
                                    & (ProcessVersion.version == latest.c.v))
        .order_by(ProcessVersion.process_key)
    ))


def get_version(session: Session, process_key: str, version: int | None = None) -> ProcessVersion:
    """A deployed version (the latest without `version`)."""
    query = select(ProcessVersion).where(ProcessVersion.process_key == process_key)
    query = query.where(ProcessVersion.version == version) if version else query.order_by(ProcessVersion.version.desc())
    found = session.scalar(query.limit(1))
    if found is None:
        raise NotFound(msg("Không tìm thấy quy trình {process_key!r}.", process_key=process_key))
    return found


_versions = ProcessVersion.__table__
# What a start reads of a version: its small columns only (the runtime keeps the parsed content cached
# per version), in statements built once: building a query per request costs more than running it.
_HEAD_COLUMNS = (_versions.c.id, _versions.c.version, _versions.c.starter_roles, _versions.c.lane_roles_token)
_LATEST_HEAD = (select(*_HEAD_COLUMNS).where(_versions.c.process_key == bindparam("process_key"))
                .order_by(_versions.c.version.desc()).limit(1))
_VERSION_HEAD = select(*_HEAD_COLUMNS).where(_versions.c.process_key == bindparam("process_key"),
                                             _versions.c.version == bindparam("version"))


def version_head(session: Session, process_key: str, version: int | None = None):
    """The id, number, starter roles and lane-roles token of a deployed version (the latest without
    `version`), as a row; NotFound when there is none."""
    if version:
        found = session.execute(_VERSION_HEAD, {"process_key": process_key, "version": version}).first()
    else:
        found = session.execute(_LATEST_HEAD, {"process_key": process_key}).first()
    if found is None:
        raise NotFound(msg("Không tìm thấy quy trình {process_key!r}.", process_key=process_key))
    return found


def bpmn_xml(session: Session, process_key: str, version: int) -> bytes:
    process_version = get_version(session, process_key, version)
    filename = process_version.bpmn_filename
    for file in process_version.deployment.files:
        if file.filename == filename:
            return file.content
    raise NotFound("BPMN file not found")
