from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from portal.models import ServiceOffice, User

# The admin is back office: same two-factor rule as the workbench (the middleware also guards /admin/).
admin.site.__class__ = OTPAdminSite
admin.site.site_header = _("Tacheng employment portal administration")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Portal"), {"fields": ("phone", "county")}))
    list_display = ("username", "email", "county", "is_active", "is_staff")
    list_filter = ("groups", "county", "is_active")


@admin.register(ServiceOffice)
class ServiceOfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "phone", "complaints_phone", "is_sample")
