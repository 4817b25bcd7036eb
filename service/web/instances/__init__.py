"""The instance pages: state, diagram, history, documents and files, data view."""

from .views import bp

__all__ = ["bp"]
