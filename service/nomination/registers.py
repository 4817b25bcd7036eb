"""The issuer's yearly document register: numbers from 01 each 1 January, no gaps, no duplicates.

The number comes from one counter row per (issuer, year, series), incremented by a single
`INSERT … ON CONFLICT DO UPDATE … RETURNING` statement: the database serialises concurrent issuers on
that row, and the increment rolls back with the transaction that took it, so a number is either used by
a registered document or never handed out.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..documents.numbering import format_document_number
from ..errors import InvalidState, NotFound
from ..i18n import msg
from ..models import DocumentCounter, OrgUnit, RegisteredDocument, User
from . import config


def next_number(session: Session, *, issuer_id: int, year: int, series: str = "") -> int:
    """Take the next number of the issuer's register for `year` (atomic across concurrent transactions)."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise InvalidState(f"unsupported database {dialect!r}")
    statement = insert(DocumentCounter).values(issuer_org_unit_id=issuer_id, year=year, series=series, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=[DocumentCounter.issuer_org_unit_id, DocumentCounter.year, DocumentCounter.series],
        set_={"last_number": DocumentCounter.last_number + 1},
    ).returning(DocumentCounter.last_number)
    return int(session.execute(statement).scalar_one())


def type_abbreviation(session: Session, document_type: str, *, on: date) -> str:
    abbreviations = config.param(session, "document.type_abbreviations", on=on)
    try:
        return abbreviations[document_type]
    except KeyError:
        raise InvalidState(msg("Chưa cấu hình ký hiệu loại văn bản '{document_type}'.",
                               document_type=document_type)) from None


def register_document(session: Session, *, issuer: OrgUnit, document_type: str, kind: str, issued_on: date,
                      subject: str = "", series: str = "", actor: User | None = None, round_id: int | None = None,
                      dossier_id: int | None = None, instance_id: int | None = None) -> RegisteredDocument:
    """Number a document from the issuer's register for the year of `issued_on` and record it."""
    if not issuer.abbreviation:
        raise InvalidState(msg("Đơn vị {code} chưa có chữ viết tắt dùng trong ký hiệu văn bản.", code=issuer.code))
    type_abbr = type_abbreviation(session, document_type, on=issued_on)
    number = next_number(session, issuer_id=issuer.id, year=issued_on.year, series=series)
    document = RegisteredDocument(
        issuer_org_unit_id=issuer.id, issuer_name=issuer.name, year=issued_on.year, series=series, number=number,
        type_abbr=type_abbr, kind=kind, symbol=format_document_number(number, type_abbr, _symbol_issuer(issuer)),
        subject=subject[:1000], issued_on=issued_on, round_id=round_id, dossier_id=dossier_id,
        instance_id=instance_id, issued_by_id=actor.id if actor else None,
    )
    session.add(document)
    session.flush()
    return document


def _symbol_issuer(issuer: OrgUnit) -> str:
    # Abbreviations may carry Vietnamese capitals (SGDĐT, TĐKT); a mixed-case one (SNgV) is printed upper case.
    return issuer.abbreviation.upper()


def list_register(session: Session, *, issuer_code: str | None = None, year: int | None = None,
                  document_type: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[RegisteredDocument], int]:
    """Registered documents, newest first, filtered by issuer, year and type abbreviation."""
    query = select(RegisteredDocument)
    if issuer_code:
        issuer = session.scalar(select(OrgUnit).where(OrgUnit.code == issuer_code))
        if issuer is None:
            raise NotFound(msg("Không tìm thấy đơn vị."))
        query = query.where(RegisteredDocument.issuer_org_unit_id == issuer.id)
    if year:
        query = query.where(RegisteredDocument.year == year)
    if document_type:
        query = query.where(RegisteredDocument.type_abbr == document_type)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(RegisteredDocument.year.desc(), RegisteredDocument.number.desc())
                           .limit(limit).offset(offset))
    return list(rows), total
