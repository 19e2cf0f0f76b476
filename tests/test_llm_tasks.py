"""Tasks and information items, on self-written problems (GSM8K itself is never committed)."""

import json

import pytest

from persuasion.llm.answers import extract_last_number
from persuasion.llm.items import load_items
from persuasion.llm.tasks import load_gsm8k, parse_gsm8k, synthetic_problems

SOCRATIC = {
    "question": "A baker makes 12 rolls and sells 5. She then bakes twice as many as are left. How many rolls are new?",
    "answer": "How many rolls are left? ** 12 - 5 = <<12-5=7>>7 rolls are left.\n"
    "How many new rolls? ** She bakes 7 * 2 = <<7*2=14>>14 new rolls.\n#### 14",
}
PLAIN = {"question": "Sam has 1,200 stamps and gives 200 away. How many remain?",
         "answer": "1,200 - 200 = <<1200-200=1000>>1,000\n#### 1,000"}


def test_parse_socratic_and_plain():
    p = parse_gsm8k(SOCRATIC["question"], SOCRATIC["answer"])
    assert p.answer == "14" and p.difficulty == 2
    assert p.subquestions == ("How many rolls are left?", "How many new rolls?")
    q = parse_gsm8k(PLAIN["question"], PLAIN["answer"])
    assert q.answer == "1000" and q.subquestions == ()
    with pytest.raises(ValueError, match="must end with a line '#### <final answer>'"):
        parse_gsm8k("q", "no final line")


def test_load_gsm8k_from_a_folder(tmp_path, monkeypatch):
    (tmp_path / "test_socratic.jsonl").write_text(json.dumps(SOCRATIC) + "\n" + json.dumps(SOCRATIC) + "\n")
    (tmp_path / "test.jsonl").write_text(json.dumps(PLAIN) + "\n")
    monkeypatch.setenv("GSM8K_DIR", str(tmp_path))
    assert len(load_gsm8k()) == 2 and load_gsm8k(limit=1)[0].id == "gsm8k-test-0"
    assert load_gsm8k(socratic=False)[0].answer == "1000"
    monkeypatch.delenv("GSM8K_DIR")
    monkeypatch.setenv("PERSUASION_CACHE", str(tmp_path / "empty-cache"))  # no downloaded copy either
    with pytest.raises(ValueError, match="make data"):
        load_gsm8k()
    with pytest.raises(ValueError, match="GSM8K file not found"):
        load_gsm8k(tmp_path, split="train")


def test_synthetic_problems_are_seeded_and_correct():
    a, b = synthetic_problems(50, 3), synthetic_problems(50, 3)
    assert a == b
    for p in a:
        # Re-evaluate every step; each starts from the previous result and the last gives the answer.
        value = None
        for step in p.steps:
            lhs, rhs = step.split(" = ")
            x, op, y = lhs.split()
            x, y, rhs = int(x), int(y), int(rhs)
            assert value is None or x == value
            assert {"+": x + y, "-": x - y, "*": x * y, "/": x // y}[op] == rhs
            if op == "/":
                assert x % y == 0
            value = rhs
        assert str(value) == p.answer and 1 <= p.difficulty <= 6


def test_extract_last_number():
    assert extract_last_number("The answer is 42.") == "42"
    assert extract_last_number("x = -3.5, so -3.5") == "-3.5"
    assert extract_last_number("about 2.0 pounds") == "2"
    assert extract_last_number("no digits") is None


def test_user_items_file(tmp_path):
    good = tmp_path / "items.jsonl"
    good.write_text(json.dumps({"id": "x", "items": [f"hint {i}" for i in range(7)]}) + "\n")
    assert load_items(good)["x"][3] == "hint 3"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "items": ["only one"]}) + "\n")
    with pytest.raises(ValueError, match="must hold 7 strings; got 1"):
        load_items(bad)
    with pytest.raises(ValueError, match="items file not found"):
        load_items(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: synthetic_problems(0, 0), "n must be a positive integer"),
        (lambda: synthetic_problems(3, 0, min_steps=4, max_steps=2), "1 <= min_steps <= max_steps"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
