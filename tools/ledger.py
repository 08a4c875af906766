"""The cost ledger: every render, revision and model call becomes an entry, in Decimal.

Entries are append-only. Amounts are quantity × rate rounded half-even to 6 places and are also
kept as integer millionths so that sums in SQL are exact.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, NotFound
from memory.records import LedgerEntry, Project

PLACES = Decimal("0.000001")
RATE_PLACES = Decimal("0.000000000001")
MILLION = Decimal(1_000_000)
KINDS = ("render", "revise", "model_call", "reversal")


def money_text(value: Decimal) -> str:
    """A decimal string with no exponent, as the ledger prints money."""
    text = format(value, "f")
    return text if "." not in text else text.rstrip("0").rstrip(".") or "0"


def amount_of(quantity: Decimal, rate: Decimal) -> Decimal:
    """quantity × rate, rounded half-even to 6 decimal places."""
    return (quantity * rate).quantize(PLACES, rounding=ROUND_HALF_EVEN)


def to_micros(amount: Decimal) -> int:
    """An amount of 6 decimal places as whole millionths."""
    return int((amount * MILLION).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_micros(micros: int) -> Decimal:
    """Whole millionths back to an exact Decimal."""
    return (Decimal(micros) / MILLION).quantize(PLACES)


def add_entry(
    session: Session,
    project: Project,
    *,
    kind: str,
    person: str,
    quantity: Decimal,
    unit: str,
    rate: Decimal,
    currency: str,
    scene: str | None = None,
    shot: str | None = None,
    version_id: str | None = None,
    account: str | None = None,
    details: dict[str, Any] | None = None,
    reverses_id: int | None = None,
) -> LedgerEntry:
    """Append one entry to the project's ledger."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown ledger entry kind {kind!r}")
    amount = amount_of(quantity, rate)
    entry = LedgerEntry(
        project_id=project.id,
        kind=kind,
        scene=scene,
        shot=shot,
        version_id=version_id,
        person=person,
        account=account or project.spend_account,
        quantity=money_text(quantity),
        unit=unit,
        rate=money_text(rate),
        amount=format(amount, "f"),
        amount_micros=to_micros(amount),
        currency=currency,
        details=details or {},
        reverses_id=reverses_id,
    )
    session.add(entry)
    session.flush()
    return entry


def frame_cost(settings: Any, device_class: str, seconds: float) -> tuple[Decimal, str, Decimal]:
    """(quantity, unit, rate) of one frame: render seconds of a CPU or GPU, or a hosted image."""
    if device_class == "bedrock":
        return Decimal(1), "image", Decimal(settings.rate_bedrock_image)
    quantity = Decimal(str(max(seconds, 0.001))).quantize(Decimal("0.001"))
    if device_class == "gpu":
        return quantity, "gpu_second", Decimal(settings.rate_gpu_second)
    return quantity, "cpu_second", Decimal(settings.rate_cpu_second)


def model_price(settings: Any, model: str) -> tuple[Decimal, Decimal]:
    """Per-million-token (input, output) prices of a chat model, by longest matching prefix."""
    name = model.split(":", 1)[-1]
    for prefix in sorted(settings.model_prices, key=len, reverse=True):
        if name.startswith(prefix) or model.startswith(prefix):
            return settings.model_prices[prefix]
    return settings.default_model_price


def record_model_call(
    session: Session,
    project: Project,
    settings: Any,
    *,
    person: str,
    model: str,
    input_tokens: int,
    output_tokens: int,
    thread_id: str,
) -> LedgerEntry:
    """One model call's tokens at that model's prices (one entry per call)."""
    price_in, price_out = model_price(settings, model)
    tokens = Decimal(input_tokens + output_tokens)
    cost = (Decimal(input_tokens) * price_in + Decimal(output_tokens) * price_out) / MILLION
    rate = (cost / tokens).quantize(RATE_PLACES) if tokens else Decimal(0)
    return add_entry(
        session,
        project,
        kind="model_call",
        person=person,
        quantity=tokens,
        unit="token",
        rate=rate,
        currency=settings.currency,
        details={
            "model": model,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "thread_id": thread_id,
        },
    )


def reverse_entry(session: Session, entry_id: int, person: str, reason: str) -> LedgerEntry:
    """Cancel an entry with its negative twin; the original stays as it was."""
    original = session.get(LedgerEntry, entry_id)
    if original is None:
        raise NotFound(f"no ledger entry {entry_id}")
    if original.kind == "reversal":
        raise Conflict(f"ledger entry {entry_id} is itself a reversal")
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry_id)):
        raise Conflict(f"ledger entry {entry_id} was already reversed")
    project = session.get(Project, original.project_id)
    assert project is not None
    return add_entry(
        session,
        project,
        kind="reversal",
        person=person,
        quantity=-Decimal(original.quantity),
        unit=original.unit,
        rate=Decimal(original.rate),
        currency=original.currency,
        scene=original.scene,
        shot=original.shot,
        version_id=original.version_id,
        account=original.account,
        details={"reason": reason},
        reverses_id=original.id,
    )


def entry_json(entry: LedgerEntry) -> dict[str, Any]:
    """An entry as `frameline budget ledger --json` prints it."""
    return {
        "entry_id": entry.id,
        "kind": entry.kind,
        "scene": entry.scene,
        "shot": entry.shot,
        "version_id": entry.version_id,
        "person": entry.person,
        "account": entry.account,
        "quantity": entry.quantity,
        "unit": entry.unit,
        "rate": entry.rate,
        "amount": entry.amount,
        "at": entry.at.isoformat(),
    }
