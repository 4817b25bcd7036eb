import io
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from service.pdf.pades import PdfSigningError, sign_pdf

PASSPHRASE = b"mat-khau-thu"


@pytest.fixture(scope="module")
def certificate():
    """A self-signed signing certificate and its PKCS#12 bundle, made for this test."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ủy ban nhân dân thành phố Đà Nẵng"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Trần Chí Cường"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, None, serialization.BestAvailableEncryption(PASSPHRASE)
    )
    return cert, bundle


def blank_pdf() -> bytes:
    writer = PdfFileWriter()
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
            generic.NameObject("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_signed_pdf_validates_with_pyhanko(certificate):
    cert, bundle = certificate
    signed = sign_pdf(
        blank_pdf(),
        pkcs12_bytes=bundle,
        passphrase=PASSPHRASE.decode(),
        reason="Ký ban hành Quyết định",
        location="Đà Nẵng",
    )
    reader = PdfFileReader(io.BytesIO(signed))
    assert len(reader.embedded_signatures) == 1
    signature = reader.embedded_signatures[0]
    trust = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[trust]))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    assert signature.sig_object["/Reason"] == "Ký ban hành Quyết định"
    assert signature.sig_object["/Location"] == "Đà Nẵng"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_a_changed_pdf_no_longer_validates(certificate):
    cert, bundle = certificate
    signed = bytearray(sign_pdf(blank_pdf(), pkcs12_bytes=bundle, passphrase=PASSPHRASE, reason="r", location="l"))
    index = signed.index(b"/MediaBox")
    signed[index + 12 : index + 13] = b"9" if signed[index + 12 : index + 13] != b"9" else b"8"
    reader = PdfFileReader(io.BytesIO(bytes(signed)), strict=False)
    trust = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    status = validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=[trust]))
    assert not status.intact


def test_wrong_passphrase_is_refused(certificate):
    _, bundle = certificate
    with pytest.raises(PdfSigningError):
        sign_pdf(blank_pdf(), pkcs12_bytes=bundle, passphrase="sai", reason="r", location="l")
