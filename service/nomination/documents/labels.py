"""How award forms and nominee kinds are named (in the documents, on the pages, in the exports) and the reward
policy (base salary, multipliers) a decision prints."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ...i18n import msg
from .. import config

# Names of award forms as printed; the dated parameter `document.award_form_labels` overrides or extends them.
# Catalogue messages: documents print the Vietnamese, pages show them in the page's language.
AWARD_FORM_LABELS = {
    "city_chairman_certificate_of_merit": msg("Bằng khen của Chủ tịch Ủy ban nhân dân thành phố"),
    "pm_certificate_of_merit": msg("Bằng khen của Thủ tướng Chính phủ"),
    "provincial_emulation_flag": msg("Cờ thi đua của Ủy ban nhân dân thành phố"),
    "government_emulation_flag": msg("Cờ thi đua của Chính phủ"),
    "excellent_collective": msg("Tập thể lao động xuất sắc"),
    "advanced_collective": msg("Tập thể lao động tiên tiến"),
    "provincial_emulation_fighter": msg("Chiến sĩ thi đua thành phố"),
    "grassroots_emulation_fighter": msg("Chiến sĩ thi đua cơ sở"),
    "national_emulation_fighter": msg("Chiến sĩ thi đua toàn quốc"),
    "certificate_of_commendation": msg("Giấy khen"),
    "advanced_worker": msg("Lao động tiên tiến"),
}
# What is proposed: the nominee's kind (Nominee.kind), named the same on every page and export.
NOMINEE_KIND_LABELS = {
    "collective": msg("Tập thể"),
    "individual": msg("Cá nhân"),
    "enterprise": msg("Doanh nghiệp"),
    "household": msg("Hộ gia đình"),
    "other": msg("Khác"),
}


def award_labels(session: Session) -> dict[str, str]:
    """Award form code -> name: the built-in names (catalogue messages) and the configured ones."""
    return {**AWARD_FORM_LABELS, **(config.param(session, "document.award_form_labels", default={}) or {})}


def award_label(session: Session, code: str | None) -> str:
    return award_labels(session).get(code or "", code or "")


def reward_policy(session: Session, on: date, *, funding_source: str) -> dict[str, Any]:
    """Base salary, multipliers (households: the individual rate × the household factor) and rounding in force."""
    multipliers = config.param(session, "reward.multipliers", on=on)
    numerator, denominator = config.fraction(config.param(session, "reward.household_factor", on=on,
                                                          default={"numerator": 1, "denominator": 1}))
    labels = award_labels(session)
    rates = []
    for row in multipliers:
        label = labels.get(row["award_code"], row["award_code"])
        rates.append({**row, "label": label})
        if row["subject_kind"] == "individual":
            household = Decimal(str(row["multiplier"])) * numerator / denominator
            rates.append({"award_code": row["award_code"], "subject_kind": "household",
                          "multiplier": str(household), "label": label})
    return {
        "base_salary": int(config.param(session, "reward.base_salary", on=on)),
        "rounding_unit": int(config.param(session, "reward.rounding_unit", on=on, default=1)),
        "funding_source": funding_source,
        "rates": rates,
    }
