"""Money is whole öre (integers). These helpers format and parse Swedish amounts."""

import re
from decimal import Decimal, InvalidOperation

NBSP = "\u00a0"


def format_sek(ore: int | None) -> str:
    """``200000`` -> ``"2 000 kr"``; ``125050`` -> ``"1 250,50 kr"`` (non-breaking spaces)."""
    if ore is None:
        return ""
    sign = "−" if ore < 0 else ""
    kronor, rest = divmod(abs(int(ore)), 100)
    grouped = f"{kronor:,}".replace(",", NBSP)
    if rest:
        return f"{sign}{grouped},{rest:02d}{NBSP}kr"
    return f"{sign}{grouped}{NBSP}kr"


_CLEAN = re.compile(r"[\s\u00a0]|kr\.?$|sek$", re.IGNORECASE)


def parse_sek(text: str) -> int:
    """Parse what a Swedish user types ("2 000", "1000,50", "1 000 kr") into öre.

    Raises ValueError for anything that is not an amount of whole öre.
    """
    cleaned = _CLEAN.sub("", text.strip().lower()).replace(",", ".")
    cleaned = cleaned.removesuffix("kr").removesuffix("sek")
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", cleaned):
        raise ValueError(text)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    return int((amount * 100).to_integral_value())
