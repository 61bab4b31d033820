"""How a value is written as text in a cell, on a report page and in every download. Pure:
template filters use it, so it imports nothing that could query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def cell_text(value) -> str:
    """A value as text: the one way a cell is written, on a report page and in every CSV."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
