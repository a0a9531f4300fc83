"""Every form, fed generated bad input, answers with a form error (or a refusal), never a server
error, and never saves half of what it was sent.

For each form (tests/fuzz/cases.py) the page is read as the person who fills it in, the form is
filled in with care (that must be accepted, so the fuzz reaches the saving code) and then
hypothesis sends variations of it: fields emptied, dropped, sent twice, or holding NUL bytes,
10 000 characters, right-to-left text, impossible dates, huge numbers, injection strings, files
that are not what their name says, and fields the form does not have. First, deterministically,
each field gets its kind's sharpest edges (NUL, one character too many, 0001-01-01 and 9999-12-31,
numbers past 64 bits, a picture bomb), one field at a time; then hypothesis's random examples. Each
request runs in a savepoint that is rolled back. A request that is not accepted (anything but a
redirect or a download) must leave every table as it was; an accepted one may save only rows that
the models' ``full_clean()`` accepts. The search and filter forms of the lists (GET) are fuzzed the
same way and must change nothing.

A server error found in code this suite's authors could not change is a case's ``known_bug``: a
strict xfail, which fails as soon as the bug is fixed so the mark is removed.

``FUZZ_EXAMPLES=200`` runs more examples per form than the default (for a deeper look by hand).
"""

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from tests.fuzz.cases import CASES, GET_CASES, NOT_FUZZED, REDIRECT, RERENDER, Case
from tests.fuzz.fuzzing import Target, edge_requests, requests
from tests.permission_fixtures import build_world
from tests.permission_table import OK, TABLE
from tests.test_permission_table import checked_patterns

# The forms' validation does not depend on the database engine: bin/test runs these once, on PostgreSQL.
pytestmark = pytest.mark.fuzz

DEFAULT_EXAMPLES = 15
FEW_FIELDS_EXAMPLES = 8  # a form that is only a button (and perhaps a hidden field or two)


def _examples(case: Case, target: Target) -> int:
    if "FUZZ_EXAMPLES" in os.environ:
        return int(os.environ["FUZZ_EXAMPLES"])
    if case.max_examples:
        return case.max_examples
    typed = [f for f in target.form.fields.values() if f.kind not in {"hidden", "submit"}]
    return DEFAULT_EXAMPLES if typed else FEW_FIELDS_EXAMPLES


@pytest.fixture
def world(db):
    return build_world()


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=case.known_bug)] if case.known_bug else []
    return pytest.param(case, id=f"GET {case.id}" if case.method == "get" else case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES + GET_CASES])
def test_form_survives_bad_input(case, world):
    target = Target.prepare(case, world)
    baseline = target.baseline()
    assert target.check(baseline) == case.baseline, (
        f"{case.id}: the carefully filled-in form {baseline} was not answered with a {case.baseline} "
        f"({target.shown_errors()}); fix its values in tests/fuzz/cases.py so the fuzz reaches the code that saves")

    @settings(max_examples=_examples(case, target), deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
              print_blob=False, phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(data=requests(target.form, baseline))
    def fuzz(data):
        outcomes[target.check(data)] += 1

    # First, deterministically, every field's sharpest edges (one field at a time); then the random examples.
    for edge in edge_requests(target.form, baseline):
        fuzz = example(data=edge)(fuzz)
    outcomes = Counter()
    fuzz()
    print(f"FUZZ {case.id}: {dict(outcomes)}")  # shown with -s: how many examples were accepted


def test_every_form_is_fuzzed():
    """A URL that accepts POST from someone is fuzzed, or NOT_FUZZED says why not."""
    names, _unnamed = checked_patterns()
    unknown = sorted(set(names) - set(TABLE))
    posting = {name for name in names if name in TABLE and OK in TABLE[name].POST.values()}
    fuzzed = {case.name for case in CASES}
    assert not unknown, f"Not in tests/permission_table.py, so the fuzz cannot tell whether they take POST: {unknown}"
    assert not (missing := sorted(posting - fuzzed - NOT_FUZZED.keys())), (
        f"Add a case to tests/fuzz/cases.py (or a reason to NOT_FUZZED) for: {', '.join(missing)}")
    assert not (stale := sorted((fuzzed | NOT_FUZZED.keys()) - posting)), (
        f"These fuzz cases name URLs that take no POST (any more): {', '.join(stale)}")
    assert not fuzzed & NOT_FUZZED.keys()


def test_each_case_fills_the_form_in_as_someone_allowed_to():
    for case in CASES + GET_CASES:
        assert getattr(TABLE[case.name], case.method.upper())[case.role] == OK, (case.id, case.role)
        assert case.baseline in {REDIRECT, RERENDER}
    assert all(case.method == "post" for case in CASES) and all(case.method == "get" for case in GET_CASES)
    assert len({case.id for case in CASES}) == len(CASES)
    assert len({case.id for case in GET_CASES}) == len(GET_CASES)
