"""Helpers of the document integration tests: a small diagram that generates a document, decision inputs as
instance data, the DOMAIN B2.5 checks of a produced .docx, and a self-signed signing certificate."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from docx.oxml.ns import qn

from tests.documents.docx_inspection import all_paragraphs, font_problems, open_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CITY_FORM = "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố"
NUMBER_LINE = re.compile(r"^Số: \d{2,}/[A-ZĐ][A-Za-zĐ]*(-[A-ZĐ0-9]+)+$")
PLACE_DATE = re.compile(r"^[^,]+, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$")


def generation_diagram(kind: str = "award_decision", issuer: str | None = "UBND_DN") -> bytes:
    """start → generate_document (service task `issue`) → review (user task) → again? back to issue : end."""
    issuer_param = f'<camunda:property name="param.issuer" value=\'"{issuer}"\' />' if issuer else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="docs_defs" targetNamespace="http://vinhdanh.vn/test">
  <bpmn:process id="doc_gen" name="Sinh văn bản" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="issue" name="Ban hành văn bản" camunda:type="external" camunda:topic="generate_document"
      camunda:resultVariable="issued">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="param.kind" value='"{kind}"' />
        {issuer_param}
      </camunda:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:userTask id="review" name="Xem văn bản"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="again_gw" default="f5"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing><bpmn:outgoing>f5</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="issue" />
    <bpmn:sequenceFlow id="f2" sourceRef="issue" targetRef="review" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="again_gw" />
    <bpmn:sequenceFlow id="f4" sourceRef="again_gw" targetRef="issue">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">again == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="again_gw" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>""".encode()


def decision_inputs(issued_on: str = "2026-01-05", nominees: int = 3) -> dict:
    """The award decision's builder inputs as JSON instance data (the number comes from the register)."""
    people = [
        {"name": "Ủy ban nhân dân phường Hải Châu", "kind": "collective", "award_code": "city_bk",
         "achievement_summary": "Chỉ số chuyển đổi số đạt 92,15 điểm", "proposed_form": CITY_FORM},
        {"name": "Nguyễn Thị Thu Hà", "kind": "individual", "sex": "female", "award_code": "city_bk",
         "position": "Trưởng phòng", "unit": "Ủy ban nhân dân phường Hải Châu", "proposed_form": CITY_FORM},
        {"name": "Trần Văn Đức", "kind": "individual", "sex": "male", "award_code": "city_bk",
         "position": "Chuyên viên", "unit": "Sở Khoa học và Công nghệ", "proposed_form": CITY_FORM},
    ]
    return {
        "meta": {
            "issuer": {"name": "Ủy ban nhân dân thành phố Đà Nẵng", "abbreviation": "UBND"},
            "signer": {"title": "Phó Chủ tịch", "name": "Trần Chí Cường", "delegation": "KT.",
                       "acting_title": "Chủ tịch"},
            "issued_on": issued_on, "place": "Đà Nẵng",
            "recipients": ["Như Điều 3", "Sở Tài chính"], "archive": ["SNV"],
        },
        "authority": "Chủ tịch Ủy ban nhân dân thành phố Đà Nẵng",
        "award_form": CITY_FORM,
        "movement": "phong trào thi đua chuyển đổi số thành phố Đà Nẵng năm 2025",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
                        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"],
        "proposal": "Theo đề nghị của Giám đốc Sở Nội vụ",
        "executors": "Chánh Văn phòng Ủy ban nhân dân thành phố và các tập thể, cá nhân có tên tại Điều 1",
        "reward_policy": {
            "base_salary": 2_340_000, "rounding_unit": 10_000, "funding_source": "Quỹ Thi đua, khen thưởng",
            "rates": [
                {"award_code": "city_bk", "subject_kind": "collective", "multiplier": "3.0", "label": CITY_FORM},
                {"award_code": "city_bk", "subject_kind": "individual", "multiplier": "1.0", "label": CITY_FORM},
            ],
        },
        "nominees": people[:nominees],
    }


def b25_problems(content: bytes, *, numbered: bool = True, recipients: bool = True) -> list[str]:
    """What a produced .docx breaks of DOMAIN B2.5 (page, margins, fonts, number and date lines, "Lưu")."""
    document = open_docx(content)
    problems = list(font_problems(document))
    for section in document.sections:
        page = section._sectPr.find(qn("w:pgSz"))
        if (page.get(qn("w:w")), page.get(qn("w:h"))) != ("11906", "16838"):
            problems.append("page is not A4")
        margins = section._sectPr.find(qn("w:pgMar"))
        ranges = {"top": (1134, 1417), "bottom": (1134, 1417), "left": (1701, 1984), "right": (850, 1134)}
        for side, (low, high) in ranges.items():
            if not low <= int(margins.get(qn(f"w:{side}"))) <= high:
                problems.append(f"{side} margin out of range")
    lines = [p.text.strip() for p in all_paragraphs(document)]
    if numbered and not any(NUMBER_LINE.match(line) for line in lines):
        problems.append("no 'Số: NN/…' line")
    if not any(PLACE_DATE.match(line) for line in lines):
        problems.append("no place-and-date line")
    if recipients:
        kept = [line for line in lines if line.startswith("- Lưu:")]
        if not kept or not kept[-1].startswith("- Lưu: VT"):
            problems.append("no '- Lưu: VT' line")
    return problems


def self_signed_pkcs12(passphrase: bytes) -> tuple[asn1_x509.Certificate, bytes]:
    """A self-signed signing certificate (made for the test, as pyHanko's trust root) and its PKCS#12 bundle."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ủy ban nhân dân thành phố Đà Nẵng"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Trần Chí Cường")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(b"signer", key, cert, None,
                                                   serialization.BestAvailableEncryption(passphrase))
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)), bundle
