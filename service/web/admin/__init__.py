"""Process administration pages: processes and versions, the BPMN modeler, lanes and roles.

Only process admins change anything; auditors and system admins read; anyone else gets "not found".
"""

from __future__ import annotations

from flask import Flask

from ...operations.document_templates import can_view_templates
from ...operations.modeling import can_view_processes
from .. import navigation
from ..navigation import NavItem
from . import decisions, document_templates, forms, lanes, migration, monitoring, organisation, processes

__all__ = ["install"]


def install(app: Flask) -> None:
    """Register the admin blueprints and their entry in the navigation."""
    app.register_blueprint(processes.bp)
    app.register_blueprint(lanes.bp)
    app.register_blueprint(monitoring.bp)
    app.register_blueprint(migration.bp)
    app.register_blueprint(decisions.bp)
    app.register_blueprint(forms.bp)
    app.register_blueprint(organisation.bp)
    app.register_blueprint(document_templates.bp)
    navigation.register(app, NavItem("admin_processes.index", "Quy trình · Biểu mẫu · Bảng quyết định", order=80,
                                     visible=can_view_processes))
    navigation.register(app, NavItem("admin_document_templates.index", "Mẫu văn bản", order=81,
                                     visible=can_view_templates))
    navigation.register(app, NavItem("admin_monitoring.index", "Giám sát", order=82, visible=can_view_processes))
    navigation.register(app, NavItem("admin_organisation.index", "Đơn vị · Người dùng · Vai trò", order=84,
                                     visible=organisation.can_see_organisation))
