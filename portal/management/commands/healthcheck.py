"""python manage.py healthcheck [--only database|cache|broker|worker|beat]: the /healthz checks, for container
healthchecks (docker-compose.yml): prints the result as JSON, exits 0 if healthy, 1 if not."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.views.public.health import health_checks


class Command(BaseCommand):
    help = "Run the /healthz checks here (exit 1 if one fails); --only beat checks beat's heartbeat alone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", choices=["database", "cache", "broker", "worker", "beat"])

    def handle(self, *args: Any, **options: Any) -> None:
        healthy, checks = health_checks(options["only"])
        self.stdout.write(json.dumps(checks, ensure_ascii=False))
        if not healthy:
            raise CommandError("unhealthy", returncode=1)
