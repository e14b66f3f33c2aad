"""`support-toolkit maturity validate` and `score`: the interface outside checks use."""

from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "maturity"


def run(args, capsys):
    """Run the CLI in-process; success returns normally, errors end with SystemExit."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_a_valid_model(capsys):
    code, out, err = run(["maturity", "validate", str(FIXTURES / "tiny.yaml")], capsys)
    assert (code, err) == (0, "")
    assert out == (f"{FIXTURES / 'tiny.yaml'}: model 'tiny' version 0.1 is valid: 2 dimensions, 6 questions, "
                   "7 recommendations, 1 evidence claim (1 check)\n")


def test_validate_the_shipped_model(capsys):
    from toolkit.maturity.model import default_model_path

    code, out, _ = run(["maturity", "validate", str(default_model_path())], capsys)
    assert code == 0 and out.count("\n") == 1 and "10 dimensions, 35 questions" in out


def test_validate_a_broken_model_exits_2_with_the_error_on_stderr(capsys):
    file = FIXTURES / "broken_four_levels.yaml"
    code, out, err = run(["maturity", "validate", str(file)], capsys)
    assert (code, out) == (2, "")
    assert err == (f"error: file {file}, `dimensions[1].questions[0].levels`: expected a list of exactly 5 level "
                   "descriptors (texts), level 1 first, found a list of 4 entries\n")


def test_score_writes_tidy_csvs(tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run(["maturity", "score", "--answers", str(FIXTURES / "tiny_answers.csv"),
                          "--model", str(FIXTURES / "tiny.yaml"), "--out", str(out_dir)], capsys)
    assert (code, err) == (0, "")
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "dimension_scores.csv", "disagreements.csv", "overall_scores.csv", "question_scores.csv",
        "respondent_scores.csv", "roadmap.csv"]
    assert out == (f"overall 2.64 (target 3.33, coverage 80%, 3 respondents); 1 dimensions with disagreements; "
                   f"3 roadmap steps; wrote 6 CSVs to {out_dir}\n")
    dims = pd.read_csv(out_dir / "dimension_scores.csv")
    assert dims["score"].tolist() == [2.333333, 3.25]
    assert pd.read_csv(out_dir / "overall_scores.csv")["score"].tolist() == [2.638889]
    assert pd.read_csv(out_dir / "question_scores.csv")["question_id"].tolist() == ["A-1", "A-2", "A-3", "B-1",
                                                                                     "B-2", "B-3"]
    assert pd.read_csv(out_dir / "roadmap.csv")["question_id"].tolist() == ["B-3", "A-1", "B-1"]


def test_score_with_targets_and_portfolio(tmp_path, capsys):
    targets = tmp_path / "targets.yaml"
    targets.write_text("alpha: 2\nbeta: 3\n")
    portfolio = tmp_path / "portfolio.csv"
    portfolio.write_text("engagement,dimension_id,score\nE1,alpha,2\nE2,alpha,3\n")
    code, _, err = run(["maturity", "score", "--answers", str(FIXTURES / "tiny_answers.yaml"), "--model",
                        str(FIXTURES / "tiny.yaml"), "--out", str(tmp_path / "o"), "--targets", str(targets),
                        "--portfolio", str(portfolio), "--combine", "mean"], capsys)
    assert (code, err) == (0, "")
    assert pd.read_csv(tmp_path / "o" / "roadmap.csv").empty
    assert pd.read_csv(tmp_path / "o" / "portfolio.csv")["percentile"].iloc[0] == 50.0


def test_score_with_unknown_questions_exits_2(tmp_path, capsys):
    answers = tmp_path / "a.csv"
    answers.write_text("respondent,role,question_id,level\nAnn,manager,ZZ-1,3\n")
    code, out, err = run(["maturity", "score", "--answers", str(answers), "--model", str(FIXTURES / "tiny.yaml"),
                          "--out", str(tmp_path / "o")], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: file {answers}, table maturity_answers, column `question_id`: question ids not "
                          "in model 'tiny' version 0.1 (row 2 ('ZZ-1'))")


def test_score_on_the_sample_client(tmp_path, capsys):
    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    if not (samples / "maturity_answers.csv").exists():
        pytest.skip("no sample answers")
    code, out, err = run(["maturity", "score", "--answers", str(samples / "maturity_answers.csv"), "--out",
                          str(tmp_path), "--portfolio", str(samples / "portfolio_scores.csv")], capsys)
    assert (code, err) == (0, ""), err
    assert "3 dimensions with disagreements" in out
    assert pd.read_csv(tmp_path / "portfolio.csv")["percentile"].notna().all()



def test_score_with_data_writes_evidence(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    rows = ["ticket_id,created_at,status,channel,reopens,agent_replies"]
    rows += [f"t{i},2026-01-0{1 + i % 9}T10:00:00Z,solved,email,{1 if i < 3 else 0},1" for i in range(10)]
    (data / "tickets.csv").write_text("\n".join(rows) + "\n")
    code, out, err = run(["maturity", "score", "--answers", str(FIXTURES / "tiny_answers.csv"), "--model",
                          str(FIXTURES / "tiny.yaml"), "--out", str(tmp_path / "o"), "--data", str(data)], capsys)
    assert (code, err) == (0, "")
    assert "the data contradicts 1 of 1 interview claims (0 without enough data)" in out
    evidence = pd.read_csv(tmp_path / "o" / "evidence.csv", keep_default_na=False).iloc[0]
    assert (evidence["claim_id"], evidence["verdict"]) == ("EV-reopen", "contradicted")
    assert evidence["reason"] == ("30.0% of 10 solved tickets were reopened (the claim needs the share of solved "
                                  "tickets that were reopened to be at most 10%)")
    assert evidence["contradicted_respondents"] == "Ann (manager, level 4)"
