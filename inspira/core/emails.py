"""Emails go through the outbox: rendered when the event happens, sent by a job."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_enqueue, outbox_handler


def email_enqueue(*, key: str, to: list[str], template: str, context: dict,
                  attachments: list[tuple[str, bytes, str]] | None = None,
                  language: str = "sv") -> OutboxItem:
    """Render ``emails/<template>_subject.txt``, ``.txt`` and ``.html`` now; send later.

    ``key`` names the event (e.g. ``"verify-email:42"``): the same key is sent once.
    Rendering now keeps what was true at the event (names, dates) and lets administrators
    read exactly what went out.
    """
    context = {
        "site_url": settings.SITE_URL,
        **context,
        # The footer's "Questions?" address. Its own name, set last: an email's context often has a
        # ``contact_email`` of its own (a booking's contact), which must not take its place.
        "programme_contact_email": settings.PROGRAMME_CONTACT_EMAIL,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    payload = {
        "to": list(to),
        "subject": subject,
        "text": text,
        "html": html,
        "attachments": [
            {"filename": name, "content": base64.b64encode(content).decode(), "mimetype": mimetype}
            for name, content, mimetype in (attachments or [])
        ],
    }
    return outbox_enqueue(kind="email", key=key, payload=payload)


@outbox_handler("email")
def send_email(item: OutboxItem) -> None:
    data = item.payload
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["text"],
        to=data["to"],
        reply_to=[settings.PROGRAMME_CONTACT_EMAIL],
        headers={"X-Inspira-Event": item.key},
    )
    if data.get("html"):
        message.attach_alternative(data["html"], "text/html")
    for attachment in data.get("attachments", []):
        message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    message.send(fail_silently=False)
