"""Sign-in through an OpenID Connect provider (authlib), for cities with central identity.

Only when OIDC_* settings are given (service/config.py OidcSettings); otherwise these routes answer "not found"
and the sign-in page shows the password form alone. The provider's ID token is verified by authlib (signature
against the provider's JWKS, issuer, audience, expiry, and the nonce bound to this browser's state); the
identity is then matched to an existing, enabled local user (service/operations/external_sign_in.py), which
is audited. The password sign-in and its throttle are untouched.
"""

from __future__ import annotations

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from requests import RequestException

from ...config import OIDC_DEFAULT_LABEL, OidcSettings
from ...errors import AuthenticationFailed, NotFound
from ...http import db, sign_in
from ...http.locale import request_locale
from ...i18n import msg, translate
from ...operations import external_sign_in
from ..access import safe_next
from .views import bp

CLIENT_NAME = "city_identity"
_EXTENSION = "vinhdanh_oidc"
_NEXT = "oidc_next"
PROVIDER_FAILED = msg("Không đăng nhập được qua tài khoản một cửa. Vui lòng thử lại hoặc đăng nhập bằng mật khẩu.")


def _settings(app: Flask) -> OidcSettings:
    return app.extensions["vinhdanh"].settings.oidc


@bp.record_once
def _register_client(state) -> None:
    """The provider's client, once per app, when the settings name a provider."""
    settings = _settings(state.app)
    if not settings.configured:
        return
    oauth = OAuth(state.app)
    oauth.register(CLIENT_NAME, server_metadata_url=settings.metadata_url, client_id=settings.client_id,
                   client_secret=settings.client_secret, client_kwargs={"scope": settings.scopes})
    state.app.extensions[_EXTENSION] = oauth


def _client():
    oauth = current_app.extensions.get(_EXTENSION)
    if oauth is None:
        raise NotFound(msg("Không tìm thấy trang."))
    return oauth.create_client(CLIENT_NAME)


@bp.app_context_processor
def _sign_in_button() -> dict:
    settings = _settings(current_app)
    if not settings.configured:
        return {"oidc_label": None}
    label = settings.button_label
    if label == OIDC_DEFAULT_LABEL:
        label = translate(msg("Đăng nhập bằng tài khoản một cửa"), request_locale())
    return {"oidc_label": label}


@bp.get("/login/oidc")
def oidc_start():
    """Off to the provider, with a fresh state and nonce kept in this browser's session."""
    client = _client()
    next_url = safe_next(request.args.get("next"))
    if next_url:
        session[_NEXT] = next_url
    try:  # the provider's discovery document is read on first use
        return client.authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except (OAuthError, RequestException, ValueError):
        return _refused(PROVIDER_FAILED, 503)


def _refused(message, status: int = 401):
    return render_template("auth/login.html", next_url=session.get(_NEXT), username="",
                           error=translate(message, request_locale())), status


@bp.get("/login/oidc/callback")
def oidc_callback():
    """Back from the provider: check the state, trade the code, verify the ID token, sign the user in."""
    client = _client()
    settings = _settings(current_app)
    if request.args.get("error"):
        return _refused(PROVIDER_FAILED)
    try:
        token = client.authorize_access_token()
    except (OAuthError, JoseError, RequestException, ValueError):
        return _refused(PROVIDER_FAILED)
    claims = token.get("userinfo")
    if "id_token" not in token or not claims:  # an answer without a verified ID token proves nobody
        return _refused(PROVIDER_FAILED)
    value = claims.get(settings.claim)
    if settings.match == "email" and claims.get("email_verified") is False:
        value = None  # an address the provider has not verified names nobody
    session_ = db()
    try:
        user = external_sign_in.sign_in_with_identity(
            session_, issuer=str(claims.get("iss")), subject=str(claims.get("sub")),
            value=str(value) if value is not None else None, match=settings.match)
    except AuthenticationFailed as exc:
        session_.commit()  # the refusal stays in the audit trail although the page answers with an error
        return _refused(exc.message)
    next_url = session.pop(_NEXT, None)
    sign_in(user, external=True)  # no local password was used: a pending password change does not hold it
    return redirect(next_url or url_for("auth.home"))
