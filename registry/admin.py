"""The registry in Django admin, for officers: masked numbers, county scoping, read-only audit logs.

The full ID number and bank account are never shown or searched here; revealing goes through the workbench,
which asks for a reason and logs it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from registry.access import enterprises_for_user, people_for_user, sees_all_counties
from registry.models import (
    AuditEvent,
    BenefitPeriod,
    County,
    Enterprise,
    ImportJob,
    InsuranceYear,
    Person,
    SensitiveAccessLog,
    UnemploymentRegistration,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "valid_from", "valid_to", "wage_tier")


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "residence_county", "birth_date", "sex")
    list_filter = ("residence_county", "sex")
    search_fields = ("name", "phone")
    exclude = ("id_number",)
    readonly_fields = ("id_number_masked",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return people_for_user(request.user)


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "county", "size_class", "on_quality_list", "bank_account_masked")
    list_filter = ("county", "size_class", "on_quality_list")
    search_fields = ("name", "credit_code")
    exclude = ("bank_account",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enterprise]:
        return enterprises_for_user(request.user)


@admin.register(InsuranceYear)
class InsuranceYearAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "insured_at_start", "insured_at_end", "ui_premiums_paid", "in_arrears")
    list_filter = ("year", "in_arrears", "source")
    search_fields = ("enterprise__name", "enterprise__credit_code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[InsuranceYear]:
        return super().get_queryset(request).filter(enterprise__in=enterprises_for_user(request.user))


@admin.register(UnemploymentRegistration)
class UnemploymentRegistrationAdmin(ReadOnlyAdmin):
    list_display = ("person", "residence_county", "registered_on", "status", "ended_on", "end_reason")
    list_filter = ("status", "residence_county")

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnemploymentRegistration]:
        return super().get_queryset(request).filter(person__in=people_for_user(request.user))


@admin.register(BenefitPeriod)
class BenefitPeriodAdmin(ReadOnlyAdmin):
    list_display = ("person", "start_month", "end_month", "source")

    def get_queryset(self, request: HttpRequest) -> QuerySet[BenefitPeriod]:
        return super().get_queryset(request).filter(person__in=people_for_user(request.user))


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "file_name", "status", "created", "updated", "unchanged", "rejected")
    list_filter = ("kind", "status")
    exclude = ("upload",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")
    # Newest first by the primary key (the order rows were written in), so the list needs no index of its own on
    # occurred_at (ADR 0009).
    ordering = ("-id",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        queryset = super().get_queryset(request)
        return queryset if sees_all_counties(request.user) else queryset.none()


@admin.register(SensitiveAccessLog)
class SensitiveAccessLogAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor", "field", "person", "enterprise", "reason")
    list_filter = ("field",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SensitiveAccessLog]:
        queryset = super().get_queryset(request)
        return queryset if sees_all_counties(request.user) else queryset.none()
