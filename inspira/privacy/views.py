from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inspira.accounts.models import User
from inspira.accounts.permissions import administrator_required
from inspira.core.models import AuditEvent
from inspira.privacy import services
from inspira.privacy.forms import EraseForm
from inspira.privacy.models import Erasure
from inspira.privacy.registry import export_categories


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    """A person downloads everything Inspira holds about them (made on the spot: it takes well under
    a second)."""
    if request.method == "POST":
        filename, content = services.export_download(user=request.user)
        # Shown on the next page: the browser stays on this one while it saves the file.
        messages.success(request, _("Your personal data was downloaded as the file %(name)s.") % {"name": filename})
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    last = AuditEvent.objects.filter(actor=request.user, action="privacy.export").order_by("-at").first()
    return render(request, "privacy/export.html", {"last_download": last.at if last else None})


@administrator_required
@require_http_methods(["GET", "POST"])
def erase(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    erasure = Erasure.objects.filter(user=person).first()
    refusal = None if erasure else services.erasure_refusal(person=person, actor=request.user)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and erasure is None and refusal is None and form.is_valid():
        try:
            services.person_erase(person=person, actor=request.user)
        except services.ErasureError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The person's personal data is erased. The account is anonymised and "
                                        "can no longer be used."))
            return redirect("accounts:person_edit", user_id=person.pk)
    categories = [] if erasure else [c for c in export_categories(person) if c.rows]
    return render(request, "privacy/erase_confirm.html", {
        "person": person, "erasure": erasure, "refusal": refusal, "form": form, "categories": categories,
        "school_warning": any(c.key == "school_details" for c in categories),
    })
