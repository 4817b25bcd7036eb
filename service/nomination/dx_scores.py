"""DX index editions and yearly scores: import (all-or-nothing) and the score the eligibility rule reads."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import NotFound, PermissionDenied
from ..i18n import msg
from ..models import DxIndexEdition, DxScore, OrgUnit, User
from ..operations import audit
from ..reference.dx_index import DxEdition, parse_dx_scores
from ..reference.tabular import TableSource
from . import permissions
from .reference_import import raise_on_errors


def edition_rule(edition: DxIndexEdition) -> DxEdition:
    return DxEdition(edition.decision_number, scale=edition.scale, bands=[tuple(band) for band in edition.bands])


def get_edition(session: Session, decision_number: str | None = None) -> DxIndexEdition:
    """The named edition, or the latest in force."""
    query = select(DxIndexEdition)
    query = query.where(DxIndexEdition.decision_number == decision_number) if decision_number \
        else query.order_by(DxIndexEdition.valid_from.desc())
    edition = session.scalar(query.limit(1))
    if edition is None:
        raise NotFound(msg("Không tìm thấy bộ chỉ số."))
    return edition


def list_editions(session: Session) -> list[DxIndexEdition]:
    return list(session.scalars(select(DxIndexEdition).order_by(DxIndexEdition.valid_from)))


def import_scores(session: Session, *, actor: User, source: TableSource,
                  edition_number: str | None = None) -> dict:
    """Replace the edition's scores for the years in the file; nothing is stored when any row is wrong."""
    if not permissions.can_import_reference_data(actor):
        raise PermissionDenied(msg("Chỉ quản trị hệ thống được nhập dữ liệu."))
    edition = get_edition(session, edition_number)
    units = dict(session.execute(select(OrgUnit.code, OrgUnit.id)).all())
    result = parse_dx_scores(source, edition=edition_rule(edition), known_org_unit_codes=units)
    raise_on_errors(result)
    years = sorted({row.year for row in result.rows})
    session.execute(delete(DxScore).where(DxScore.edition_id == edition.id, DxScore.year.in_(years)))
    for row in result.rows:
        session.add(DxScore(edition_id=edition.id, year=row.year, org_unit_id=units[row.org_unit_code],
                            score=row.score, rank=row.rank, band=row.band, group=row.group))
    session.flush()
    audit.record(session, action="dx_scores.imported", actor=actor.username,
                 details={"edition": edition.decision_number, "years": years, "rows": len(result.rows)})
    return {"edition": edition.decision_number, "years": years, "imported": len(result.rows),
            "warnings": [asdict(warning) for warning in result.warnings]}


def list_scores(session: Session, *, year: int | None = None, edition_number: str | None = None,
                limit: int = 500, offset: int = 0) -> tuple[list[DxScore], int]:
    query = select(DxScore)
    if year:
        query = query.where(DxScore.year == year)
    if edition_number:
        query = query.join(DxIndexEdition).where(DxIndexEdition.decision_number == edition_number)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(DxScore.year.desc(), DxScore.score.desc()).limit(limit).offset(offset))
    return list(rows), total


def score_for(session: Session, org_unit_id: int, year: int) -> tuple[Decimal, int, str] | None:
    """The unit's latest score for a year up to `year` (newest edition first): (score, year, edition)."""
    row = session.execute(
        select(DxScore.score, DxScore.year, DxIndexEdition.decision_number)
        .join(DxIndexEdition, DxIndexEdition.id == DxScore.edition_id)
        .where(DxScore.org_unit_id == org_unit_id, DxScore.year <= year)
        .order_by(DxScore.year.desc(), DxIndexEdition.valid_from.desc()).limit(1)
    ).first()
    return (row.score, row.year, row.decision_number) if row else None
