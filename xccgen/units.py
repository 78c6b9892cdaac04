"""NEAR gas and token amounts as users write them: `10 Tgas`, `1 NEAR`, `0.5 NEAR`, yocto ints."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

GAS_UNITS = {"gas": 1, "ggas": 10**9, "tgas": 10**12, "pgas": 10**15}
TOKEN_UNITS = {"yocto": 1, "yoctonear": 1, "milinear": 10**21, "millinear": 10**21, "near": 10**24}
MAX_GAS = 300 * 10**12  # the protocol's max prepaid gas per transaction / function call
_AMOUNT = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9_]+)?)\s*([A-Za-z]*)\s*$")


def _parse(value: str | int, units: dict[str, int], what: str, example: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected a {what} amount like {example}, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{what} amount must not be negative, got {value}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a {what} amount like {example}, got {value!r}")
    match = _AMOUNT.match(value)
    if not match:
        raise ValueError(f"expected a {what} amount like {example}, got {value!r}")
    number, unit = match.group(1).replace("_", ""), match.group(2).lower()
    if unit == "":
        if "." in number:
            raise ValueError(f"a {what} amount without a unit must be a whole number: {value!r}")
        return int(number)
    if unit not in units:
        known = ", ".join(sorted({u for u in units}))
        raise ValueError(f"unknown {what} unit {match.group(2)!r} in {value!r} (known: {known})")
    # Exact rational arithmetic: Decimal would round to 28 digits and so truncate silently.
    scaled = Fraction(number) * units[unit]
    if scaled.denominator != 1:
        raise ValueError(f"{value!r} is not a whole number of the smallest {what} unit")
    return int(scaled)


def parse_gas(value: str | int) -> int:
    """Gas in gas units: `10 Tgas`, `5_000_000_000_000` or an int."""
    return _parse(value, GAS_UNITS, "gas", "'10 Tgas'")


def parse_deposit(value: str | int) -> int:
    """A NEAR token amount in yoctoNEAR: `1 NEAR`, `0.5 NEAR`, `0` or a yocto int."""
    amount = _parse(value, TOKEN_UNITS, "deposit", "'1 NEAR', '0.5 NEAR' or a yoctoNEAR integer")
    if amount >= 2**128:
        raise ValueError(f"a deposit is a u128 of yoctoNEAR: {value!r} is larger")
    return amount


def format_gas(gas: int) -> str:
    if gas % 10**12 == 0:
        return f"{gas // 10**12} Tgas"
    return f"{Decimal(gas) / 10**12:f} Tgas"


def format_deposit(yocto: int) -> str:
    if yocto == 0:
        return "0"
    near = Decimal(yocto) / 10**24
    return f"{near.normalize():f} NEAR" if yocto % 10**18 == 0 else f"{yocto} yoctoNEAR"
