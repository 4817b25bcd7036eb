"""Context builder for the award decision (QĐ): articles, cash-reward article and the attached list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.documents.amounts import amount_in_words, cash_reward, format_amount, format_multiplier
from service.documents.context_blocks import common_context, count_phrase, subject_lines, upper_vi
from service.documents.document_data import (
    COLLECTIVE_KINDS,
    DocumentMeta,
    Nominee,
    RewardPolicy,
    RewardRate,
    coerce,
)
from service.documents.numbering import format_long_date

from ..i18n import msg

_GROUPS = (
    ("collective", "TẬP THỂ"),
    ("individual", "CÁ NHÂN"),
    ("household", "HỘ GIA ĐÌNH"),
)
_ROMAN = ("I", "II", "III", "IV")
_SUBJECT_LABEL = {"collective": "tập thể", "individual": "cá nhân", "household": "hộ gia đình"}


@dataclass(frozen=True)
class RewardLine:
    """One award form × subject kind in the cash-reward article."""

    rate: RewardRate
    amount_each: int
    count: int

    @property
    def total(self) -> int:
        return self.amount_each * self.count


def _group_of(nominee: Nominee) -> str:
    if nominee.kind in COLLECTIVE_KINDS:
        return "collective"
    if nominee.kind == "household":
        return "household"
    return "individual"


def _find_rate(policy: RewardPolicy, nominee: Nominee) -> RewardRate:
    # Exact subject kind first ("enterprise" may have its own rate), then its list group.
    for kind in (nominee.kind, _group_of(nominee)):
        for rate in policy.rates:
            if rate.award_code == nominee.award_code and rate.subject_kind == kind:
                return rate
    raise ValueError(
        msg("Chưa cấu hình mức tiền thưởng cho {name} ({award_code}, {kind})",
            name=nominee.name, award_code=nominee.award_code, kind=nominee.kind)
    )


def compute_reward_lines(policy: RewardPolicy, nominees: Sequence[Nominee]) -> list[RewardLine]:
    """Group nominees by configured rate and compute each amount (multiplier × base salary, rounded up)."""
    counts: dict[tuple[str, str], int] = {}
    rates: dict[tuple[str, str], RewardRate] = {}
    for nominee in nominees:
        rate = _find_rate(policy, nominee)
        key = (rate.award_code, rate.subject_kind)
        rates[key] = rate
        counts[key] = counts.get(key, 0) + 1
    return [
        RewardLine(
            rate=rates[key],
            amount_each=cash_reward(rates[key].multiplier, policy.base_salary, policy.rounding_unit),
            count=counts[key],
        )
        for key in counts
    ]


def _reward_sentence(line: RewardLine, base_salary: int, last: bool) -> str:
    subject = _SUBJECT_LABEL.get(line.rate.subject_kind, line.rate.subject_kind)
    return (
        f"- Mỗi {subject} được tặng {line.rate.label} được thưởng {format_multiplier(line.rate.multiplier)} "
        f"lần mức lương cơ sở ({format_amount(base_salary)}), là {format_amount(line.amount_each)} "
        f"({amount_in_words(line.amount_each)}); số lượng: {line.count} {subject}, thành tiền: "
        f"{format_amount(line.total)}" + ("." if last else ";")
    )


def _display_name(nominee: Nominee) -> str:
    honorific = {"male": "Ông", "female": "Bà"}.get(nominee.sex or "")
    return f"{honorific} {nominee.name}" if honorific and nominee.kind == "individual" else nominee.name


def _list_groups(nominees: Sequence[Nominee]) -> list[dict[str, Any]]:
    groups = []
    for key, title in _GROUPS:
        members = [n for n in nominees if _group_of(n) == key]
        if not members:
            continue
        rows = [
            {
                "stt": str(i),
                "name": _display_name(n),
                "position_unit": ", ".join(p for p in (n.position, n.unit) if p),
                "form": n.proposed_form,
            }
            for i, n in enumerate(members, start=1)
        ]
        groups.append({"title": f"{_ROMAN[len(groups)]}. {title}", "nominees": rows})
    return groups


def build_award_decision_context(
    meta: DocumentMeta | dict,
    *,
    authority: str,
    award_form: str,
    movement: str,
    legal_bases: Sequence[str],
    proposal: str,
    executors: str,
    reward_policy: RewardPolicy | dict,
    nominees: Sequence[Nominee | dict],
) -> dict[str, Any]:
    """The award decision with its attached list and cash-reward article.

    ``authority`` is the deciding title ("Chủ tịch Ủy ban nhân dân thành phố Đà Nẵng"); ``proposal`` the
    "Theo đề nghị của …" phrase; ``executors`` the Article 3 subjects ("Chánh Văn phòng …, Giám đốc Sở Nội
    vụ, … và các tập thể, cá nhân có tên tại Điều 1").
    """
    meta = coerce(DocumentMeta, meta)
    policy = coerce(RewardPolicy, reward_policy)
    listed = [coerce(Nominee, n) for n in nominees]
    if not listed:
        raise ValueError(msg("Quyết định khen thưởng cần ít nhất một đối tượng"))
    context = common_context(meta, "QĐ")
    lines = compute_reward_lines(policy, listed)
    total = sum(line.total for line in lines)
    bases = [b.strip().rstrip(";.,") for b in legal_bases if b.strip()]
    return {
        **context,
        "doc_type": "QUYẾT ĐỊNH",
        "subject_lines": subject_lines(f"Về việc tặng {award_form}"),
        "authority": upper_vi(authority),
        "legal_bases": [f"{b};" for b in bases] + [f"{proposal.strip().rstrip(';.,')}."],
        "article1": (
            f"Tặng {award_form} cho {count_phrase(listed)} (có danh sách kèm theo), "
            f"đã có thành tích xuất sắc trong {movement}."
        ),
        "article2_intro": "Tiền thưởng kèm theo được thực hiện theo quy định hiện hành, cụ thể:",
        "reward_lines": [
            _reward_sentence(line, policy.base_salary, i == len(lines) - 1) for i, line in enumerate(lines)
        ],
        "reward_total_line": f"Tổng số tiền thưởng: {format_amount(total)} ({amount_in_words(total)}).",
        "funding_line": f"Kinh phí khen thưởng: {policy.funding_source.strip().rstrip('.')}."
        if policy.funding_source.strip()
        else "",
        "reward_total": total,
        "article3": f"{executors.strip().rstrip('.')} chịu trách nhiệm thi hành Quyết định này./.",
        "list_title_lines": ["DANH SÁCH", *subject_lines(f"Tập thể, cá nhân được tặng {award_form}")],
        "list_reference": (
            f"(Kèm theo Quyết định số {context['document_symbol']} {format_long_date(meta.issued_on)} của {authority})"
        ),
        "groups": _list_groups(listed),
    }
