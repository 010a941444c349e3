"""Governed numbers as typed values: a decimal amount and a unit from a fixed vocabulary.

A policy parameter is written in YAML the way a person says it, ``5 business days``, ``99.5%``,
``0.25``, ``$0.6m`` or ``300 items``, and read into a :class:`Quantity`. The amount is a
:class:`~decimal.Decimal`, so ``0.10`` keeps its two decimals and value-case arithmetic is
exact; the unit is one of :data:`UNITS`, so ``5 busines days`` is an error, not prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic_core import core_schema

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue

Unit = Literal[
    "",
    "%",
    "percentage points",
    "x",
    "count",
    "items",
    "households",
    "ms",
    "s",
    "minutes",
    "hours",
    "days",
    "business days",
    "weeks",
    "months",
    "years",
    "USD",
]
#: Every unit a quantity may carry; ``""`` is a plain number (a score, a ratio, a PSI).
UNITS: tuple[str, ...] = get_args(Unit)
#: Units that read as a noun after the number, with their singular for an amount of one.
_NOUNS = {
    "count": "",
    "items": "item",
    "households": "household",
    "minutes": "minute",
    "hours": "hour",
    "days": "day",
    "business days": "business day",
    "weeks": "week",
    "months": "month",
    "years": "year",
    "percentage points": "percentage point",
}
_SCALE = {"k": Decimal(1_000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u)
_QUANTITY = re.compile(
    rf"^\s*(?P<usd>\$)?(?P<num>-?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)"
    rf"(?P<scale>k|m|bn)?\s*(?P<unit>{_UNIT_ALT})?\s*$"
)
PATTERN = _QUANTITY.pattern


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount and its unit, e.g. ``Quantity(Decimal("5"), "business days")``."""

    amount: Decimal
    unit: str = ""

    @classmethod
    def parse(cls, value: object) -> Quantity:
        """Read a YAML number or a string such as ``5 business days``, ``99.5%`` or ``$2.1bn``.

        Raises:
            ValueError: the text is not a number followed by one of :data:`UNITS`.
        """
        if isinstance(value, Quantity):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise ValueError("expected a number or text such as '5 business days'")
        if isinstance(value, int | float | Decimal):
            return cls(Decimal(str(value)))
        match = _QUANTITY.match(value)
        if not match:
            raise ValueError(
                f"{value!r} is not a quantity: write a number and one of the units "
                + ", ".join(repr(u) for u in UNITS if u)
                + " (e.g. '5 business days', '99.5%', '$0.6m', '0.25')"
            )
        unit = match["unit"] or ""
        if match["usd"]:
            if unit not in ("", "USD"):
                raise ValueError(f"{value!r}: a dollar amount takes no other unit")
            unit = "USD"
        elif match["scale"] and unit != "USD":
            raise ValueError(f"{value!r}: k, m and bn scale dollar amounts only ('$0.6m')")
        try:
            amount = Decimal(match["num"].replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise ValueError(f"{value!r} is not a number") from exc
        if match["scale"]:
            amount *= _SCALE[match["scale"]]
        return cls(amount, unit)

    def __str__(self) -> str:
        return format_amount(self.amount, self.unit)

    def as_text(self) -> str:
        """The quantity as written back to YAML (``5 business days``, ``$600000``)."""
        if self.unit == "USD":
            return f"${_plain(self.amount)}"
        return f"{_plain(self.amount)}{_join(self.unit)}" if self.unit else _plain(self.amount)

    def with_unit(self, unit: str) -> Quantity:
        """The same amount in ``unit`` (a gate threshold and its separate unit field)."""
        return Quantity(self.amount, unit)

    @property
    def fraction(self) -> Decimal:
        """The amount as a multiplier: 34% is 0.34, 3x is 3, a plain number itself."""
        return self.amount / 100 if self.unit == "%" else self.amount

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda q: q.as_text(), when_used="json"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [{"type": "number"}, {"type": "string", "pattern": PATTERN}],
            "description": "A number, or a number and a unit: " + ", ".join(u for u in UNITS if u),
        }


def _join(unit: str) -> str:
    return unit if unit in ("%", "x") else f" {unit}"


def _plain(amount: Decimal) -> str:
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text and amount == amount.to_integral() else text


def _grouped(amount: Decimal) -> str:
    """Thousands separated, decimals as written: 110000 -> 110,000; 0.10 stays 0.10."""
    if amount == amount.to_integral() and abs(amount) >= 10_000:
        return f"{int(amount):,}"
    return _plain(amount)


def format_amount(amount: Decimal, unit: str) -> str:
    """How a quantity reads in prose: ``5 business days``, ``99.5%``, ``3x``, ``$1.2m``."""
    if unit == "USD":
        return _money(amount)
    number = _grouped(amount)
    if unit == "x":
        return f"{number}×"
    if unit == "%":
        return f"{number}%"
    if unit in ("", "count"):
        return number
    noun = _NOUNS.get(unit, unit) if amount == 1 else unit
    return f"{number} {noun}"


def _money(amount: Decimal) -> str:
    # Millions from $100k up, as the firm's budgets are written ($0.6m); billions from $1bn.
    for suffix, floor in (("bn", _SCALE["bn"]), ("m", _SCALE["m"] / 10)):
        if abs(amount) >= floor:
            scaled = significant(amount / _SCALE[suffix], 3).normalize()
            return f"${_plain(scaled)}{suffix}"
    return f"${int(amount):,}" if amount == amount.to_integral() else f"${amount:,.2f}"


def significant(amount: Decimal, digits: int) -> Decimal:
    """``amount`` rounded to ``digits`` significant digits (for computed values)."""
    if amount == 0:
        return Decimal(0)
    exponent = amount.copy_abs().adjusted() - digits + 1
    return amount.quantize(Decimal(1).scaleb(exponent))
