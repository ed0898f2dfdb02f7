"""The channel scored against the eight effectiveness criteria of the UN Guiding Principles on
Business and Human Rights, Principle 31 (pure: figures in, criteria out).

Each criterion is read from figures the company can check (grievances/stats.py), so a score is
never a matter of opinion: the figure behind it is shown with a one-line explanation. The
thresholds are ours, stated here; they are a starting point for the company's own review,
not a certification. No count under 5 is ever shown (`masked`), so a small channel does not
point at a reporter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

FEWER = "fewer than 5"
SMALL = 5
MET, PARTLY, NOT_YET = "met", "partly", "not_yet"
STATUS_LABELS = {MET: "Met", PARTLY: "Partly", NOT_YET: "Not yet"}

# (share for "met", share for "partly") of the criteria read from a share of cases
ON_TIME = (0.9, 0.5)
RESOLVED = (0.75, 0.4)
LINKED = (0.75, 0.25)
DIALOGUE = (0.5, 0.2)
MAX_REOPENED = 0.1  # reopened cases, of those resolved or closed, for "learning" to be met
MAX_OVERDUE = 0.2  # overdue cases, of those open, for "transparent" to be partly met
MIN_LANGUAGES = 3


def masked(n: int | None) -> int | str:
    """A count as it may be shown: under 5 is "fewer than 5"."""
    n = int(n or 0)
    return FEWER if n < SMALL else n


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Figures:
    """What stats.py counts for one company and period (times in days)."""

    received: int = 0
    by_category: Mapping[str, int] = field(default_factory=dict)
    by_status: Mapping[str, int] = field(default_factory=dict)
    languages_used: int = 0       # distinct languages the reports were written in
    channel_languages: int = 0    # languages of the poster and page (0: no channel yet)
    workplaces: int = 0           # workplaces listed on the channel
    acknowledge_base: int = 0     # cases acknowledged, or past their 7 days without it
    acknowledged_in_time: int = 0
    answer_base: int = 0          # cases answered, or past their 21 days without it
    answered_in_time: int = 0
    resolve_base: int = 0         # cases resolved, or past 21 days without it
    resolved_in_time: int = 0
    acknowledge_days: tuple[float, ...] = ()
    resolve_days: tuple[float, ...] = ()
    answered: int = 0             # cases with at least one message from the company
    reporter_replied: int = 0     # answered cases in which the reporter wrote back
    finished: int = 0             # resolved or closed
    reopened: int = 0             # cases reopened at least once
    open: int = 0
    overdue: int = 0
    retaliation: int = 0
    retaliation_open: int = 0
    linked: int = 0               # cases linked to a supplier


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    status: str
    figure: str
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"status_label": STATUS_LABELS[self.status]}


def _percent(part: int, whole: int) -> str:
    if whole < SMALL:
        return f"{FEWER} cases so far"
    return f"{round(100 * part / whole)}% of {whole:,} cases"


def _by_share(part: int, whole: int, bars: tuple[float, float]) -> str:
    value = share(part, whole)
    if value is None:
        return NOT_YET
    return MET if value >= bars[0] else PARTLY if value >= bars[1] else NOT_YET


def _few(whole: int) -> str:
    return " Too few cases to be sure." if 0 < whole < SMALL else ""


def _legitimate(f: Figures) -> Criterion:
    label = "Legitimate"
    if not f.received:
        return Criterion("legitimate", label, NOT_YET, "no case received",
                         "No worker has used the channel yet; trust shows in its use.")
    figure = f"{masked(f.received)} cases, retaliation reported in {masked(f.retaliation)}"
    if f.retaliation_open:
        return Criterion("legitimate", label, PARTLY, figure,
                         "Workers use the channel, but open cases report retaliation: "
                         "protect those reporters first.")
    return Criterion("legitimate", label, MET, figure,
                     "Workers use the channel and no open case reports retaliation.")


def _accessible(f: Figures) -> Criterion:
    label = "Accessible"
    figure = f"{f.channel_languages} languages, {f.workplaces:,} workplaces listed"
    if f.channel_languages >= MIN_LANGUAGES and f.workplaces:
        status, why = MET, "The poster and page speak the workers' languages, and workers " \
                           "can name their workplace."
    elif f.channel_languages or f.workplaces:
        status, why = PARTLY, f"List the workplaces and offer at least {MIN_LANGUAGES} " \
                              "languages of the workforce."
    else:
        status, why = NOT_YET, "The channel is not set up yet: no languages, no workplaces."
    return Criterion("accessible", label, status, figure, why)


def _predictable(f: Figures) -> Criterion:
    status = _by_share(f.acknowledged_in_time, f.acknowledge_base, ON_TIME)
    if not f.acknowledge_base:
        return Criterion("predictable", "Predictable", NOT_YET, "no case due yet",
                         "No case has reached its 7-day acknowledgement deadline yet.")
    return Criterion("predictable", "Predictable", status,
                     _percent(f.acknowledged_in_time, f.acknowledge_base)
                     + " acknowledged within 7 days",
                     "Workers are told within the promised 7 days that their report arrived."
                     + _few(f.acknowledge_base))


def _equitable(f: Figures) -> Criterion:
    if not f.answer_base:
        return Criterion("equitable", "Equitable", NOT_YET, "no case due yet",
                         "No case has reached its 3-week answer deadline yet.")
    return Criterion("equitable", "Equitable",
                     _by_share(f.answered_in_time, f.answer_base, ON_TIME),
                     _percent(f.answered_in_time, f.answer_base) + " answered within 3 weeks",
                     "Reporters get a substantive answer within 3 weeks, so they can act on "
                     "fair terms." + _few(f.answer_base))


def _transparent(f: Figures) -> Criterion:
    label = "Transparent"
    if not f.received:
        return Criterion("transparent", label, NOT_YET, "no case received",
                         "Nothing to report on yet.")
    figure = f"{masked(f.overdue)} overdue of {masked(f.open)} open"
    if not f.overdue:
        return Criterion("transparent", label, MET, figure,
                         "No open case is past its deadline, and these figures are in the "
                         "due-diligence report.")
    late = share(f.overdue, f.open) or 1.0
    status = PARTLY if late <= MAX_OVERDUE else NOT_YET
    return Criterion("transparent", label, status, figure,
                     "Some reporters are waiting past the promised date: tell them where "
                     "their case stands.")


def _rights(f: Figures) -> Criterion:
    label = "Rights-compatible"
    if not f.resolve_base:
        return Criterion("rights_compatible", label, NOT_YET, "no case due yet",
                         "No case has been resolved or reached 3 weeks yet.")
    status = _by_share(f.resolved_in_time, f.resolve_base, RESOLVED)
    why = "Cases end in a remedy within 3 weeks." + _few(f.resolve_base)
    if f.retaliation_open and status == MET:
        status, why = PARTLY, "Cases are resolved, but retaliation is reported in open cases."
    return Criterion("rights_compatible", label, status,
                     _percent(f.resolved_in_time, f.resolve_base) + " resolved within 3 weeks",
                     why)


def _learning(f: Figures) -> Criterion:
    label = "A source of continuous learning"
    if not f.received:
        return Criterion("learning", label, NOT_YET, "no case received",
                         "No case to learn from yet.")
    status = _by_share(f.linked, f.received, LINKED)
    reopened = share(f.reopened, f.finished) or 0.0
    why = "Cases are linked to their workplace, so they feed risk scores and remediation."
    if status == MET and reopened > MAX_REOPENED:
        status, why = PARTLY, "Cases are linked to workplaces, but some were reopened: " \
                              "review why the first outcome did not hold."
    figure = (_percent(f.linked, f.received) + f" linked to a supplier, "
              f"{masked(f.reopened)} reopened")
    return Criterion("learning", label, status, figure, why + _few(f.received))


def _dialogue(f: Figures) -> Criterion:
    label = "Based on engagement and dialogue"
    if not f.answered:
        return Criterion("dialogue", label, NOT_YET, "no case answered yet",
                         "No reporter has been written to yet.")
    return Criterion("dialogue", label, _by_share(f.reporter_replied, f.answered, DIALOGUE),
                     _percent(f.reporter_replied, f.answered) + " with a reply from the "
                                                                  "reporter",
                     "Reporters write back: the case is worked out with them, not about "
                     "them." + _few(f.answered))


CRITERIA = (_legitimate, _accessible, _predictable, _equitable, _transparent, _rights,
            _learning, _dialogue)


def score(figures: Figures) -> list[Criterion]:
    """The eight criteria in the order of Principle 31."""
    return [criterion(figures) for criterion in CRITERIA]


def summary(criteria: Sequence[Criterion]) -> dict[str, int]:
    counts = dict.fromkeys((MET, PARTLY, NOT_YET), 0)
    for c in criteria:
        counts[c.status] += 1
    return counts
