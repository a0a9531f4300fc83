"""The audit trail for administrators: read, filter and export; never edit.

Administrators only. The director and finance see the results of their own work elsewhere (the
decisions, the invoices); the trail also holds the administrators' work on people and schools,
which is theirs to follow.
"""

import json

from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inspira.accounts.permissions import administrator_required
from inspira.core import audit, spreadsheets
from inspira.core.audit_forms import AuditFilterForm
from inspira.core.pagination import paginate


def _filter_form(request) -> AuditFilterForm:
    actions, object_types = audit.audit_choices()
    return AuditFilterForm(request.GET, actions=actions, object_types=object_types)


@administrator_required
@require_GET
def audit_list(request):
    form = _filter_form(request)
    filters = form.filters()
    page, query = paginate(request, audit.audit_events(**filters))
    for event in page.object_list:
        event.action_label = audit.action_label(event.action)
        event.object_type_label = audit.object_type_label(event.object_type)
        event.details = json.dumps(event.data, ensure_ascii=False, indent=2, sort_keys=True) if event.data else ""
    return render(request, "core/audit_list.html", {
        "filter_form": form, "page_obj": page, "export_query": query,
        "is_filtered": any(filters.values()),
    })


def _csv_rows(events, *, language: str):
    # The rows are written after the view has returned: keep the request's language.
    with translation.override(language):
        for event in events.iterator(chunk_size=2000):
            actor = event.actor
            yield (
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                actor.name if actor else "", actor.email if actor else "",
                audit.action_label(event.action), event.action, audit.object_type_label(event.object_type),
                event.object_id, event.summary,
                json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else "",
            )


@administrator_required
@require_GET
def audit_export(request):
    """The filtered trail as a CSV file for Excel: every row, not just one page."""
    events = audit.audit_events(**_filter_form(request).filters())
    header = [_("When"), _("Person"), _("Email address"), _("What was done"), _("Action code"), _("Concerning"),
              _("Object id"), _("Summary"), _("Details")]
    return spreadsheets.csv_response(f"granskningslogg-{timezone.localdate():%Y-%m-%d}.csv", header,
                                     _csv_rows(events, language=translation.get_language()), stream=True)
