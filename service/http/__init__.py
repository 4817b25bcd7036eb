"""Request plumbing shared by every HTTP front end (the JSON API under /api and the web pages).

One database session and one transaction per request, committed at the edge; the principal of the
request (a bearer token under /api, the session cookie on the pages — both end in the same User);
the request's locale; and one table from domain errors to HTTP statuses, rendered as JSON under
/api and as HTML pages elsewhere.
"""

from __future__ import annotations

from .install import install
from .principal import current_user, optional_user, sign_in, sign_out
from .transaction import db

__all__ = ["current_user", "db", "install", "optional_user", "sign_in", "sign_out"]
