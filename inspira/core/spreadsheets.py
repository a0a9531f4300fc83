"""What every CSV or Excel file Inspira hands out shares.

A spreadsheet program runs a cell that starts with =, +, -, @ (or a tab or carriage return before
one) as a formula, so a school's name or a visitor's message typed as ``=HYPERLINK(...)`` could
run on an administrator's machine ("CSV injection"). Text that people typed goes through
``spreadsheet_text`` before it is written; numbers and dates are written as values, never as text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value) -> str:
    """``value`` as text that a spreadsheet shows as typed: a leading apostrophe defuses a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
