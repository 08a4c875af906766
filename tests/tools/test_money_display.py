"""Money shown to people is rounded to the currency's minor unit; the ledger keeps every digit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tools.money_display import display_money, minor_unit, round_money


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        ("0.000059", "USD", "0.00 USD"),
        ("1234.5678", "EUR", "1,234.57 EUR"),
        ("0.125", "GBP", "0.12 GBP"),  # half even, as the ledger rounds
        ("0.135", "GBP", "0.14 GBP"),
        ("1234.5", "JPY", "1,234 JPY"),
        ("1235.5", "jpy", "1,236 JPY"),
        ("-0.001", "USD", "0.00 USD"),
        ("-2500", "USD", "-2,500.00 USD"),
        ("1.23456", "KWD", "1.235 KWD"),
        (Decimal("7"), "CHF", "7.00 CHF"),
    ],
)
def test_money_is_shown_in_the_currency_minor_unit(value: str, currency: str, shown: str) -> None:
    assert display_money(value, currency) == shown


def test_the_number_alone_and_bad_amounts() -> None:
    assert display_money("1234.5", "USD", code=False) == "1,234.50"
    assert round_money("0.005", "USD") == Decimal("0.00")
    assert (minor_unit("usd"), minor_unit("JPY"), minor_unit("BHD")) == (2, 0, 3)
    for bad in ("abc", "NaN", "Infinity"):
        with pytest.raises(ValueError, match="is not an amount of money"):
            display_money(bad, "USD")


def test_an_estimate_under_the_smallest_coin_is_never_shown_as_zero() -> None:
    from tools.money_display import display_estimate

    assert display_estimate("0.000009", "USD") == "under 0.01 USD"
    assert display_estimate("0.4", "JPY") == "under 1 JPY"
    assert display_estimate("1.234", "EUR") == "about 1.23 EUR"
    assert display_estimate("0", "USD") == "about 0.00 USD"
