"""The tailor-made development programme's pages (seed 001). Every page is in the ``efforts``
namespace, so all of them answer 404 while the programme is off."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from inspira.efforts.permissions import may_coordinate


@require_GET
def index(request):
    """The programme's page: how a tailor-made effort goes, in the centre's seven steps."""
    return render(request, "efforts/index.html", {
        "signed_in": request.user.is_authenticated, "may_coordinate": may_coordinate(request.user),
    })
