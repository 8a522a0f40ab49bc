"""Words for people, shared by what a fan or a reviewer reads (the dashboard, the report, `make diff`): a published
cell's name and a position as an ordinal. Light on purpose (no pandas): `make diff` imports it too."""

from __future__ import annotations

MEASURE_WORDS = {"total_points": "Total points", "position_label": "Position", "display_order": "Row in the table"}


def measure_text(measure: str) -> str:
    """A published cell's measure as a reader names it: round_8_points -> 'Round 8 points'."""
    if measure.startswith("round_") and measure.endswith("_points"):
        return f"Round {measure.removeprefix('round_').removesuffix('_points')} points"
    return MEASURE_WORDS.get(measure, measure)


def ordinal(number: int) -> str:
    """1 -> '1st', 12 -> '12th', 22 -> '22nd'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
