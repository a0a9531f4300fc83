"""Sending e-invoices through a Peppol access point: a pluggable step.

The setting ``EINVOICE_SENDER`` names a callable ``send(*, invoice, xml: bytes) -> str``; the
``einvoice_delivery`` outbox job calls it once the invoice is committed, and stores the text it returns
on the invoice (``einvoice_result``, with ``einvoice_handled_at``). A sender must be safe to call twice
for the same invoice (the job may be retried): an access point's own message id, or the invoice number
as the document id, makes a repeat harmless. It raises to have the job retried.

The default, ``record_only``, sends nothing: Inspira has no access point yet. It only records that
the e-invoice was made and is ready to download beside the PDF.
"""

from django.utils import translation
from django.utils.translation import gettext as _


def record_only(*, invoice, xml: bytes) -> str:
    with translation.override("sv"):
        return _("Not sent: no Peppol access point is connected. The e-invoice (%(size)s bytes) can be downloaded.") % {
            "size": len(xml)}
