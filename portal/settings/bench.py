"""Settings for `make bench`: like the tests, but on its own database (portal_bench)."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")

from portal.settings.test import *  # noqa: F403
