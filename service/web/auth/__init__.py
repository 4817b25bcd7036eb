"""Sign-in (password, or the city's OpenID Connect provider when configured), sign-out, change of password and
the page language."""

from . import oidc  # noqa: F401 - adds the provider's routes to the blueprint
from .views import bp

__all__ = ["bp"]
