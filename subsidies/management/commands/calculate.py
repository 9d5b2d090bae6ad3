"""`manage.py calculate <policy> --input FILE.json`: the same JSON as POST /api/v1/calculations/<policy>/."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from subsidies.calculators import POLICIES, InputErrors, run


class Command(BaseCommand):
    help = "Calculate a policy from a JSON file of inputs and print the result as the API returns it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("policy", help=", ".join(POLICIES))
        parser.add_argument("--input", required=True, help="A JSON file of inputs; - reads standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        policy = POLICIES.get(options["policy"])
        if policy is None:
            raise CommandError(f"Unknown policy {options['policy']!r}; choose one of: {', '.join(POLICIES)}.")
        path = options["input"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
            data = json.loads(text, parse_float=Decimal)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except ValueError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}.") from None
        try:
            result = run(policy, data)
        except InputErrors as exc:
            errors = [{"field": None if f == "__all__" else f, "message": str(m)} for f, m in exc.errors]
            self.stderr.write(json.dumps({"errors": errors}, ensure_ascii=False))
            raise CommandError("The inputs are not valid.") from None
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
