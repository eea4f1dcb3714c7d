"""A tile map of the world drawn on the server: one square per country, placed near
its real position (approximate centroids below, rounded to whole degrees), with
collisions pushed to the nearest free square. No tiles, no outlines, no third party."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from django_countries import countries

# ISO code, latitude, longitude: approximate geographic centres, whole degrees.
CENTROIDS = """
AD 43 2|AE 24 54|AF 34 66|AG 17 -62|AL 41 20|AM 40 45|AO -12 18|AR -35 -65|AT 47 14|AU -25 134|AZ 40 48|
BA 44 18|BB 13 -60|BD 24 90|BE 51 4|BF 12 -2|BG 43 25|BH 26 51|BI -3 30|BJ 9 2|BN 4 115|BO -17 -65|BR -10 -52|
BS 24 -76|BT 27 90|BW -22 24|BY 53 28|BZ 17 -89|CA 60 -96|CD -3 23|CF 7 21|CG -1 15|CH 47 8|CI 8 -5|CL -35 -71|
CM 6 12|CN 35 103|CO 4 -73|CR 10 -84|CU 22 -79|CV 16 -24|CY 35 33|CZ 50 15|DE 51 10|DJ 12 43|DK 56 10|DM 15 -61|
DO 19 -70|DZ 28 3|EC -2 -78|EE 59 25|EG 27 30|ER 15 39|ES 40 -4|ET 9 39|FI 64 26|FJ -18 178|FM 7 158|FR 46 2|
GA -1 12|GB 54 -2|GD 12 -62|GE 42 43|GH 8 -1|GM 13 -15|GN 10 -11|GQ 2 10|GR 39 22|GT 15 -90|GW 12 -15|GY 5 -59|
HN 15 -87|HR 45 16|HT 19 -72|HU 47 20|ID -2 118|IE 53 -8|IL 31 35|IN 22 79|IQ 33 44|IR 32 54|IS 65 -18|IT 43 12|
JM 18 -77|JO 31 36|JP 36 138|KE 0 38|KG 41 75|KH 13 105|KI 1 173|KM -12 44|KN 17 -63|KP 40 127|KR 36 128|KW 29 48|
KZ 48 67|LA 18 103|LB 34 36|LC 14 -61|LI 47 10|LK 8 81|LR 6 -9|LS -30 28|LT 55 24|LU 50 6|LV 57 25|LY 27 17|
MA 32 -6|MC 44 7|MD 47 29|ME 43 19|MG -19 47|MH 7 171|MK 42 22|ML 17 -4|MM 21 96|MN 47 104|MR 20 -10|MT 36 14|
MU -20 58|MV 3 73|MW -13 34|MX 23 -102|MY 4 102|MZ -18 35|NA -22 17|NE 17 9|NG 9 8|NI 13 -85|NL 52 5|NO 62 10|
NP 28 84|NR -1 167|NZ -41 174|OM 21 57|PA 9 -80|PE -10 -76|PG -6 145|PH 12 122|PK 30 70|PL 52 19|PS 32 35|
PT 40 -8|PW 7 134|PY -23 -58|QA 25 51|RO 46 25|RS 44 21|RU 60 95|RW -2 30|SA 24 45|SB -9 160|SC -5 55|SD 15 30|
SE 62 15|SG 1 104|SI 46 15|SK 49 19|SL 9 -12|SM 44 12|SN 14 -14|SO 6 46|SR 4 -56|SS 7 30|ST 0 7|SV 14 -89|
SY 35 38|SZ -27 31|TD 15 19|TG 8 1|TH 15 101|TJ 39 71|TL -9 126|TM 39 59|TN 34 9|TO -21 -175|TR 39 35|TT 11 -61|
TV -8 178|TW 24 121|TZ -6 35|UA 49 32|UG 1 32|US 39 -98|UY -33 -56|UZ 41 64|VA 42 12|VC 13 -61|VE 7 -66|VN 16 107|
VU -16 167|WS -14 -172|XK 43 21|YE 15 48|ZA -29 24|ZM -14 28|ZW -19 30|HK 22 114|PR 18 -66|GL 72 -40|TW 24 121
"""

COLUMNS = 60
ROWS = 26
TILE = 16
GAP = 2


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    x: int
    y: int
    members: int


@dataclass(frozen=True)
class TileMap:
    width: int
    height: int
    tiles: list[Tile]
    unplaced: list[tuple[str, int]]


def _parse() -> dict[str, tuple[float, float]]:
    points = {}
    for item in CENTROIDS.replace("\n", "").split("|"):
        if item.strip():
            code, lat, lon = item.split()
            points[code] = (float(lat), float(lon))
    return points


def _spiral(col: int, row: int):
    yield col, row
    for radius in range(1, max(COLUMNS, ROWS)):
        ring = [
            (col + dx, row + dy)
            for dx in range(-radius, radius + 1)
            for dy in range(-radius, radius + 1)
            if max(abs(dx), abs(dy)) == radius
        ]
        ring.sort(key=lambda cell: (math.hypot(cell[0] - col, cell[1] - row), cell[1], cell[0]))
        yield from ring


@lru_cache(maxsize=1)
def layout() -> dict[str, tuple[int, int]]:
    """Each country's square, computed once. Countries far from crowded regions are
    placed first, so small dense regions (Europe) spread out instead of displacing
    the rest of the world."""
    points = _parse()
    cells: dict[str, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    # Latitude runs 75°N to 55°S across ROWS; longitude 180° across COLUMNS.
    wanted = {
        code: (round((lon + 180) / 360 * (COLUMNS - 1)), round((75 - lat) / 130 * (ROWS - 1)))
        for code, (lat, lon) in points.items()
    }
    crowd = {code: sum(1 for other in wanted.values() if other == cell) for code, cell in wanted.items()}
    for code in sorted(wanted, key=lambda c: (crowd[c], c)):
        for col, row in _spiral(*wanted[code]):
            if 0 <= col < COLUMNS and 0 <= row < ROWS and (col, row) not in taken:
                cells[code] = (col, row)
                taken.add((col, row))
                break
    return cells


def tile_map(member_counts: dict[str, int]) -> TileMap:
    cells = layout()
    tiles = [
        Tile(
            code=code,
            name=str(countries.name(code) or code),
            x=col * (TILE + GAP),
            y=row * (TILE + GAP),
            members=member_counts.get(code, 0),
        )
        for code, (col, row) in sorted(cells.items())
    ]
    unplaced = [(code, n) for code, n in member_counts.items() if code not in cells]
    return TileMap(width=COLUMNS * (TILE + GAP), height=ROWS * (TILE + GAP), tiles=tiles, unplaced=unplaced)
