"""A bar chart of a letter's days drawn on the server: SVG that scales to its box (320
px and up), two bars a day (received, confirmed), a label every week. No script, no
third party; the page's table says the same in figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

HEIGHT = 120
DAY_WIDTH = 20
BAR_WIDTH = 8
LABEL_EVERY = 7


@dataclass(frozen=True)
class DayBar:
    day: date
    signed: int
    confirmed: int
    x: int
    signed_y: int
    signed_height: int
    confirmed_y: int
    confirmed_height: int
    label: bool


@dataclass(frozen=True)
class DayChart:
    width: int
    height: int
    tallest: int
    bars: list[DayBar]


def day_chart(days: list[tuple[date, int, int]]) -> DayChart:
    """`days`: (day, received, confirmed), oldest first, one entry per day."""
    tallest = max((max(signed, confirmed) for _day, signed, confirmed in days), default=0)
    scale = HEIGHT / tallest if tallest else 0

    def height(value: int) -> int:
        # A day with any signature shows at least a sliver.
        return max(round(value * scale), 1) if value else 0

    bars = []
    for index, (day, signed, confirmed) in enumerate(days):
        signed_height, confirmed_height = height(signed), height(confirmed)
        bars.append(
            DayBar(
                day=day,
                signed=signed,
                confirmed=confirmed,
                x=index * DAY_WIDTH,
                signed_y=HEIGHT - signed_height,
                signed_height=signed_height,
                confirmed_y=HEIGHT - confirmed_height,
                confirmed_height=confirmed_height,
                label=(len(days) - 1 - index) % LABEL_EVERY == 0,
            )
        )
    return DayChart(width=len(days) * DAY_WIDTH, height=HEIGHT, tallest=tallest, bars=bars)
