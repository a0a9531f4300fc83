"""Sections other pages include: the proposal's part of the coordinator's round page and a
participant's group and dates on "my registrations", each from the one object those pages have."""

from django import template

from inspira.benchmarking.dates import participation_of
from inspira.benchmarking.publishing import round_proposal_section

register = template.Library()


@register.inclusion_tag("benchmarking/includes/round_proposal_section.html", takes_context=True)
def round_proposal(context, round_):
    return {"section": round_proposal_section(round_, context["request"].user)}


@register.inclusion_tag("benchmarking/includes/my_round_participation_item.html")
def my_round_participation(interest):
    return {"p": participation_of(interest)}
