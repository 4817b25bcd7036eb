"""The inbox pages: Việc của tôi / Việc của nhóm / Đã xử lý."""

from .views import bp

__all__ = ["bp"]
