"""Cases, public notices and the holiday calendar in Django admin.

Cases and lists are read-only here: their state changes only through subsidies.cases services (audit rows, locks).
The holiday calendar is edited here by prefecture officers (portal.publish_notice), who publish the lists whose
periods it shapes. Case admin is also the comparison of the workbench queue benchmark (bench/bench_queue.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from registry.permissions import ACCESS_WORKBENCH, PUBLISH_LIST
from subsidies.cases.queue import cases_visible_to
from subsidies.models import CalendarDay, Case, Objection, PublicNotice, PublicNoticeEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(ACCESS_WORKBENCH) or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "state", "county", "enterprise", "calculated_amount", "submitted_at")
    list_filter = ("county", "state", "kind")
    search_fields = ("reference",)
    list_select_related = ("county", "enterprise")
    exclude = ("bank_account", "submission_token")
    show_full_result_count = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return cases_visible_to(request.user)


class EntryInline(admin.TabularInline):
    model = PublicNoticeEntry
    extra = 0
    can_delete = False
    readonly_fields = ("case", "withdrawn")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "county", "state", "starts_on", "ends_on")
    list_filter = ("state", "kind", "county")
    inlines = [EntryInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("notice", "entry", "state", "created_at", "resolved_at")
    list_filter = ("state",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Public holidays and worked weekend days (调休): the working-day arithmetic of notice periods reads them."""

    list_display = ("day", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("name",)

    def _officer(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PUBLISH_LIST)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._officer(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._officer(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._officer(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._officer(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._officer(request) or super().has_delete_permission(request, obj)
