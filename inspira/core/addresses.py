"""Email addresses, written one way.

People type their address in whatever case their phone or habit gives them. Every place that
stores an address or compares one (login, its lock-out, sign-up, password reset, the people
pages, the Django admin) passes it through ``normalise_email`` first, so one person is one
address: otherwise "Anna@Skola.se" would be a second account, or a second lock-out counter.
"""

import unicodedata


def normalise_email(address: str | None) -> str:
    """The address as Inspira stores and compares it: Unicode NFKC, no surrounding space, lower case.

    The whole address is lower-cased, the local part too: RFC 5321 lets a mail server tell
    "Anna" from "anna", but none that a Swedish school uses does, and treating them as two people
    would let the case of one letter get round the login lock-out.
    """
    return unicodedata.normalize("NFKC", address or "").strip().lower()
