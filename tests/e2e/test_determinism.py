"""The same question gives byte-identical answers in every process, whatever the hash seed.

Runs `sourcebot ask --json -` in fresh processes under different PYTHONHASHSEEDs, over the
seeds and over a corpus made to expose set-order dependence: one stem written several ways
(the spelling vocabulary keeps one surface word per stem), words of equal frequency (ties
in spelling correction), and passages whose quote windows tie in weight.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.configs import ROOT, write_config

SEEDS = ("0", "1", "12345")

# One stem in many surface forms, in different orders in different passages.
TEXTS = {
    "radio.txt": (
        "Radio Work\n\n"
        "Operators received signals at night; the receivers, a receiver each, kept receiving."
        " Stations tuned and retuned, and the tuning held.\n\n"
        "The receivers were tuned by the operators. Operators received signals at night.\n\n"
        "A receiver is receiving what the transmitter sends. Receiving stations logged it.\n\n"
        "Received messages were copied by clerks. The clerks filed every received note.\n\n"
        "Transmitters and receivers were built in Marconi's workshop in 1901.\n"
    ),
    "stations.txt": (
        "Coastal Stations\n\n"
        "Stations along the coast relayed weather reports. Each station had two masts.\n\n"
        "The station masters kept logs. Logs were sent to the capital every week.\n\n"
        "In 1912 the stations received new transmitters. Operators trained for a month.\n"
    ),
}


def _questions() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "seed_questions.yaml").read_text("utf-8"))
    asked = [str(item["question"]) for item in data["questions"]]
    return [
        *asked,
        "Who did the recievers meet?",
        "What did the recievers log?",
        "When did the statoins get transmitters?",
        "Kerry & Lavrov <3 'Sochi'",
        "How many masts did each station have?",
    ]


def _ask(config: Path, seed: str, questions: list[str]) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "-", "--config", str(config)],
        input="\n".join(questions).encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.mark.parametrize("corpus", ["seeds", "made"])
def test_answers_identical_under_any_hash_seed(corpus: str, tmp_path: Path) -> None:
    if corpus == "seeds":
        config = ROOT / "config" / "bot.yaml"
    else:
        folder = tmp_path / "corpus"
        folder.mkdir()
        for name, text in TEXTS.items():
            (folder / name).write_text(text, encoding="utf-8")
        config = write_config(tmp_path, folder)
    questions = _questions()
    outputs = [_ask(config, seed, questions) for seed in SEEDS]
    assert outputs[0].count(b"\n") == len(questions)
    assert outputs[1] == outputs[0]
    assert outputs[2] == outputs[0]
