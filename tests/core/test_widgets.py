import re

from django import forms

from inspira.core.widgets import LongSelect

CHOICES = [("", "Alla enheter"), ("1", "Åsskolan & <Berg>"), ("2", "Tallskolan")]


def _html(widget, value, **attrs):
    class Form(forms.Form):
        unit = forms.ChoiceField(choices=CHOICES, required=False, widget=widget(attrs=attrs))

    return re.sub(r"\s+", " ", str(Form({"unit": value})["unit"])).replace("> <", "><")


def test_the_long_select_writes_what_djangos_select_writes():
    for value in ["", "1", "2"]:
        assert _html(LongSelect, value, **{"class": "form-select"}) == _html(forms.Select, value,
                                                                             **{"class": "form-select"})


def test_the_long_select_escapes_labels_and_marks_the_chosen_option():
    html = _html(LongSelect, "1")
    assert '<option value="1" selected>Åsskolan &amp; &lt;Berg&gt;</option>' in html
    assert 'name="unit"' in html and 'id="id_unit"' in html
