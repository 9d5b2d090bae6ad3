"""One line per figure against its aim (issue 17's table), so `make bench` reads as a checklist.

    report("registry import rows/s", 31_200, ">= 25,000 rows/s", met=31_200 >= 25_000, unit="rows/s")

prints

    [aim met] registry import rows/s: 31,200 rows/s (aim >= 25,000 rows/s)

Figures without an aim are printed by the benchmarks as plain lines; nothing here asserts anything.
"""

from __future__ import annotations


def _format(value: float) -> str:
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 100):
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"


def report(label: str, value: float, aim: str, *, met: bool, unit: str = "") -> None:
    """Print `label: value unit (aim ...)` prefixed by whether the aim is met."""
    shown = f"{_format(value)} {unit}".strip()
    status = "aim met" if met else "aim NOT met"
    print(f"   [{status}] {label}: {shown} (aim {aim})", flush=True)
