"""Settings, read from the environment here and nowhere else."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _secret_key() -> str:
    """SECRET_KEY, or one generated once and kept in instance/ so tokens survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass
class SmtpSettings:
    """Where notification e-mail goes: SMTP_HOST, SMTP_PORT, SMTP_TLS (none | starttls | ssl),
    SMTP_USER / SMTP_PASSWORD, SMTP_SENDER; PUBLIC_BASE_URL starts the links in the messages."""

    host: str | None = None
    port: int = 25
    tls: str = "starttls"
    user: str | None = None
    password: str | None = None
    sender: str = "vinhdanh@localhost"
    base_url: str = "http://127.0.0.1:5000"
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> SmtpSettings:
        tls = os.environ.get("SMTP_TLS", "starttls")
        if tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"SMTP_TLS must be none, starttls or ssl, not {tls!r}")
        return cls(host=os.environ.get("SMTP_HOST") or None, port=int(os.environ.get("SMTP_PORT", "25")), tls=tls,
                   user=os.environ.get("SMTP_USER") or None, password=os.environ.get("SMTP_PASSWORD") or None,
                   sender=os.environ.get("SMTP_SENDER", "vinhdanh@localhost"),
                   base_url=os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"))


OIDC_DEFAULT_LABEL = "Đăng nhập bằng tài khoản một cửa"


@dataclass
class OidcSettings:
    """Sign-in through the city's OpenID Connect provider, for cities with central identity. Off unless
    OIDC_ISSUER (or OIDC_DISCOVERY_URL) and OIDC_CLIENT_ID are set. OIDC_CLIENT_SECRET; OIDC_CLAIM names
    the ID-token claim that identifies the person (preferred_username by default) and OIDC_MATCH says which
    local field it must equal (username or email); OIDC_SCOPES; OIDC_BUTTON_LABEL is the sign-in button."""

    issuer: str | None = None
    discovery_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    claim: str = "preferred_username"
    match: str = "username"
    scopes: str = "openid profile email"
    button_label: str = OIDC_DEFAULT_LABEL

    @property
    def configured(self) -> bool:
        return bool((self.issuer or self.discovery_url) and self.client_id)

    @property
    def metadata_url(self) -> str | None:
        if self.discovery_url:
            return self.discovery_url
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration" if self.issuer else None

    @classmethod
    def from_env(cls) -> OidcSettings:
        match = os.environ.get("OIDC_MATCH", "username")
        if match not in ("username", "email"):
            raise ValueError(f"OIDC_MATCH must be username or email, not {match!r}")
        return cls(issuer=os.environ.get("OIDC_ISSUER") or None,
                   discovery_url=os.environ.get("OIDC_DISCOVERY_URL") or None,
                   client_id=os.environ.get("OIDC_CLIENT_ID") or None,
                   client_secret=os.environ.get("OIDC_CLIENT_SECRET") or None,
                   claim=os.environ.get("OIDC_CLAIM") or "preferred_username", match=match,
                   scopes=os.environ.get("OIDC_SCOPES") or "openid profile email",
                   button_label=os.environ.get("OIDC_BUTTON_LABEL") or OIDC_DEFAULT_LABEL)


@dataclass
class Settings:
    database_url: str = "sqlite:///instance/app.db"
    host: str = "127.0.0.1"
    port: int = 5000
    admin_password: str | None = None
    demo_data: bool = False
    secret_key: str = ""
    token_max_age: int = 8 * 3600
    max_content_length: int = 20 * 1024 * 1024
    timer_interval: float = 1.0
    # `make run`'s server (Granian): worker processes x Python threads each (SQLite: one process, its
    # writes serialize anyway).
    web_workers: int = 1
    web_threads: int = 4
    # PDF conversion of generated documents in a background thread after commit (off: the worker loop does it).
    pdf_background: bool = False
    # Conversions in flight per process (one LibreOffice each); None: one per core, at most four.
    pdf_converters: int | None = None
    # PAdES signing of issued decisions: a PKCS#12 file and its passphrase (unset: PDFs stay unsigned).
    signing_pkcs12_path: str | None = None
    signing_passphrase: str | None = None
    # E-mail of notifications (unset host: nothing is sent, the outbox keeps the rows).
    smtp: SmtpSettings = field(default_factory=lambda: SmtpSettings())
    # Sign-in through an OpenID Connect provider (unset: the password form only).
    oidc: OidcSettings = field(default_factory=lambda: OidcSettings())
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        url = os.environ.get("DATABASE_URL", "sqlite:///instance/app.db")
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and ":memory:" not in url:
            # Relative SQLite paths are relative to the project, not to the working directory.
            relative = url[len("sqlite:///"):]
            (PROJECT_ROOT / relative).parent.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{PROJECT_ROOT / relative}"
        settings = cls(
            database_url=url,
            host=os.environ.get("HOST", "127.0.0.1"),
            port=int(os.environ.get("PORT", "5000")),
            admin_password=os.environ.get("ADMIN_PASSWORD") or None,
            demo_data=os.environ.get("DEMO_DATA", "0") == "1",
            secret_key=_secret_key(),
            token_max_age=int(os.environ.get("TOKEN_MAX_AGE", str(8 * 3600))),
            max_content_length=int(os.environ.get("MAX_CONTENT_LENGTH", str(20 * 1024 * 1024))),
            pdf_background=os.environ.get("PDF_BACKGROUND", "1") == "1",
            web_workers=int(os.environ.get("WEB_WORKERS") or _default_workers(url)),
            web_threads=int(os.environ.get("WEB_THREADS", "4")),
            pdf_converters=pdf_converters_from_env(),
            **signing_from_env(),
            smtp=SmtpSettings.from_env(),
            oidc=OidcSettings.from_env(),
        )
        for key, value in overrides.items():
            setattr(settings, key, value)
        return settings


def _default_workers(url: str) -> int:
    """One process on SQLite (one writer at a time); one per core on a server database."""
    return 1 if url.startswith("sqlite") else max(1, os.cpu_count() or 1)
def pdf_converters_from_env() -> int | None:
    """PDF_CONVERTERS (also for the worker command): conversions in flight per process."""
    value = os.environ.get("PDF_CONVERTERS")
    return int(value) if value else None


def signing_from_env() -> dict[str, str | None]:
    """SIGNING_PKCS12_PATH / SIGNING_PASSPHRASE (also for the worker command, which has no Settings)."""
    return {
        "signing_pkcs12_path": os.environ.get("SIGNING_PKCS12_PATH") or None,
        "signing_passphrase": os.environ.get("SIGNING_PASSPHRASE") or None,
    }
