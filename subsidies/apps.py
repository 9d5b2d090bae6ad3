from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        # The one table of what each kind of case does in the shared workflow (docs/adr/0007).
        from subsidies.cases import rules
        from subsidies.kinds import KINDS

        rules.install(KINDS)
        # Register the Celery tasks in every process: the document outbox sends them by name.
        from subsidies import tasks  # noqa: F401
