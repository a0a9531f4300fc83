"""Places on something with a capacity, and its waiting list with timed offers.

A *container* (a study-visit occasion today, an event tomorrow) is a row with a capacity. Its
places are never kept in a counter column that could drift: they are counted from the rows that
take them (*holders*: bookings, registrations) plus the places kept for open waiting-list offers.

Every change that takes or frees places runs in one transaction that first locks the container
(``Capacity.lock``) and only then counts. On PostgreSQL that is a row lock (SELECT ... FOR UPDATE):
a second booking of the same container waits until the first has committed, then counts its row.
SQLite ignores FOR UPDATE, but the settings open every transaction with BEGIN IMMEDIATE, so writes
run one after the other there (tests/visits/test_race.py proves both).

The waiting list is a queue of *entries*, first come first served. When places free up, the first
entry in line whose group fits is offered them until a deadline; the offer keeps the places, and an
offer not taken in time passes them down the line. The app keeps its own rules (who may book, what
the deadline is, what the emails say) and its translated errors; this module only counts and
queues. By convention an entry has the fields ``status``, ``created_at`` (its place in line),
``offered_at``, ``offer_expires_at`` and ``closed_at``, plus the size field and a foreign key to
the container.

Use (one instance per kind of container, at module level)::

    PLACES = Capacity(
        container=Occasion, holder=Booking, container_field="occasion",
        holding=Q(status__in=Booking.ACTIVE_STATUSES),
        line=WaitingListEntry, waiting="waiting", offered="offered", expired="expired",
    )

    with transaction.atomic():
        occasion = PLACES.lock(occasion_id)
        PLACES.check(occasion, size=4, now=now, party={"school": school}, quota=None)  # or NotEnoughPlaces
        Booking.objects.create(occasion=occasion, ...)

    PLACES.offer_free_places(occasion, now=now, expires_at=deadline, notify=send_offer_email)
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest


class NotEnoughPlaces(Exception):
    """Fewer places are free than asked for. ``free`` is how many there are (for this party, when
    a quota applies). The caller turns it into its own translated error."""

    def __init__(self, free: int):
        super().__init__(f"only {free} places free")
        self.free = free


@dataclass(frozen=True)
class Capacity:
    """How one kind of container counts its places and runs its waiting list.

    ``holding`` says which holder rows take places (e.g. held and confirmed bookings, not the
    cancelled ones). ``lock_related`` is loaded with the locked container. ``line`` is the
    waiting-list model (optional), with the status values that mean waiting, offered and expired;
    ``line_related`` is loaded with each entry offered places (what ``notify`` reads).
    """

    container: type[Model]
    holder: type[Model]
    container_field: str
    holding: Q = Q()
    size_field: str = "participants"
    capacity_field: str = "capacity"
    lock_related: tuple[str, ...] = ()
    line: type[Model] | None = None
    waiting: str = "waiting"
    offered: str = "offered"
    expired: str = "expired"
    line_related: tuple[str, ...] = ()

    # --- Counting -------------------------------------------------------------------------------------

    def lock(self, pk: int) -> Model:
        """The container, locked until the transaction ends. Call it first, before counting."""
        containers = self.container._default_manager.select_for_update(of=("self",))
        if self.lock_related:
            containers = containers.select_related(*self.lock_related)
        return containers.get(pk=pk)

    def _holders(self, container) -> QuerySet:
        return self.holder._default_manager.filter(self.holding, **{self.container_field: container})

    def _open_offers(self, container, *, now: datetime) -> QuerySet:
        return self.line._default_manager.filter(
            status=self.offered, offer_expires_at__gt=now, **{self.container_field: container})

    def _sum(self, rows: QuerySet) -> int:
        return rows.aggregate(total=Sum(self.size_field))["total"] or 0

    def taken(self, container) -> int:
        """Places taken by the holder rows."""
        return self._sum(self._holders(container))

    def offered_places(self, container, *, now: datetime, excluding: Model | None = None) -> int:
        """Places kept for waiting-list offers still open at ``now`` (without ``excluding``'s)."""
        if self.line is None:
            return 0
        offers = self._open_offers(container, now=now)
        if excluding is not None:
            offers = offers.exclude(pk=excluding.pk)
        return self._sum(offers)

    def free(self, container, *, now: datetime, excluding_offer: Model | None = None) -> int:
        """Places nobody holds or has been offered (never below zero)."""
        capacity = getattr(container, self.capacity_field)
        return max(0, capacity - self.taken(container)
                   - self.offered_places(container, now=now, excluding=excluding_offer))

    def check(self, container, *, size: int, now: datetime, party: dict | None = None, quota: int | None = None,
              excluding_offer: Model | None = None) -> int:
        """Raise ``NotEnoughPlaces`` unless ``size`` places are free, and (with a ``quota``) unless
        the party (a filter of the holder rows, e.g. ``{"school": school}``) stays within its quota.
        ``excluding_offer``: the offer being accepted, whose kept places are the acceptor's own.
        Returns the places free before taking. The caller holds the container's lock."""
        free = self.free(container, now=now, excluding_offer=excluding_offer)
        if quota is not None:
            already = self._sum(self._holders(container).filter(**(party or {})))
            free = min(free, max(0, quota - already))
        if size > free:
            raise NotEnoughPlaces(free)
        return free

    def annotate(self, containers: QuerySet, *, now: datetime) -> QuerySet:
        """Annotate each container with ``places_taken``, ``places_offered``, ``free_places`` and
        ``waiting_count``, by subqueries: a list runs the same number of queries whatever its length."""
        outer = OuterRef("pk")

        def total(rows: QuerySet, expression) -> Coalesce:
            rows = rows.order_by().values(self.container_field).annotate(total=expression).values("total")
            return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

        taken = total(self._holders(outer), Sum(self.size_field))
        if self.line is None:
            offered = waiting = Value(0)
        else:
            offered = total(self._open_offers(outer, now=now), Sum(self.size_field))
            waiting = total(self.line._default_manager.filter(status=self.waiting, **{self.container_field: outer}),
                            Sum(Value(1)))
        return containers.annotate(places_taken=taken, places_offered=offered, waiting_count=waiting).annotate(
            free_places=Greatest(F(self.capacity_field) - F("places_taken") - F("places_offered"), Value(0)),
        )

    # --- The waiting list -----------------------------------------------------------------------------

    def queue(self, container) -> QuerySet:
        """The entries waiting for ``container``, first in line first."""
        entries = self.line._default_manager.filter(status=self.waiting, **{self.container_field: container})
        if self.line_related:
            entries = entries.select_related(*self.line_related)
        return entries.order_by("created_at", "pk")

    def position(self, entry) -> int | None:
        """``entry``'s place in line (1 is next), or None when it is not waiting."""
        if entry.status != self.waiting:
            return None
        ahead = self.queue(getattr(entry, f"{self.container_field}_id")).filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk))
        return ahead.count() + 1

    def with_position(self, entries: QuerySet) -> QuerySet:
        """Annotate each entry with ``position``: its place in line (1 is next) while it waits,
        else None. One subquery, so a list of entries runs one query whatever its length."""
        ahead = self.line._default_manager.filter(
            Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")),
            status=self.waiting, **{self.container_field: OuterRef(self.container_field)},
        ).order_by().values(self.container_field).annotate(n=Count("pk")).values("n")
        return entries.annotate(position=Case(
            When(status=self.waiting, then=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1),
            default=None, output_field=IntegerField(),
        ))

    def offer_free_places(self, container, *, now: datetime, expires_at: datetime,
                          notify: Callable[[Model], None] | None = None) -> list[Model]:
        """Offer the free places down the line: the first entry whose group fits, then the next,
        while places remain. Each offer keeps its places until ``expires_at``. ``notify(entry)`` is
        called for each offer (inside the transaction: use an outbox). The caller holds the lock."""
        free = self.free(container, now=now)
        offered: list[Model] = []
        if free <= 0 or self.line is None:
            return offered
        for entry in self.queue(container).select_for_update(of=("self",)):
            size = getattr(entry, self.size_field)
            if size > free:
                continue
            entry.status = self.offered
            entry.offered_at = now
            entry.offer_expires_at = expires_at
            entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
            setattr(entry, self.container_field, container)
            if notify is not None:
                notify(entry)
            offered.append(entry)
            free -= size
            if free <= 0:
                break
        return offered

    def offer_is_open(self, entry, *, now: datetime) -> bool:
        return entry.status == self.offered and entry.offer_expires_at is not None and entry.offer_expires_at > now

    def expire_offers(self, *, now: datetime, then: Callable[[Model], None]) -> int:
        """Close the offers not taken by ``now``, one transaction each, and call
        ``then(locked_container)`` so the app offers the places to the next in line. Returns how
        many offers expired; safe to run at any time."""
        due = self.line._default_manager.filter(status=self.offered, offer_expires_at__lte=now)
        expired = 0
        for entry_id, container_id in due.values_list("pk", f"{self.container_field}_id"):
            with transaction.atomic():
                container = self.lock(container_id)
                entry = self.line._default_manager.select_for_update(of=("self",)).get(pk=entry_id)
                if self.offer_is_open(entry, now=now) or entry.status != self.offered:
                    continue  # accepted, withdrawn or extended meanwhile
                entry.status = self.expired
                entry.closed_at = now
                entry.save(update_fields=["status", "closed_at"])
                then(container)
                expired += 1
        return expired

    def close_line(self, container, *, status: str, now: datetime, statuses: Iterable[str] | None = None) -> int:
        """Close every open entry of ``container`` with ``status`` (e.g. when it is cancelled)."""
        statuses = tuple(statuses) if statuses is not None else (self.waiting, self.offered)
        return self.line._default_manager.filter(status__in=statuses, **{self.container_field: container}).update(
            status=status, closed_at=now)
