"""The individual achievement report (NĐ 152 appendix form for an individual) of a nominee."""

from __future__ import annotations

from typing import Any

from ...documents import build_individual_report_context
from ...models import Nominee
from .contexts import sentence

SEX = {"male": "Nam", "female": "Nữ"}


def _profile(nominee: Nominee) -> list[str]:
    lines = [f"- Họ và tên: {nominee.name}."]
    if nominee.sex in SEX:
        lines.append(f"- Giới tính: {SEX[nominee.sex]}.")
    if nominee.position:
        lines.append(f"- Chức vụ: {nominee.position}.")
    if nominee.unit_name:
        lines.append(f"- Đơn vị công tác: {nominee.unit_name}.")
    return lines


def _duties(nominee: Nominee) -> list[str]:
    where = nominee.unit_name or ""
    if nominee.position:
        return [sentence(f"{nominee.position}{f' {where}' if where else ''}, thực hiện nhiệm vụ chuyên môn theo "
                         "chức trách được giao")]
    return [sentence(f"Công tác tại {where}")] if where else []


def _initiatives(nominee: Nominee) -> list[dict[str, str]]:
    """Recognised initiatives only: a row without its recognition would leave the column empty."""
    rows = []
    for item in nominee.initiatives or []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("title") or item.get("name") or "").strip()
        recognition = str(item.get("recognised_by") or item.get("recognition") or "").strip()
        if name and recognition:
            rows.append({"name": name, "recognition": recognition})
    return rows


def individual_report_context(meta: dict[str, Any], nominee: Nominee, *, award_form: str, context_line: str,
                              superior: dict[str, Any]) -> dict[str, Any]:
    """The report signed by the nominee, confirmed by the unit's head (beside) and the direct superior (below)."""
    head = {"title": "Thủ trưởng đơn vị xác nhận, đề nghị", "signer": meta["signer"], "text": None}
    meta = {**meta, "signer": {"title": "Người báo cáo thành tích", "name": nominee.name}}
    achievements = [sentence(nominee.achievement_summary)] if nominee.achievement_summary else []
    return build_individual_report_context(
        meta, award_form=award_form, context_line=context_line, profile=_profile(nominee),
        duties=_duties(nominee), achievements=achievements, initiatives=_initiatives(nominee), prior_awards=[],
        confirmations=[head, superior])
