"""The administrators' pages: switch programmes on and off, name and remove their coordinators."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.models import User
from inspira.accounts.permissions import administrator_required
from inspira.programmes import selectors, services
from inspira.programmes.forms import SEARCH_LIMIT, CoordinatorAddForm, PersonSearchForm, SwitchForm
from inspira.programmes.models import Programme


@administrator_required
@require_GET
def programme_list(request):
    return render(request, "programmes/list.html", {"programmes": selectors.programmes_with_coordinators()})


@administrator_required
@require_POST
def programme_switch(request, key):
    programme = get_object_or_404(Programme, key=key)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed."))
        return redirect("programmes:list")
    active = form.cleaned_data["active"]
    services.programme_set_active(programme=programme, active=active, actor=request.user)
    if active:
        messages.success(request, _("%(programme)s is switched on: its pages and menu entries are shown.")
                         % {"programme": programme.name})
    else:
        messages.success(request, _("%(programme)s is switched off: its pages and menu entries are hidden.")
                         % {"programme": programme.name})
    return redirect("programmes:list")


@administrator_required
@require_http_methods(["GET", "POST"])
def coordinator_add(request, key):
    programme = get_object_or_404(Programme, key=key)
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    form = CoordinatorAddForm(request.POST if request.method == "POST" else None, query=query)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.coordinator_add(programme=programme, user=person, actor=request.user)
        except services.ProgrammeError as e:
            form.add_error("person", str(e))
        else:
            messages.success(request, _("%(person)s now coordinates %(programme)s.")
                             % {"person": person.name or person.email, "programme": programme.name})
            return redirect("programmes:list")
    return render(request, "programmes/coordinator_add.html", {
        "programme": programme, "search_form": search, "query": query, "form": form,
        "show_choices": bool(query), "found_none": bool(query) and not form.fields["person"].queryset.exists(),
        "search_limit": SEARCH_LIMIT,
    })


@administrator_required
@require_POST
def coordinator_remove(request, key, user_id):
    programme = get_object_or_404(Programme, key=key)
    person = get_object_or_404(User, pk=user_id)
    try:
        services.coordinator_remove(programme=programme, user=person, actor=request.user)
    except services.ProgrammeError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("%(person)s no longer coordinates %(programme)s.")
                         % {"person": person.name or person.email, "programme": programme.name})
    return redirect("programmes:list")
