"""Sign-in, sign-out, change of password and the page language."""

from .views import bp

__all__ = ["bp"]
