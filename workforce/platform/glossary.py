"""Plain-English explanations of the words this app cannot avoid (docs/plain-language.md).

One place for each explanation, so every page says the same thing. Templates show them with
`{% explain "band" %}` (workforce/templatetags/plain_tags.py): a closed "What does … mean?"
that opens with Enter or Space. Keep each one to two or three short sentences.
"""

GLOSSARY: dict[str, tuple[str, str]] = {
    # key: (the word as people see it, what it means)
    "co-production": (
        "co-production",
        "Co-production means people with lived experience and staff plan and run services "
        "together, as equals. Your co-production lead is the member of staff who looks after "
        "this work and your role in it.",
    ),
    "lived-experience": (
        "lived experience",
        "Lived experience is your own experience of mental distress, of using mental health "
        "services, or of caring for someone who does. In these roles it is a strength you "
        "bring to the work.",
    ),
    "ebe": (
        "expert by experience (EBE)",
        "An expert by experience (EBE) uses their own experience of services to help improve "
        "them, for example on interview panels or in training. They are usually paid for each "
        "activity instead of being employed.",
    ),
    "band": (
        "band",
        "The band is the NHS pay grade for employed staff (the “Agenda for Change” pay scale). "
        "Bands go from 1 to 9: a higher band pays more. Many peer support workers are band 3 "
        "or 4.",
    ),
    "engagement": (
        "how the role is paid",
        "Employed means a contract, a regular wage and an NHS pay band. Sessional means you "
        "are paid for each session, from the involvement bank (a list of people who can be "
        "booked). Paid per involvement activity means a fee for each activity. Voluntary "
        "roles are not paid, but your expenses are paid back.",
    ),
    "supervision": (
        "supervision",
        "Supervision is regular, private time with a named supervisor to talk about your work, "
        "how you are, and anything hard. It is there to support you, not to check up on you. "
        "Line management supervision is with your manager, peer supervision is with someone "
        "who also has lived experience, and a reflective practice group is a group session.",
    ),
    "escalation": (
        "escalation pathway",
        "The escalation pathway is who to tell when something goes wrong, and how quickly. "
        "Use it when someone needs something that is outside your role.",
    ),
    "boundary-incident": (
        "boundary incident",
        "A boundary incident is when something crosses the limits of a role, for example "
        "giving medical advice or accepting money. Reporting it is about learning and keeping "
        "everyone safe, not about blame.",
    ),
    "triage": (
        "triage",
        "Triage is the first look at a report, to decide what happens next: talk it through "
        "in supervision, or pass it to a safeguarding lead.",
    ),
    "safeguarding": (
        "safeguarding lead",
        "A safeguarding lead is the member of staff responsible for keeping people safe from "
        "harm or abuse. Serious incidents go to them (this is called escalating).",
    ),
    "tier": (
        "rate card row",
        "Each involvement activity is paid at one row of the rate card, for example £27.50 per "
        "hour or £82.50 for a half-day panel. The row suggested depends on how long it took and "
        "how much preparation it needed.",
    ),
    "rate-card": (
        "rate card",
        "The rate card is your organisation's list of what each kind of involvement pays. Your "
        "fee comes from the card in use on the day of the activity.",
    ),
    "involvement": (
        "involvement payment",
        "An involvement payment is a fee for taking part in an activity, such as a meeting, an "
        "interview panel or training. Expenses (like bus fares) are paid back on top.",
    ),
    "batch": (
        "batch",
        "Finance pays approved claims in groups called batches. When your claim is in a batch, "
        "it is on its way to being paid.",
    ),
}


def explanation(key: str) -> tuple[str, str]:
    return GLOSSARY[key]
