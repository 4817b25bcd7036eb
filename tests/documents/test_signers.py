"""The signature block follows from the issuer's kind and the signer's position (Decree 30/2020 Art. 13)."""

from __future__ import annotations

import pytest

from service.documents.context_blocks import signature_lines
from service.documents.document_data import Signer
from service.models import OrgUnit
from service.nomination.documents.signers import printable, signature

CITY = OrgUnit(code="UBND_DN", name="Ủy ban nhân dân thành phố Đà Nẵng", kind="city_peoples_committee")
WARD = OrgUnit(code="P_HC", name="Ủy ban nhân dân phường Hải Châu", kind="commune_peoples_committee")
DEPARTMENT = OrgUnit(code="STC", name="Sở Tài chính", kind="department")
OFFICE = OrgUnit(code="VPUBND", name="Văn phòng Ủy ban nhân dân thành phố", kind="department")
ENTERPRISE = OrgUnit(code="DN", name="Công ty Cổ phần Phần mềm Sông Hàn", kind="enterprise")


@pytest.mark.parametrize(("unit", "position", "personal", "lines"), [
    (CITY, "head", True, ["CHỦ TỊCH"]),  # the Chairman's own decision
    (CITY, "deputy", True, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    (CITY, "head", False, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),  # the People's Committee's submission
    (CITY, "deputy", False, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    (WARD, "head", False, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    (DEPARTMENT, "head", False, ["GIÁM ĐỐC"]),
    (DEPARTMENT, "deputy", False, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    (OFFICE, "head", False, ["CHÁNH VĂN PHÒNG"]),
    (ENTERPRISE, "head", False, ["GIÁM ĐỐC"]),
])
def test_authority_lines(unit, position, personal, lines):
    block = signature(unit, position, "Nguyễn Văn A", personal=personal)
    assert signature_lines(Signer(**printable(block))) == lines
    assert block["name"] == "Nguyễn Văn A"
