"""Who sees and does what with the money. Builds on inspira.accounts.permissions.

- An invoice concerns its issuing (host) school, whose site contacts and principal handle billing
  (the programme's rules), the recipient school's principal, finance and administrators. They see it, its state
  and download its PDF and XML. The director sees the overview, not single invoices.
- Finance marks invoices and establishment support paid, runs the monthly central invoices and keeps
  the billing settings (administrators may read and keep the settings too).
- The finance overview and its exports: the central administration (administrators, director, finance).
"""

from inspira.accounts.models import Membership
from inspira.accounts.permissions import is_principal_of, school_role

HOST_ROLES = (Membership.Role.SITE_CONTACT, Membership.Role.PRINCIPAL)


def is_finance_or_administrator(user) -> bool:
    return user.is_authenticated and (user.is_finance or user.is_administrator)


def handles_billing_of(user, school) -> bool:
    """The school's site contacts and principal: they bill for the visits the school hosts."""
    return school_role(user, school) in HOST_ROLES


def can_view_invoice(user, invoice) -> bool:
    if not user.is_authenticated:
        return False
    if is_finance_or_administrator(user) or handles_billing_of(user, invoice.issuer_id):
        return True
    return invoice.recipient_school_id is not None and is_principal_of(user, invoice.recipient_school_id)


def can_view_school_invoices(user, school) -> bool:
    """The page of one school's invoices (issued, and received by the principal)."""
    return is_finance_or_administrator(user) or handles_billing_of(user, school)


def can_see_received_invoices(user, school) -> bool:
    return is_finance_or_administrator(user) or is_principal_of(user, school)


def can_mark_paid(user) -> bool:
    return user.is_authenticated and user.is_finance


def can_run_central_invoices(user) -> bool:
    return user.is_authenticated and user.is_finance


def can_view_finance_lists(user) -> bool:
    """All invoices, the establishment support list and the billing settings."""
    return is_finance_or_administrator(user)


def can_edit_billing_settings(user) -> bool:
    return is_finance_or_administrator(user)


def can_view_overview(user) -> bool:
    return user.is_authenticated and user.is_central
