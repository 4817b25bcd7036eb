"""Forms (form-js) of a deployed version: open one in the editor, check an edited schema the way task forms
are checked, deploy it as the next version of its bundle (forms are versioned with their process)."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..forms import FormDefinitionError, schema_from_formjs
from ..i18n import msg
from ..models import DeploymentFile, ProcessVersion, User
from . import deployments
from .modeling import MAX_DIAGRAM_BYTES, deployed_file, deployed_files, require_edit


def form_files(process_version: ProcessVersion) -> list[DeploymentFile]:
    """The form files deployed with a version."""
    return deployed_files(process_version, "form")


def form_file(session: Session, *, actor: User, process_key: str, version: int | None,
              filename: str) -> tuple[ProcessVersion, DeploymentFile]:
    """One form file of a version (the latest when none is named)."""
    return deployed_file(session, actor=actor, process_key=process_key, version=version, filename=filename,
                         kind="form", not_found=msg("Không tìm thấy biểu mẫu {name}.", name=filename))


def checked_schema(schema: object) -> bytes:
    """The schema as stored, after the checks task submissions rely on (a clear 422 otherwise)."""
    if not isinstance(schema, dict):
        raise ValidationFailed(msg("Biểu mẫu không hợp lệ: cần một đối tượng JSON."))
    try:
        schema_from_formjs(schema)
    except (FormDefinitionError, ValueError) as exc:
        raise ValidationFailed(msg("Biểu mẫu không hợp lệ: {error}", error=str(exc))) from exc
    content = json.dumps(schema, ensure_ascii=False, indent=2).encode("utf-8")
    if len(content) > MAX_DIAGRAM_BYTES:
        raise ValidationFailed(msg("Sơ đồ quá lớn (tối đa {limit} byte).", limit=MAX_DIAGRAM_BYTES))
    return content


def deploy_form(session: Session, *, actor: User, process_key: str, version: int | None, filename: str,
                schema: object) -> deployments.DeployOutcome:
    """Deploy the edited form with the rest of its version's bundle: every process of it gets version + 1."""
    require_edit(actor)
    process_version, _ = form_file(session, actor=actor, process_key=process_key, version=version,
                                   filename=filename)
    files = {f.filename: f.content for f in process_version.deployment.files}
    files[filename] = checked_schema(schema)
    return deployments.deploy(session, actor=actor, files=files, key=process_version.deployment.key)
