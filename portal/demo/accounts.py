"""The demo accounts' shared password (synthetic; printed by `seed_demo` for newcomers)."""

DEMO_PASSWORD = "Demo-2019-Tacheng"  # noqa: S105 - a demo password, printed for newcomers
