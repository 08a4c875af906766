"""Money as Frameline writes it: decimal strings with at least two places, never floats."""

from __future__ import annotations

import re
from decimal import Decimal

from tools.ledger import from_micros

MONEY = re.compile(r"^(?P<sign>-?)(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d{1,6}))?$")
CENTS = Decimal("0.01")


def money(value: Decimal) -> str:
    """A decimal string with at least two places and no exponent: 2500.00, 0.05, 0.001234."""
    if value == 0:
        return "0.00"
    whole, _, fraction = format(value, "f").partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


def parse_money(text: str) -> Decimal | None:
    """A CSV amount (1234.5, 1,234.50, (200.00) for a negative) or None when it is no number."""
    text = text.strip().replace(" ", "")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    match = MONEY.match(text)
    if match is None:
        return None
    digits = match["whole"].replace(",", "") + "." + (match["fraction"] or "0")
    return Decimal(match["sign"] + digits)


def dec(micros: int | None) -> Decimal:
    """Millionths from SQL (None for an empty sum) as a Decimal."""
    return from_micros(int(micros or 0))
