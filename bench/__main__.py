"""`make bench`: run every bench/bench_*.py (each has main()) and print its figures. Never asserts a time."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import time

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")
    django.setup()
    import bench

    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    only = set(sys.argv[1:])
    if len(only) != 1:
        # One process per benchmark, so that peak memory and caches of one do not show in the next.
        for name in names:
            if not only or name in only:
                subprocess.run([sys.executable, "-m", "bench", name], check=True)
        return 0
    for name in names:
        if name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
