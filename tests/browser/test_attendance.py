"""The attendance list on a phone: a tap shows at once, survives a failed request and arrives."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from inspira.events.models import Registration
from tests.browser.helpers import PHONE, assert_accessible, login
from tests.factories import (
    EventFactory,
    ProgrammeCoordinatorFactory,
    RegistrationFactory,
    SchoolFactory,
    UserFactory,
    programme,
)

pytestmark = pytest.mark.browser


def _event_under_way():
    start = timezone.now() - datetime.timedelta(hours=1)
    event = EventFactory(programme=programme("inspiration_sites"), title="Läsfrämjande i praktiken",
                         starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    anna = RegistrationFactory(event=event, user=UserFactory(name="Anna Andersson"))
    RegistrationFactory(event=event, is_group=True, participants=4, school=SchoolFactory(name="Bergaskolan"),
                        participant_names="Bo, Cia, Dan, Eva")
    return event, anna


def test_a_tick_on_a_phone_is_kept_through_a_failed_request_and_arrives(page, live_server):
    coordinator = ProgrammeCoordinatorFactory(programme=programme("inspiration_sites"),
                                              user=UserFactory(name="Pia Pedagog")).user
    event, anna = _event_under_way()
    page.set_viewport_size(PHONE)
    login(page, live_server, coordinator)
    page.goto(live_server.url + reverse("events:attendance", args=[event.pk]))
    assert_accessible(page)
    # The list fits the phone's width, and the tap target is a big one.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tap = page.get_by_role("button", name="Anna Andersson Tryck: kom")
    expect(page.locator(f"#r{anna.pk} .attendance-marked")).to_be_hidden()  # no undo before a tick
    assert tap.bounding_box()["height"] >= 44

    # The first request to save a tick fails (the phone lost its network); later ones go through.
    sent = []

    def network(route):
        sent.append(route.request.post_data)
        if len(sent) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**{reverse('events:attendance_mark', args=[event.pk, anna.pk])}", network)
    tap.click()
    row = page.locator(f"#r{anna.pk}")
    expect(row.locator(".attendance-unmarked")).to_be_hidden()
    expect(row.locator(".attendance-state-text")).to_have_text("✓ Kom")  # at once, before any answer
    status = page.locator("#attendance-status")
    expect(status).to_contain_text("Väntar på nätet")
    stored = page.evaluate(f"localStorage.getItem('inspira-attendance-{event.pk}')")
    assert json.loads(stored)[str(anna.pk)]["state"] == "present"  # kept on the phone meanwhile

    expect(status).to_have_text("Sparat")  # retried by itself
    expect(row.locator(".attendance-pending")).to_be_hidden()
    expect(page.locator("[data-count='came']")).to_have_text("1")
    anna.refresh_from_db()
    assert anna.attended is True and len(sent) == 2
    assert page.evaluate(f"localStorage.getItem('inspira-attendance-{event.pk}')") == "{}"

    # Undo puts the person back, and the focus stays in the row for the next tap.
    row.get_by_role("button", name="Ångra").click()
    expect(status).to_have_text("Sparat")
    expect(row.locator(".attendance-unmarked")).to_be_visible()
    anna.refresh_from_db()
    assert anna.attended is None
    assert Registration.objects.filter(attended__isnull=False).count() == 0


def test_a_group_count_and_a_walk_in_on_a_phone(page, live_server):
    coordinator = ProgrammeCoordinatorFactory(programme=programme("inspiration_sites")).user
    event, _anna = _event_under_way()
    the_group = event.registrations.get(is_group=True)
    page.set_viewport_size(PHONE)
    login(page, live_server, coordinator)
    page.goto(live_server.url + reverse("events:attendance", args=[event.pk]))
    row = page.locator(f"#r{the_group.pk}")
    row.get_by_label("Hur många kom?").fill("3")
    row.get_by_role("button", name="Spara").click()
    expect(row.locator(".attendance-state-text")).to_have_text("Kom: 3 av 4")
    expect(page.locator("#attendance-status")).to_have_text("Sparat")
    the_group.refresh_from_db()
    assert (the_group.attended, the_group.attended_count) == (True, 3)

    page.get_by_label("Namn").fill("Greta Gäst")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Greta Gäst är tillagd och markerad som kommen.")
    assert Registration.objects.get(walk_in_name="Greta Gäst").attended is True
    assert_accessible(page)
