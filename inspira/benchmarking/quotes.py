"""Quotes from a round's participants (issue 14, item 7), published on the programme's page only with
the writer's recorded consent.

A participant (admitted, not withdrawn) writes a quote and ticks the consent box: the consent's text,
as they read it and with its version, is stored on the quote with the moment (``consent_at``).
Without the tick nothing is stored. They choose whether their name is shown. A coordinator publishes
or unpublishes submitted quotes. The writer may withdraw a quote at any time: it is deleted, and
with it its place on the page.
"""

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.benchmarking import permissions
from inspira.benchmarking.models import Interest, Quote, Round
from inspira.core.audit import audit_record

# Change the version whenever the text changes: each quote keeps the text its writer agreed to.
CONSENT_VERSION = "2026-12-1"
CONSENT_TEXT = gettext_lazy(
    "I agree that the coordinators of the benchmarking programme may publish this quote on the "
    "programme's page, with my name only if I chose so above. I can withdraw the quote at any time; "
    "it is then removed from the page at once.")
MAX_LENGTH = 1000


class QuoteError(Exception):
    """Message is translated; views show it as is."""


def consent_text() -> str:
    """The consent as the writer reads it now (in their language), with its version."""
    return f"[{CONSENT_VERSION}] {CONSENT_TEXT}"


def quote_may_submit(*, round: Round, user) -> bool:
    """The round's admitted participants who have not withdrawn."""
    return user.is_authenticated and Interest.objects.filter(
        round=round, user=user, withdrawn_at__isnull=True, decision=Interest.Decision.ADMITTED).exists()


def quote_may_submit_for(interest: Interest) -> bool:
    """quote_may_submit for the registration's owner, read from a registration already at hand (no query):
    "My benchmarking" links to the quotes page only where the page lets the person in."""
    return interest.withdrawn_at is None and interest.decision == Interest.Decision.ADMITTED


def quote_may_withdraw(*, quote: Quote, user) -> bool:
    return user.is_authenticated and quote.author_id == user.pk


def quote_is_published(quote: Quote) -> bool:
    return quote.published_at is not None


@transaction.atomic
def quote_submit(*, round: Round, author, text: str, show_name: bool, consent: bool, now=None) -> Quote:
    now = now or timezone.now()
    if not quote_may_submit(round=round, user=author):
        raise QuoteError(_("Only the round's participants can send a quote."))
    if consent is not True:
        raise QuoteError(_("A quote is kept only with your consent to publish it."))
    text = text.strip()
    if not text:
        raise QuoteError(_("Write your quote."))
    if len(text) > MAX_LENGTH:
        raise QuoteError(_("A quote can be at most %(n)s characters long.") % {"n": MAX_LENGTH})
    quote = Quote.objects.create(round=round, author=author, text=text, show_name=bool(show_name),
                                 consent_at=now, consent_text=consent_text())
    audit_record(actor=author, action="benchmarking.quote_submitted", obj=quote, summary=round.title,
                 data={"round": round.pk, "show_name": quote.show_name, "consent_version": CONSENT_VERSION})
    return quote


@transaction.atomic
def quote_withdraw(*, quote: Quote, actor) -> None:
    """The writer takes the quote back: it is deleted, so a published quote leaves the page at once."""
    quote = Quote.objects.select_for_update(of=("self",)).select_related("round").get(pk=quote.pk)
    if not quote_may_withdraw(quote=quote, user=actor):
        raise QuoteError(_("Only the writer can withdraw a quote."))
    audit_record(actor=actor, action="benchmarking.quote_withdrawn", obj=quote, summary=quote.round.title,
                 data={"round": quote.round_id, "was_published": quote_is_published(quote)})
    quote.delete()


@transaction.atomic
def quote_publish(*, quote: Quote, actor, now=None) -> Quote:
    now = now or timezone.now()
    if not permissions.may_coordinate(actor):
        raise QuoteError(_("Only the programme's coordinators can publish quotes."))
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    # The model requires consent fields; this guards a row made some other way all the same.
    if not (quote.consent_at and quote.consent_text):
        raise QuoteError(_("The quote has no recorded consent and cannot be published."))
    if quote_is_published(quote):
        return quote
    quote.published_at, quote.published_by = now, actor
    quote.save(update_fields=["published_at", "published_by"])
    audit_record(actor=actor, action="benchmarking.quote_published", obj=quote, summary=str(quote),
                 data={"round": quote.round_id})
    return quote


@transaction.atomic
def quote_unpublish(*, quote: Quote, actor) -> Quote:
    if not permissions.may_coordinate(actor):
        raise QuoteError(_("Only the programme's coordinators can unpublish quotes."))
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if not quote_is_published(quote):
        return quote
    quote.published_at, quote.published_by = None, None
    quote.save(update_fields=["published_at", "published_by"])
    audit_record(actor=actor, action="benchmarking.quote_unpublished", obj=quote, summary=str(quote),
                 data={"round": quote.round_id})
    return quote


# --- Reads --------------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PublishedQuote:
    text: str
    name: str  # empty unless the writer chose to show it
    round_title: str


def quotes_published(*, round: Round | None = None, limit: int | None = None) -> list[PublishedQuote]:
    """What the programme's page shows (``benchmarking/includes/published_quotes.html``): published
    quotes only, newest first, the name only where the writer chose it. One query."""
    quotes = (Quote.objects.filter(published_at__isnull=False, consent_at__isnull=False)
              .exclude(consent_text="").select_related("author", "round").order_by("-published_at", "pk"))
    if round is not None:
        quotes = quotes.filter(round=round)
    if limit is not None:
        quotes = quotes[:limit]
    return [PublishedQuote(text=q.text, round_title=q.round.title,
                           name=(q.author.name if q.show_name and q.author is not None else ""))
            for q in quotes]


def quotes_of_round(round: Round):
    """All submitted quotes of the round, for the coordinator's page."""
    return Quote.objects.filter(round=round).select_related("author", "published_by").order_by("-consent_at", "pk")


def quotes_of_author(*, round: Round, user):
    return Quote.objects.filter(round=round, author=user).order_by("-consent_at", "pk")
