"""Billing: the money of completed study visits.

- Fee entries (``models.FeeEntry``) are recorded when the visits app sends ``booking_completed`` and
  reversed on ``booking_completion_undone`` (``receivers.py``), inside the completion's transaction.
- Invoices are issued by the host school: one per completed visit to the visiting school (in the
  completion's transaction), and each month one per host to the central administration
  (``services.central_invoices_issue``: a django-q2 schedule on the 1st, migration 0002, and a button
  for finance). Numbers run per issuing school, gapless. Issued invoices never change; an undone
  completion yields credit notes.
- The PDF (WeasyPrint, ``templates/pdf/invoice.html``) and its email, and the e-invoice hand-over,
  are outbox jobs (``tasks.py``). The e-invoice is Peppol BIS Billing 3.0 UBL built with
  ``inspira.einvoice`` (``documents.py``); sending it through an access point is pluggable
  (``settings.EINVOICE_SENDER``, default ``peppol.record_only``, which sends nothing).
- Settings: ``INVOICE_DUE_DAYS`` (default 30) and ``EINVOICE_SENDER``; the central administration's
  details as a recipient and the bankgiro number are data (``models.BillingSettings``, one row that
  finance edits).
"""
