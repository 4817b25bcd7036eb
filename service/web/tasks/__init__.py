"""The task pages: the form, drafts, files, comments, sign-off, the diagram and the history."""

from .views import bp

__all__ = ["bp"]
