"""What Inspira reads from an identity provider's assertion, and what it never keeps.

pysaml2 turns the attributes it knows into their friendly names (``eduPersonPrincipalName``, ``mail``);
attributes it has no name for arrive under their OID, which is why each attribute below also lists its
``urn:oid:`` form. Only the attributes named here are read; everything else is dropped before any of it
is stored, logged or put in a session, and the personal identity number (``norEduPersonNIN``,
``schacPersonalUniqueID``, ...) is never requested (see ``REQUESTED``) and named here only to be refused.
"""

import re
from dataclasses import dataclass, field

EPPN = "eduPersonPrincipalName"
MAIL = "mail"
DISPLAY_NAME = "displayName"
GIVEN_NAME = "givenName"
SURNAME = "sn"
SCOPED_AFFILIATION = "eduPersonScopedAffiliation"
SCHOOL_UNIT_CODE = "sisSchoolUnitCode"

# Friendly name -> every name it may arrive under. The sisSchoolUnitCode OID is the SIS schema's
# (SS 12000), which pysaml2's attribute maps do not carry.
ALIASES = {
    EPPN: (EPPN, "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"),
    MAIL: (MAIL, "urn:oid:0.9.2342.19200300.100.1.3"),
    DISPLAY_NAME: (DISPLAY_NAME, "urn:oid:2.16.840.1.113730.3.1.241"),
    GIVEN_NAME: (GIVEN_NAME, "urn:oid:2.5.4.42"),
    SURNAME: (SURNAME, "urn:oid:2.5.4.4"),
    SCOPED_AFFILIATION: (SCOPED_AFFILIATION, "urn:oid:1.3.6.1.4.1.5923.1.1.1.9"),
    SCHOOL_UNIT_CODE: (SCHOOL_UNIT_CODE, "urn:oid:1.2.752.194.10.2.4"),
}
# What Inspira's SP metadata asks identity providers for: (friendly name, OID, required).
REQUESTED = (
    (EPPN, ALIASES[EPPN][1], True),
    (MAIL, ALIASES[MAIL][1], True),
    (DISPLAY_NAME, ALIASES[DISPLAY_NAME][1], False),
    (GIVEN_NAME, ALIASES[GIVEN_NAME][1], False),
    (SURNAME, ALIASES[SURNAME][1], False),
    (SCOPED_AFFILIATION, ALIASES[SCOPED_AFFILIATION][1], False),
    (SCHOOL_UNIT_CODE, ALIASES[SCHOOL_UNIT_CODE][1], False),
)
# Sent by some identity providers unasked; never read, never kept. Listed so a test can prove it.
PERSONAL_NUMBER_ATTRIBUTES = (
    "norEduPersonNIN", "urn:oid:1.3.6.1.4.1.2428.90.1.5",
    "schacPersonalUniqueID", "urn:oid:1.3.6.1.4.1.25178.1.2.15",
    "personalIdentityNumber", "urn:oid:1.2.752.29.4.13",
    "schacPersonalUniqueCode", "urn:oid:1.3.6.1.4.1.25178.1.2.14",
)

REFEDS_MFA = "https://refeds.org/profile/mfa"
# eduPersonScopedAffiliation values that make a person school staff; the rest (student, member, affiliate,
# alum, library-walk-in) make them nothing at a school (docs/decisions.md).
STAFF_AFFILIATIONS = frozenset({"staff", "faculty", "employee"})
UNIT_CODE = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class Person:
    """The attributes Inspira uses, read from one assertion."""

    eppn: str
    email: str
    name: str
    affiliations: tuple[tuple[str, str], ...] = ()  # (affiliation, scope)
    school_codes: tuple[str, ...] = ()
    mfa: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    def as_session(self) -> dict:
        """For the session while a link waits for the password: only what Inspira reads."""
        return {"eppn": self.eppn, "email": self.email, "name": self.name,
                "affiliations": [list(pair) for pair in self.affiliations],
                "school_codes": list(self.school_codes), "mfa": self.mfa}

    @classmethod
    def from_session(cls, data: dict) -> "Person":
        return cls(eppn=data["eppn"], email=data["email"], name=data["name"],
                   affiliations=tuple(tuple(pair) for pair in data.get("affiliations", ())),
                   school_codes=tuple(data.get("school_codes", ())), mfa=bool(data.get("mfa")))


def _values(ava: dict, name: str) -> list[str]:
    values = []
    for key in ALIASES[name]:
        for value in ava.get(key) or ():
            text = str(value).strip()
            if text and text not in values:
                values.append(text)
    return values


def _first(ava: dict, name: str) -> str:
    values = _values(ava, name)
    return values[0] if values else ""


def read_assertion(ava: dict, authn_context_refs=()) -> Person:
    """The person an assertion describes, from its attributes (``ava``) and authentication contexts.

    Only the attributes in ``ALIASES`` are read; everything else, a personal identity number included,
    is left where it was and goes no further.
    """
    display = _first(ava, DISPLAY_NAME)
    given, surname = _first(ava, GIVEN_NAME), _first(ava, SURNAME)
    name = display or " ".join(part for part in (given, surname) if part)
    affiliations = []
    for value in _values(ava, SCOPED_AFFILIATION):
        affiliation, _at, scope = value.partition("@")
        if affiliation and scope:
            affiliations.append((affiliation.lower(), scope.lower()))
    codes = [code for code in _values(ava, SCHOOL_UNIT_CODE) if UNIT_CODE.match(code)]
    return Person(
        eppn=_first(ava, EPPN),
        email=_first(ava, MAIL),
        name=name[:150],
        affiliations=tuple(affiliations),
        school_codes=tuple(codes),
        mfa=REFEDS_MFA in set(authn_context_refs),
    )


def scope_matches(value_scope: str, scopes: list[tuple[str, bool]]) -> bool:
    """Whether a scope (the part after @) is one the identity provider may assert (shibmd:Scope in its
    metadata: a name, or a regular expression when ``regexp="true"``). No scopes in metadata: any."""
    if not scopes:
        return True
    value_scope = value_scope.lower()
    for scope, regexp in scopes:
        if regexp:
            try:
                if re.fullmatch(scope, value_scope, flags=re.IGNORECASE):
                    return True
            except re.error:
                continue
        elif value_scope == scope.lower():
            return True
    return False
