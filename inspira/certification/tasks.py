"""django-q2 entry points of the certification. Plain functions that take ids and can run twice.

The emails of this slice (the principal's endorsement request and its answers) go through the
core outbox (inspira.core.emails.email_enqueue), whose job sends each event once. Later slices
add the decision letter (PDF) and the expiry reminders here.
"""
