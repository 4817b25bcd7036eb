"""Official documents of the nomination and award process (Decree 30/2020 format).

Pure functions: context builders turn plain data into template contexts, ``render_document`` fills the
.docx templates in document_templates/; service.pdf turns them into (signed) PDFs.
No database or Flask in here.
"""

from service.documents.amounts import (
    amount_in_words,
    cash_reward,
    format_amount,
    format_vnd,
    number_to_vietnamese_words,
)
from service.documents.decision_context import build_award_decision_context, compute_reward_lines
from service.documents.document_data import (
    Confirmation,
    CouncilMeeting,
    CouncilVote,
    DocumentMeta,
    Initiative,
    Issuer,
    Nominee,
    Person,
    PriorAward,
    QuotaRow,
    RewardPolicy,
    RewardRate,
    Section,
    Signer,
)
from service.documents.numbering import format_document_number, format_number_line, format_place_date
from service.documents.rendering import DocumentKind, RenderedDocument, render, render_document
from service.documents.report_contexts import (
    build_collective_report_context,
    build_council_minutes_context,
    build_guidance_context,
    build_individual_report_context,
)
from service.documents.submission_contexts import (
    build_consolidated_submission_context,
    build_home_affairs_submission_context,
    build_state_submission_context,
    build_unit_submission_context,
)

__all__ = [
    "Confirmation",
    "CouncilMeeting",
    "CouncilVote",
    "DocumentKind",
    "DocumentMeta",
    "Initiative",
    "Issuer",
    "Nominee",
    "Person",
    "PriorAward",
    "QuotaRow",
    "RenderedDocument",
    "RewardPolicy",
    "RewardRate",
    "Section",
    "Signer",
    "amount_in_words",
    "build_award_decision_context",
    "build_collective_report_context",
    "build_consolidated_submission_context",
    "build_council_minutes_context",
    "build_guidance_context",
    "build_home_affairs_submission_context",
    "build_individual_report_context",
    "build_state_submission_context",
    "build_unit_submission_context",
    "cash_reward",
    "compute_reward_lines",
    "format_amount",
    "format_document_number",
    "format_number_line",
    "format_place_date",
    "format_vnd",
    "number_to_vietnamese_words",
    "render",
    "render_document",
]
