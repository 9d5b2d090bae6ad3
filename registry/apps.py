from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Real-name registry")

    def ready(self) -> None:
        # Register the Celery tasks in every process: services send them by name (registry.imports.RUN_TASK).
        from registry import tasks  # noqa: F401
