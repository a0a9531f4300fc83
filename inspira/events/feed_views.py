"""A person's own calendar feed: the page with its address, and the feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.core.links import absolute_url
from inspira.events import feeds, ics


@login_required
@require_http_methods(["GET", "POST"])
def my_feed_page(request):
    if request.method == "POST":
        had_one = feeds.calendar_feed_of(request.user) is not None
        feeds.calendar_feed_renew(user=request.user)
        messages.success(request, _("Your new calendar address is ready. The old one no longer works.")
                         if had_one else _("Your calendar address is ready."))
        return redirect("events:my_feed_page")
    feed = feeds.calendar_feed_of(request.user)
    return render(request, "events/my_feed.html", {
        "feed_url": absolute_url("events:my_feed", token=feed.token) if feed else "",
    })


@require_GET
def my_feed(request, token):
    user = feeds.calendar_feed_user(token)
    if user is None:
        raise Http404
    events = feeds.feed_events(user=user, request=request)
    response = HttpResponse(ics.personal_feed(events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mina-traffar.ics"'
    # The address is the key: nothing on the way may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response
