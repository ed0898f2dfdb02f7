"""The UNGP 31 scorecard is read from figures alone (pure): each criterion's status follows
its figure and threshold, and no count under 5 is ever shown."""

from __future__ import annotations

import pytest

from grievances.scorecard import (
    FEWER,
    MET,
    NOT_YET,
    PARTLY,
    Figures,
    masked,
    median,
    score,
    share,
    summary,
)

KEYS = ["legitimate", "accessible", "predictable", "equitable", "transparent",
        "rights_compatible", "learning", "dialogue"]

# a channel that works: everything met
GOOD = Figures(received=40, languages_used=4, channel_languages=6, workplaces=3,
               acknowledge_base=38, acknowledged_in_time=37, answer_base=35,
               answered_in_time=34, resolve_base=30, resolved_in_time=26, answered=36,
               reporter_replied=20, finished=28, reopened=1, open=12, overdue=0,
               retaliation=2, retaliation_open=0, linked=35)


def _status(figures: Figures) -> dict[str, str]:
    return {c.key: c.status for c in score(figures)}


def test_eight_criteria_in_principle_31_order():
    criteria = score(GOOD)
    assert [c.key for c in criteria] == KEYS
    assert [c.label for c in criteria] == [
        "Legitimate", "Accessible", "Predictable", "Equitable", "Transparent",
        "Rights-compatible", "A source of continuous learning",
        "Based on engagement and dialogue"]
    assert set(_status(GOOD).values()) == {MET}
    assert summary(criteria) == {MET: 8, PARTLY: 0, NOT_YET: 0}
    assert all(c.figure and c.explanation.endswith(".") for c in criteria)


def test_a_new_channel_is_not_yet_anything():
    statuses = _status(Figures())
    assert set(statuses.values()) == {NOT_YET}
    assert _status(Figures(channel_languages=10))["accessible"] == PARTLY


@pytest.mark.parametrize(("change", "key", "expected"), [
    ({"retaliation_open": 1}, "legitimate", PARTLY),
    ({"channel_languages": 2}, "accessible", PARTLY),
    ({"workplaces": 0}, "accessible", PARTLY),
    ({"channel_languages": 0, "workplaces": 0}, "accessible", NOT_YET),
    ({"acknowledged_in_time": 34}, "predictable", PARTLY),     # 89.5%: under the 90% bar
    ({"acknowledged_in_time": 35}, "predictable", MET),        # 92%
    ({"acknowledged_in_time": 33}, "predictable", PARTLY),     # 86.8%
    ({"acknowledged_in_time": 19}, "predictable", PARTLY),     # 50%
    ({"acknowledged_in_time": 18}, "predictable", NOT_YET),    # 47%
    ({"acknowledge_base": 0, "acknowledged_in_time": 0}, "predictable", NOT_YET),
    ({"answered_in_time": 17}, "equitable", NOT_YET),          # 48.6%
    ({"answered_in_time": 18}, "equitable", PARTLY),
    ({"overdue": 2}, "transparent", PARTLY),                   # 2 of 12 open
    ({"overdue": 3}, "transparent", NOT_YET),                  # 25% of open
    ({"resolved_in_time": 22}, "rights_compatible", PARTLY),   # 73.3%: under the 75% bar
    ({"resolved_in_time": 12}, "rights_compatible", PARTLY),
    ({"resolved_in_time": 11}, "rights_compatible", NOT_YET),
    ({"retaliation_open": 1}, "rights_compatible", PARTLY),
    ({"linked": 29}, "learning", PARTLY),                      # 72.5%
    ({"linked": 9}, "learning", NOT_YET),
    ({"reopened": 3}, "learning", PARTLY),                     # 3 of 28 reopened
    ({"reporter_replied": 7}, "dialogue", NOT_YET),            # 19%
    ({"reporter_replied": 8}, "dialogue", PARTLY),
    ({"answered": 0, "reporter_replied": 0}, "dialogue", NOT_YET),
])
def test_each_criterion_follows_its_figure(change, key, expected):
    figures = Figures(**{**GOOD.__dict__, **change})
    assert _status(figures)[key] == expected
    others = {k: v for k, v in _status(figures).items() if k != key}
    assert set(others.values()) <= {MET, PARTLY}


@pytest.mark.parametrize(("n", "shown"), [(0, FEWER), (1, FEWER), (4, FEWER), (5, 5),
                                          (None, FEWER), (1234, 1234)])
def test_masked(n, shown):
    assert masked(n) == shown


def test_no_count_under_five_is_ever_shown():
    small = Figures(received=3, channel_languages=3, workplaces=1, acknowledge_base=3,
                    acknowledged_in_time=3, answer_base=2, answered_in_time=1, resolve_base=2,
                    resolved_in_time=1, answered=3, reporter_replied=1, finished=2,
                    reopened=1, open=1, overdue=1, retaliation=1, retaliation_open=1,
                    linked=2)
    for criterion in score(small):
        if criterion.key == "accessible":
            continue  # languages and listed workplaces: the channel's set-up, not cases
        text = f"{criterion.figure} {criterion.explanation}"
        text = text.replace("3 weeks", "").replace("7 days", "")  # deadlines, not counts
        for digit in "1234":
            assert f" {digit} " not in f" {text} ", (criterion.key, text)
        assert "%" not in criterion.figure, (criterion.key, criterion.figure)
    figures = {c.key: c.figure for c in score(small)}
    assert figures["predictable"] == "fewer than 5 cases so far acknowledged within 7 days"
    assert figures["transparent"] == "fewer than 5 overdue of fewer than 5 open"
    assert "Too few cases to be sure" in score(small)[2].explanation


@pytest.mark.parametrize(("values", "expected"), [([], None), ([3.0], 3.0),
                                                  ([5, 1, 3], 3), ([4, 1, 3, 2], 2.5)])
def test_median(values, expected):
    assert median(values) == expected


def test_share():
    assert share(1, 4) == 0.25 and share(3, 0) is None


def test_as_dict_names_the_status():
    item = score(GOOD)[0].as_dict()
    assert item["status"] == MET and item["status_label"] == "Met"
    assert set(item) == {"key", "label", "status", "status_label", "figure", "explanation"}
