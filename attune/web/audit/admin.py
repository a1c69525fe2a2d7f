"""The whole audit log for an admin: read-only (no add, no change, no delete, no bulk action)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from attune.web.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "kind", "account", "account_ref", "actor", "ip", "agent", "target")
    list_filter = ("kind",)
    search_fields = ("account__username", "account_ref", "actor__username", "ip", "target")
    date_hierarchy = "at"
    ordering = ("-at", "-pk")
    list_select_related = ("account", "actor")
    actions = None
    readonly_fields = ("at", "kind", "account", "account_ref", "actor", "ip", "agent", "target", "detail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
