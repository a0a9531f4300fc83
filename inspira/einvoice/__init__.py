"""Electronic invoices: Peppol BIS Billing 3.0 (UBL 2.1), written and validated offline.

A plain Python package (not a Django app): ``model`` holds the data, ``ubl.build_ubl`` writes
the XML, ``validate.validate_ubl`` checks it against the UBL 2.1 schema and the EN 16931 and
Peppol Schematron rules vendored in ``resources/``. Sending through a Peppol access point is
left to a later, pluggable step.
"""
