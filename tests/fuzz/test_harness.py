"""The fuzz's own parts: it reads forms as a browser sends them, and it notices a change or an
invalid row (otherwise test_forms.py could pass without looking)."""

from django.db import transaction

from inspira.schools.models import School
from tests.factories import SchoolFactory
from tests.fuzz import snapshot
from tests.fuzz.fuzzing import edge_requests
from tests.fuzz.html_forms import parse_forms

PAGE = """
<form method="post" action="/skicka/">
  <input type="hidden" name="csrfmiddlewaretoken" value="token">
  <input type="hidden" name="step" value="pattern">
  <input type="text" name="name" value="Vasaskolan" maxlength="200" required>
  <input type="radio" name="slot" value="morning"><input type="radio" name="slot" value="afternoon" checked>
  <input type="checkbox" name="forms" value="1" checked><input type="checkbox" name="forms" value="2">
  <select name="district"><option value="">Choose</option><option value="7" selected>Norrmalm</option></select>
  <textarea name="note">
Rad ett</textarea>
  <input type="file" name="picture" accept="image/jpeg">
  <input type="text" name="disabled" disabled>
  <input type="text" name="plan-0-activity"><input type="text" name="plan-1-activity">
  <button type="submit" name="next">Next</button><button type="submit" name="save">Save</button>
</form>
<form method="get"><input type="search" name="q"></form>
"""


def test_forms_are_read_as_a_browser_sends_them():
    post, search = parse_forms(PAGE, "/sida/")
    assert (post.method, post.action, post.csrf_token) == ("post", "/skicka/", "token")
    assert (search.method, search.action) == ("get", "/sida/")
    fields = post.fields
    assert "csrfmiddlewaretoken" not in fields and "disabled" not in fields
    assert fields["slot"].options == ["morning", "afternoon"] and fields["slot"].values == ["afternoon"]
    assert fields["forms"].multiple and fields["forms"].values == ["1"]
    assert fields["name"].required and fields["name"].attrs["maxlength"] == "200"
    assert post.baseline() == {
        "step": ["pattern"], "name": ["Vasaskolan"], "slot": ["afternoon"], "forms": ["1"], "district": ["7"],
        "note": ["Rad ett"], "plan-0-activity": [""], "plan-1-activity": [""], "next": [""],
    }


def test_edges_are_tried_one_field_at_a_time_and_once_per_formset_column():
    form = parse_forms(PAGE, "/sida/")[0]
    baseline = form.baseline()
    requests = edge_requests(form, baseline)
    changed = [[name for name in request if request[name] != baseline.get(name)] for request in requests]
    assert all(len(names) == 1 for names in changed)
    names = {names[0] for names in changed}
    assert "plan-0-activity" in names and "plan-1-activity" not in names
    assert {"name", "slot", "district", "picture", "note", "step"} <= names
    assert ["a\x00b"] in [request["name"] for request in requests]


def test_a_change_is_seen(db):
    school = SchoolFactory(name="Vasaskolan")
    before = snapshot.take()
    with transaction.atomic():
        School.objects.filter(pk=school.pk).update(city="Uppsala")
        SchoolFactory()
        changes = snapshot.diff(before, snapshot.take())
        transaction.set_rollback(True)
    described = sorted(change.describe() for change in changes if change.label == "schools.School")
    assert len(described) == 2
    assert any("'Stockholm' -> 'Uppsala'" in text for text in described)
    assert any("added" in text for text in described)


def test_a_saved_row_the_model_refuses_is_reported_but_an_old_fault_is_not(db):
    school = SchoolFactory(name="Vasaskolan", unit_code="1234")  # already invalid: a unit code has 8 digits
    before = snapshot.take()
    School.objects.filter(pk=school.pk).update(city="Uppsala")  # the old fault is not the request's
    assert snapshot.invalid_rows(snapshot.diff(before, snapshot.take())) == []
    School.objects.filter(pk=school.pk).update(name="")  # a fault the request made
    problems = snapshot.invalid_rows(snapshot.diff(before, snapshot.take()))
    assert len(problems) == 1 and "name:" in problems[0] and "unit_code" not in problems[0]
