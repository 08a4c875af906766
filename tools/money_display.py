"""Money as people read it: rounded to the currency's minor unit, with thousands separators.

The ledger and every JSON document keep full precision (`tools.budget.money`); a handout, a
terminal table, a Slack message or a web page shows `1,234.57 USD` rather than `0.000059`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

MINOR_UNITS = {
    "BHD": 3,
    "CLP": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "OMR": 3,
    "TND": 3,
    "UGX": 0,
    "VND": 0,
}
"""ISO 4217 currencies whose minor unit is not hundredths; every other currency has two places."""


def minor_unit(currency: str) -> int:
    """How many decimal places the currency's smallest coin has (2 unless ISO 4217 says not)."""
    return MINOR_UNITS.get(currency.strip().upper(), 2)


def round_money(value: Decimal | str | int, currency: str) -> Decimal:
    """The amount rounded half even to the currency's minor unit (a bad amount is a ValueError)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount of money") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount of money")
    rounded = amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_EVEN)
    return rounded + 0  # turns -0.00 into 0.00


def display_money(value: Decimal | str | int, currency: str, *, code: bool = True) -> str:
    """`1,234.57 USD`, `1,235 JPY`: the one way money is shown to people."""
    text = f"{round_money(value, currency):,}"
    return f"{text} {currency.upper()}" if code else text


def display_estimate(value: Decimal | str | int, currency: str) -> str:
    """`about 1.20 USD`; an estimate under the smallest coin reads `under 0.01 USD`, never 0."""
    coin = Decimal(1).scaleb(-minor_unit(currency))
    if Decimal(0) < Decimal(str(value)) < coin:
        return f"under {display_money(coin, currency)}"
    return f"about {display_money(value, currency)}"
