"""Public notice pages, without sign-in: the open notices, each list of nominees, the comment form."""

from .views import bp

__all__ = ["bp"]
