"""The demo's certified site went through a real endorsement by the school's principal."""

import io

from django.core.management import call_command
from django.urls import reverse

from inspira.accounts.models import User
from inspira.certification.demo import TITLE
from inspira.certification.models import Application, Endorsement
from inspira.certification.services import principal_may_endorse


def test_the_demo_site_was_endorsed_by_its_schools_principal(db, client):
    call_command("load_demo", stdout=io.StringIO())
    application = Application.objects.get(area_title=TITLE)
    endorsement = application.endorsements.get()
    assert endorsement.decision == Endorsement.Decision.ENDORSE
    assert endorsement.principal == application.principal
    assert principal_may_endorse(user=endorsement.principal, school_id=application.school_id)
    client.force_login(User.objects.get(email="admin@inspira.example"))
    page = client.get(reverse("certification:case", args=[application.pk])).content.decode()
    assert f"{endorsement.principal_name} ({endorsement.principal_email}), rektor vid skolan" in page
