"""A small OpenID Connect provider for the sign-in tests, on a free 127.0.0.1 port: discovery, an authorize
endpoint that approves at once (redirects back with a code), a token endpoint that returns an ID token signed
with a key generated for the test run (joserfc, authlib's JOSE library), and the JWKS. Tests choose who signs
in (`identity`) and can make it misbehave (`tamper`: another signing key, another nonce, another audience)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import BaseWSGIServer, make_server

CLIENT_ID = "vinhdanh-test"
CLIENT_SECRET = "provider-test-secret"


@dataclass
class Provider:
    server: BaseWSGIServer
    key: object
    identity: dict = field(default_factory=dict)  # claims about the person signing in
    tamper: set[str] = field(default_factory=set)
    codes: dict[str, dict] = field(default_factory=dict)
    token_requests: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()


def start_provider() -> Provider:
    app = Flask("oidc-test-provider")
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    provider = Provider(server=make_server("127.0.0.1", 0, app, threaded=True), key=key)

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify({
            "issuer": provider.url, "authorization_endpoint": f"{provider.url}/authorize",
            "token_endpoint": f"{provider.url}/token", "jwks_uri": f"{provider.url}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})

    @app.get("/authorize")
    def authorize():
        assert request.args["client_id"] == CLIENT_ID and request.args["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {"nonce": request.args.get("nonce"), "redirect_uri": request.args["redirect_uri"]}
        return redirect(f"{request.args['redirect_uri']}?{urlencode({'code': code, 'state': request.args['state']})}")

    @app.post("/token")
    def token():
        provider.token_requests += 1
        grant = provider.codes.pop(request.form.get("code", ""), None)
        authorized = request.authorization
        if grant is None or authorized is None or (authorized.username, authorized.password) != (CLIENT_ID,
                                                                                              CLIENT_SECRET):
            return jsonify({"error": "invalid_grant"}), 400
        now = int(time.time())
        claims = {"iss": provider.url, "sub": provider.identity.get("sub", "subject-1"), "aud": CLIENT_ID,
                  "iat": now, "exp": now + 300, "nonce": grant["nonce"], **provider.identity}
        signing_key = key
        if "nonce" in provider.tamper:
            claims["nonce"] = "not-the-one-you-sent"
        if "audience" in provider.tamper:
            claims["aud"] = "someone-else"
        if "key" in provider.tamper:
            signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, signing_key)
        return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                        "id_token": id_token})

    @app.get("/jwks")
    def jwks():
        return jsonify({"keys": [key.as_dict(private=False)]})

    threading.Thread(target=provider.server.serve_forever, name="oidc-test-provider", daemon=True).start()
    return provider
