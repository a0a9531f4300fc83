"""The cooperation programmes' pages (seed 004). Every page is in the ``cooperation`` namespace, so
all of them answer 404 while the programme is off."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from inspira.efforts.permissions import may_manage_cooperation


@require_GET
def index(request):
    """What a cooperation programme is: development on several levels, ending in a closing seminar."""
    return render(request, "efforts/cooperation/index.html", {
        "may_manage": may_manage_cooperation(request.user),
    })
