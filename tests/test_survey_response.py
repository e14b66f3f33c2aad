"""toolkit.survey.response: response rates, non-response bias, and whether the satisfied are over-represented."""

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from toolkit.errors import DataError
from toolkit.schema import validate
from toolkit.survey import mark_responded, nonresponse_adjusted_score, nonresponse_bias, response_rates


def client():
    """200 invited tickets: half reopened (chat, 5 replies), half not (email, 2 replies).

    80 of the 100 smooth tickets answered (90% satisfied), 20 of the 100 reopened ones
    (30% satisfied): the satisfied are over-represented among the answers.
    """
    ids = [f"t{i}" for i in range(200)]
    smooth = [i < 100 for i in range(200)]
    tickets = validate(pd.DataFrame({
        "ticket_id": ids, "created_at": "2026-02-01T09:00Z", "status": "solved",
        "channel": ["email" if s else "chat" for s in smooth], "reopens": [0 if s else 2 for s in smooth],
        "agent_replies": [2 if s else 5 for s in smooth], "team": ["red" if i % 2 else "blue" for i in range(200)]}),
        "tickets")
    invitations = validate(pd.DataFrame({
        "invitation_id": [f"i{i}" for i in range(200)], "survey": "csat", "sent_at": "2026-02-02T09:00Z",
        "ticket_id": ids}), "survey_invitations")
    answered = list(range(80)) + list(range(100, 120))
    scores = [5] * 72 + [2] * 8 + [5] * 6 + [1] * 14
    responses = validate(pd.DataFrame({
        "response_id": [f"r{i}" for i in answered], "survey": "csat", "score": scores, "scale": "1-5",
        "submitted_at": "2026-02-03T09:00Z", "ticket_id": [ids[i] for i in answered]}), "survey_responses")
    return tickets, invitations, responses


def test_response_rate_overall_and_by_ticket_segment_with_wilson_intervals():
    tickets, invitations, responses = client()
    overall = response_rates(invitations, responses)
    assert overall.columns.tolist() == ["segment", "invited", "responded", "response_rate", "low", "high",
                                        "small_sample"]
    assert overall[["segment", "invited", "responded", "response_rate"]].values.tolist() == [["all", 200, 100, 0.5]]
    low, high = proportion_confint(100, 200, method="wilson")
    assert (overall["low"].item(), overall["high"].item()) == pytest.approx((low, high))
    by_channel = response_rates(invitations, responses, "channel", tickets=tickets)
    assert by_channel[["segment", "channel", "invited", "responded", "response_rate"]].values.tolist() == [
        ["chat", "chat", 100, 20, 0.2], ["email", "email", 100, 80, 0.8]]
    assert not by_channel["small_sample"].any()


def test_invitations_without_ticket_match_on_requester_after_sending():
    invitations = validate(pd.DataFrame({
        "invitation_id": ["a", "b", "c"], "survey": "nps", "sent_at": "2026-03-01T09:00Z",
        "requester_id": ["u1", "u2", "u3"]}), "survey_invitations")
    responses = validate(pd.DataFrame({
        "response_id": ["r1", "r2"], "survey": "nps", "score": [9, 3], "scale": "0-10",
        "submitted_at": ["2026-03-02T09:00Z", "2026-02-01T09:00Z"], "requester_id": ["u1", "u2"]}),
        "survey_responses")
    assert mark_responded(invitations, responses)["responded"].tolist() == [True, False, False]
    rates = response_rates(invitations, responses, survey="nps")
    assert rates["responded"].item() == 1 and bool(rates["small_sample"].item())
    with pytest.raises(DataError, match="no invitations to compute a response rate from for csat"):
        response_rates(invitations, responses, survey="csat")


def test_nonresponse_bias_compares_ticket_attributes_with_corrected_tests():
    tickets, invitations, responses = client()
    bias = nonresponse_bias(invitations, responses, tickets).set_index("attribute")
    assert bias.index.tolist() == ["reopens", "agent_replies", "channel", "team"]
    reopens = bias.loc["reopens"]
    assert (reopens["respondents"], reopens["nonrespondents"]) == (0.2, 0.8)  # shares (0-1)
    assert reopens["p_value"] == pytest.approx(proportions_ztest([20, 80], [100, 100])[1])
    assert bool(reopens["significant"])
    assert reopens["statement"].startswith("Reopened at least once: 20% of respondents' tickets vs 80% of others' "
                                           "(a real difference, adjusted p = ")
    assert (bias.loc["agent_replies", "respondents"], bias.loc["agent_replies", "nonrespondents"]) == (2.0, 5.0)
    assert bias.loc["channel", "detail"] in ("chat", "email") and bool(bias.loc["channel", "significant"])
    assert not bias.loc["team", "significant"]
    assert (bias["p_adjusted"] >= bias["p_value"]).all()


def test_satisfied_are_over_represented_given_the_tickets():
    tickets, invitations, responses = client()
    result = nonresponse_adjusted_score(invitations, responses, tickets, features=["reopened"], n_boot=50, seed=1)
    row = result.iloc[0]
    assert row["observed"] == 0.78
    # non-respondents: 20 smooth tickets (about 90% satisfied) and 80 reopened ones (about 30%)
    assert row["expected_nonrespondents"] == pytest.approx((20 * 0.9 + 80 * 0.3) / 100, abs=0.02)
    assert row["all_invited"] == pytest.approx((0.78 + row["expected_nonrespondents"]) / 2)
    assert row["gap"] == pytest.approx(0.78 - row["all_invited"])
    assert row["statement"].startswith("Respondents: 78% favourable. Given their tickets, the 100 invited customers "
                                       "who did not answer would likely be ")
    assert bool(row["over_represented"]) and row["gap_low"] > 0
    assert "the satisfied are over-represented among the answers" in row["statement"]
    again = nonresponse_adjusted_score(invitations, responses, tickets, features=["reopened"], n_boot=50, seed=1)
    pd.testing.assert_frame_equal(result, again)


def test_no_bias_when_answering_does_not_depend_on_the_ticket():
    tickets, invitations, _ = client()
    answered = list(range(0, 200, 2))
    responses = validate(pd.DataFrame({
        "response_id": [f"r{i}" for i in answered], "survey": "csat",
        "score": [5 if i < 100 and i % 4 else 1 if i >= 100 and i % 4 else 4 for i in answered], "scale": "1-5",
        "submitted_at": "2026-02-03T09:00Z", "ticket_id": [f"t{i}" for i in answered]}), "survey_responses")
    result = nonresponse_adjusted_score(invitations, responses, tickets, features=["reopened"], n_boot=50)
    assert not bool(result["over_represented"].item())
    assert result["gap"].item() == pytest.approx(0, abs=1)


def test_quarterly_invitations_match_each_answer_once_within_the_window():
    invitations = validate(pd.DataFrame({
        "invitation_id": ["q1", "q2", "q3"], "survey": "nps", "requester_id": "u1",
        "sent_at": ["2026-01-10T10:00Z", "2026-04-10T10:00Z", "2026-07-10T10:00Z"]}), "survey_invitations")
    responses = validate(pd.DataFrame({
        "response_id": ["a", "b"], "survey": "nps", "score": [9, 3], "scale": "0-10", "requester_id": "u1",
        "submitted_at": ["2026-01-12T10:00Z", "2026-06-30T10:00Z"]}), "survey_responses")
    # the June answer is 81 days after the April invitation: outside the 30-day window
    assert mark_responded(invitations, responses)["responded"].tolist() == [True, False, False]
    assert mark_responded(invitations, responses, window_days=90)["responded"].tolist() == [True, True, False]


def _replies_client(respondent_replies, other_replies):
    """Tickets whose agent replies differ (or not) between those answered and those not."""
    replies = list(respondent_replies) + list(other_replies)
    ids = [f"t{i}" for i in range(len(replies))]
    tickets = validate(pd.DataFrame({"ticket_id": ids, "created_at": "2026-02-01T09:00Z", "status": "solved",
                                     "channel": "email", "agent_replies": replies}), "tickets")
    invitations = validate(pd.DataFrame({"invitation_id": [f"i{i}" for i in range(len(ids))], "survey": "csat",
                                         "sent_at": "2026-02-02T09:00Z", "ticket_id": ids}), "survey_invitations")
    answered = ids[:len(respondent_replies)]
    responses = validate(pd.DataFrame({"response_id": [f"r{t}" for t in answered], "survey": "csat", "score": 5,
                                       "scale": "1-5", "submitted_at": "2026-02-03T09:00Z", "ticket_id": answered}),
                         "survey_responses")
    return tickets, invitations, responses


def test_equal_medians_are_never_called_a_real_difference():
    # medians 2 and 2; the distributions differ (Mann-Whitney), and the means show how
    tickets, invitations, responses = _replies_client([2] * 60 + [3] * 40, [1] * 40 + [2] * 60)
    row = nonresponse_bias(invitations, responses, tickets, attributes=["agent_replies"]).iloc[0]
    assert (row["respondents"], row["nonrespondents"]) == (2.0, 2.0) and bool(row["significant"])
    assert row["statement"].startswith("Agent replies: median 2 for both, mean 2.4 for respondents vs 1.6 for "
                                       "others (the distributions differ, adjusted p = ")
    assert "real difference" not in row["statement"]


def test_equal_medians_and_means_read_as_no_clear_difference():
    tickets, invitations, responses = _replies_client([1, 2, 3] * 10, [3, 2, 1] * 10)
    row = nonresponse_bias(invitations, responses, tickets, attributes=["agent_replies"]).iloc[0]
    assert row["statement"] == (f"Agent replies: median 2 for both (no clear difference, adjusted p = "
                                f"{row['p_adjusted']:.2g}).")


def test_different_medians_keep_the_median_sentence():
    tickets, invitations, responses = client()
    row = nonresponse_bias(invitations, responses, tickets, attributes=["agent_replies"]).iloc[0]
    assert row["statement"].startswith("Agent replies (median): 2 for respondents vs 5 for others (a real difference")
