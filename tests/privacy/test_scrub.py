from inspira.privacy.scrub import ANONYMOUS_NAME, Scrubber, Subject, anonymous_email


def scrubber(name="Anna Berg", email="anna.berg@example.se", phone="08-123 456 78"):
    return Scrubber(Subject(user_id=7, name=name, email=email, phone=phone))


def test_the_whole_name_is_replaced_in_any_case_but_not_inside_other_names():
    s = scrubber()
    assert s.text("Ring ANNA BERG, inte Annabella Bergström eller Anna Bergqvist.") == (
        f"Ring {ANONYMOUS_NAME}, inte Annabella Bergström eller Anna Bergqvist.")


def test_the_address_becomes_one_that_cannot_receive_mail():
    assert anonymous_email(7) == "raderad-7@invalid.invalid"
    assert scrubber().text("Till: <Anna.Berg@Example.se>") == "Till: <raderad-7@invalid.invalid>"


def test_escaped_forms_are_found():
    s = scrubber(name="Örjan D'Zettervall")
    assert s.text("Hej Örjan D&#x27;Zettervall!") == f"Hej {ANONYMOUS_NAME}!"
    # The database may hold JSON with \\u escapes (SQLite): the search looks for that form too.
    assert "\\u00d6rjan D'Zettervall" in s.needles()


def test_json_values_are_walked():
    s = scrubber()
    value = {"to": ["anna.berg@example.se", "x@example.se"], "n": 3, "deep": [{"text": "Anna Berg ringer"}]}
    assert s.value(value) == {"to": ["raderad-7@invalid.invalid", "x@example.se"], "n": 3,
                              "deep": [{"text": f"{ANONYMOUS_NAME} ringer"}]}
    assert s.mentions(value) and not s.mentions({"to": ["x@example.se"]})


def test_short_phone_numbers_and_names_are_not_hunted_in_text():
    s = scrubber(name="Li", phone="123")
    assert s.text("Li ringde 123 gånger") == "Li ringde 123 gånger"
    assert s.needles() == ["anna.berg@example.se"]


def test_a_findable_phone_number_is_replaced():
    assert scrubber().text("tel 08-123 456 78.") == "tel –."
