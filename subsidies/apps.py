from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        # Decisions order their notices (PDF) in the same transaction: subsidies.notices.
        from subsidies.notices import register_hooks

        register_hooks()
