"""The programme report (seed 004: "a programme report gathers the efforts, documentation, evaluations
and the seminar"): one set of data, written as a PDF/UA document (``core.pdf.render_pdf``) and as an
Excel file (``core.spreadsheets``)."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.spreadsheets import Sheet
from inspira.efforts import cooperation_selectors as selectors
from inspira.efforts.models import CooperationProgramme, Level
from inspira.surveys.selectors import results_rows, survey_results
from inspira.surveys.services import SurveyError


@dataclass
class Report:
    cooperation: CooperationProgramme
    overview: selectors.Overview
    documents: list
    attendance: selectors.SeminarAttendance | None
    evaluation: list  # rows of the closing seminar's evaluation (results_rows), empty without results
    evaluation_note: str
    made_at: object


def report_data(cooperation: CooperationProgramme, *, now=None) -> Report:
    now = now or timezone.now()
    evaluation, note = [], _("The closing seminar has no evaluation.")
    seminar = cooperation.closing_seminar
    if seminar is not None and seminar.evaluation_id:
        try:
            evaluation = results_rows(survey_results(survey=seminar.evaluation, now=now))
            note = ""
        except SurveyError as e:
            note = str(e)
    return Report(cooperation=cooperation, overview=selectors.overview(cooperation),
                  documents=list(selectors.documents_of_programme(cooperation)),
                  attendance=selectors.seminar_attendance(cooperation), evaluation=evaluation,
                  evaluation_note=note, made_at=now)


def _units(effort) -> str:
    return ", ".join(school.name for school in effort.schools.all())


def report_sheets(report: Report) -> list[Sheet]:
    efforts = Sheet(_("Efforts"), [
        _("Effort"), _("Level"), _("Development area"), _("School units"), _("Process leader"), _("State"),
        _("Goals"), _("Notes"), _("Lessons learnt"), _("Good examples"), _("Latest entry"),
        _("Date of the latest entry"),
    ], [[e.title, str(Level(e.level).label), e.area.name, _units(e), e.leader.name if e.leader else "",
         e.get_state_display(), e.goals, e.notes, e.lessons, e.good_examples, e.latest_title or "", e.latest_on]
        for e in report.overview.efforts])
    documents = Sheet(_("Documentation"), [
        _("Effort"), _("Kind"), _("Title"), _("Text"), _("School unit"), _("Date"), _("Written by"),
    ], [[d.effort.title, d.get_kind_display(), d.title, d.text, d.school.name if d.school else "", d.happened_on,
         d.author.name if d.author else ""] for d in report.documents])
    evaluation = Sheet(_("Evaluation"), [_("Question"), _("Answer"), _("Number")],
                       report.evaluation or [[report.evaluation_note, "", ""]])
    sheets = [efforts, documents, evaluation]
    if report.attendance is not None:
        rows = [[unit.label, unit.counts.registered, unit.counts.came, _("Yes") if unit.represented else _("No")]
                for unit in report.attendance.units]
        rows.append([_("Others (process leaders, partners)"), report.attendance.others.registered,
                     report.attendance.others.came, ""])
        rows.append([_("Total"), report.attendance.total.registered, report.attendance.total.came, ""])
        sheets.append(Sheet(_("Seminar attendance"), [_("School unit"), _("Registered"), _("Attended"),
                                                      _("Represented")], rows))
    return sheets


def report_pdf(report: Report, *, language: str = "sv") -> bytes:
    from inspira.core.pdf import render_pdf  # WeasyPrint is a heavy import: only where a PDF is made

    return render_pdf("pdf/cooperation_report.html", {"report": report, "c": report.cooperation}, language=language)
