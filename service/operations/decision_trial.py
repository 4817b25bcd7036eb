"""Decision tables of a deployed version: open one, try it on inputs in the sandbox (which rules matched and
what they give), deploy an edited table as the next version of its bundle."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..engine import dmn_trial
from ..errors import ValidationFailed
from ..i18n import msg
from ..models import DeploymentFile, ProcessVersion, User
from . import deployments
from .modeling import MAX_DIAGRAM_BYTES, deployed_file, deployed_files, require_edit

MAX_INPUT_KEYS = 200


def decision_files(process_version: ProcessVersion) -> list[DeploymentFile]:
    """The DMN files deployed with a version."""
    return deployed_files(process_version, "dmn")


def decision_file(session: Session, *, actor: User, process_key: str, version: int | None,
                  filename: str) -> tuple[ProcessVersion, DeploymentFile]:
    """One DMN file of a version (the latest when none is named)."""
    return deployed_file(session, actor=actor, process_key=process_key, version=version, filename=filename,
                         kind="dmn", not_found=msg("Không tìm thấy bảng quyết định {name}.", name=filename))


def _content(xml: str | None, file: DeploymentFile) -> bytes:
    if not xml:
        return file.content
    data = xml.encode("utf-8")
    if len(data) > MAX_DIAGRAM_BYTES:
        raise ValidationFailed(msg("Sơ đồ quá lớn (tối đa {limit} byte).", limit=MAX_DIAGRAM_BYTES))
    return data


def try_table(session: Session, *, actor: User, process_key: str, version: int | None, filename: str,
              inputs: Any, xml: str | None = None) -> dmn_trial.TrialResult:
    """Evaluate the table (as deployed, or as edited when `xml` is given) on `inputs`; nothing is stored."""
    _, file = decision_file(session, actor=actor, process_key=process_key, version=version, filename=filename)
    if not isinstance(inputs, dict) or len(inputs) > MAX_INPUT_KEYS:
        raise ValidationFailed(msg("Dữ liệu thử phải là một đối tượng JSON, ví dụ {{\"nominee\": {{...}}}}."))
    try:
        return dmn_trial.evaluate(_content(xml, file), filename, inputs)
    except dmn_trial.DecisionTrialError as exc:
        raise ValidationFailed(msg("Không tính được bảng quyết định với dữ liệu này: {error}", error=str(exc))) from exc
    except Exception as exc:  # unreadable XML from the editor: said, never a server error
        raise ValidationFailed(msg("Không đọc được bảng quyết định: {error}", error=str(exc).split("\n")[0])) from exc


def deploy_table(session: Session, *, actor: User, process_key: str, version: int | None, filename: str,
                 xml: str) -> deployments.DeployOutcome:
    """Deploy the edited table with the rest of its version's bundle: every process of it gets version + 1."""
    require_edit(actor)
    process_version, file = decision_file(session, actor=actor, process_key=process_key, version=version,
                                          filename=filename)
    files = {f.filename: f.content for f in process_version.deployment.files}
    files[filename] = _content(xml, file)
    return deployments.deploy(session, actor=actor, files=files, key=process_version.deployment.key)
