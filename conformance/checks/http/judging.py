"""How a parsing case is judged from its outcome (batch.py): the answers a server may give, as
the sentence of its requirement allows them.

  Refuse    a refusal: one of the statuses, never the app's report, then (where the RFC says so)
            the close, and the request after it never answered
  Accept    the app's report (the probe's /parsed) says what a correct parse gives, and the
            request after it is answered, or the connection closed cleanly
  Either    a refusal or an acceptance, as the sentence allows both
  Waits     a refusal, or the server still reading what it was told is coming: never the app's
            report, never the request after it
  InOrder   the pipelined reports come back in the order sent
  Closes    the server closes the connection
  Skips     the request inside a body the app never read never reaches the app
  Observe   informational: what the server did, never a failure
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from conformance.checks.http.batch import DEADLINE, Answer, Outcome
from conformance.verify import verify

Report = dict[str, Any]  # what /parsed says the app was handed


def report(answer: Answer) -> Report | None:
    """The app's /parsed report, if this answer is one."""
    try:
        payload = json.loads(answer.body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) and "headers" in payload and "body" in payload else None


def header(parsed: Report, name: str) -> list[str]:
    return [value for key, value in parsed["headers"] if key == name]


def describe(outcome: Outcome) -> str:
    parts = []
    for answer in outcome.answers:
        parsed = report(answer)
        if parsed is None:
            parts.append(f"status {answer.status}" + (f" ({answer.body[:60]!r})" if answer.body else ""))
        else:
            shown = {k: parsed[k] for k in ("method", "path", "query") if parsed[k]}
            probe = [h for h in parsed["headers"] if h[0].startswith("x-probe") and h[0] != "x-probe-token"]
            parts.append(f"status {answer.status} from the app, which was handed {shown}, body {parsed['body']!r}"
                         + (f", headers {probe}" if probe else ""))
    text = "; then ".join(parts) or "no response"
    if outcome.stray:
        text += f"; then bytes that are no response: {outcome.stray[:80]!r}"
    text += "; then the server closed the connection" if outcome.closed else \
        f"; the connection still open {DEADLINE:g} s later"
    if outcome.after:
        text += "; the request sent after it reached the app"
    return text


@dataclass(frozen=True)
class Verdict:
    ok: bool
    expected: str
    observation: str = ""


def _statuses(statuses: tuple[int, ...]) -> str:
    return " or ".join(str(s) for s in statuses)


@dataclass(frozen=True)
class Refuse:
    statuses: tuple[int, ...] = (400,)
    close: bool = True
    reported: tuple[int, ...] = ()  # also pass, and are reported: what another sentence allows

    def holds(self, outcome: Outcome) -> bool:
        if not outcome.answers or outcome.answers[0].status not in self.statuses + self.reported:
            return False
        if report(outcome.answers[0]) is not None:
            return False
        if not self.close:
            return True
        return closed_after_one(outcome)

    def expected(self) -> str:
        text = f"a {_statuses(self.statuses)} refusal"
        if self.reported:
            text += f" ({_statuses(self.reported)} also passes)"
        return text + (", then the connection closed, the request after it never answered" if self.close else "")

    def judge(self, outcome: Outcome) -> Verdict:
        ok = self.holds(outcome)
        status = outcome.answers[0].status if outcome.answers else None
        return Verdict(ok, self.expected(), f"refused with {status}" if ok and status in self.reported else "")


def closed_after_one(outcome: Outcome) -> bool:
    """One answer, then the close: the request sent after it never answered."""
    return len(outcome.answers) == 1 and outcome.closed and not outcome.stray and not outcome.after


@dataclass(frozen=True)
class Accept:
    check: Callable[[Report], str]  # what is wrong with the app's report, or ""
    wanted: str  # what a correct parse hands the app
    then_close: bool = False  # the RFC asks for the close after the response, whatever it was

    def holds(self, outcome: Outcome) -> bool:
        parsed = report(outcome.answers[0]) if outcome.answers else None
        if parsed is None or outcome.answers[0].status != 200 or self.check(parsed):
            return False
        if self.then_close:
            return closed_after_one(outcome)
        followed = len(outcome.answers) >= 2 and outcome.answers[1].status == 200 and outcome.after
        return followed or closed_after_one(outcome)

    def expected(self) -> str:
        if self.then_close:
            return f"the app handed {self.wanted}, then the connection closed, the request after it never answered"
        return f"the app handed {self.wanted}, then the request after it answered (or a clean close)"

    def judge(self, outcome: Outcome) -> Verdict:
        return Verdict(self.holds(outcome), self.expected())


@dataclass(frozen=True)
class Either:
    refuse: Refuse
    accept: Accept

    def judge(self, outcome: Outcome) -> Verdict:
        refused, accepted = self.refuse.holds(outcome), self.accept.holds(outcome)
        return Verdict(refused or accepted, f"{self.refuse.expected()}; or {self.accept.expected()}",
                       "refused" if refused else "accepted" if accepted else "")


@dataclass(frozen=True)
class Waits:
    refuse: Refuse

    def judge(self, outcome: Outcome) -> Verdict:
        waiting = not any(report(a) for a in outcome.answers) and not outcome.after
        ok = self.refuse.holds(outcome) or (waiting and not outcome.answers)
        return Verdict(ok, f"{self.refuse.expected()}; or the server still reading the body it was told of "
                           "(no answer): never the app's report of the bytes sent",
                       "" if not ok else "refused" if outcome.answers else "waiting for the rest")


@dataclass(frozen=True)
class InOrder:
    order: tuple[str, ...]

    def judge(self, outcome: Outcome) -> Verdict:
        """A server may close after any response (then it answers fewer): those it sends are in order."""
        got = [(report(a) or {}).get("n") for a in outcome.answers]
        answered = next((i for i, n in enumerate(got) if n is None), len(got))
        whole = answered >= len(self.order) or (answered == len(got) and outcome.closed)
        ok = answered >= 1 and tuple(got[:answered]) == self.order[:answered] and whole
        return Verdict(ok, f"the app's reports in the order sent (n = {', '.join(self.order)}), or the first of "
                           "them in that order, then the close")


@dataclass(frozen=True)
class Closes:
    def judge(self, outcome: Outcome) -> Verdict:
        return Verdict(outcome.closed and len(outcome.answers) <= 1 and not outcome.after,
                       f"any answer (or none), then the connection closed within {DEADLINE:g} s, the request after "
                       "it never answered")


@dataclass(frozen=True)
class Skips:
    """The request inside an unread body (it records "smuggled") never reaches the app."""

    def judge(self, outcome: Outcome) -> Verdict:
        answered = bool(outcome.answers) and outcome.answers[0].status == 200
        return Verdict(answered and "smuggled" not in outcome.events and len(outcome.answers) <= 2,
                       "the response, then the request after it answered or the connection closed: the request "
                       "inside the body never answered")


@dataclass(frozen=True)
class Observe:
    detail: Callable[[Report], str] | None = None  # what to say of the app's report, when served

    def judge(self, outcome: Outcome) -> Verdict:
        first = outcome.answers[0] if outcome.answers else None
        parsed = report(first) if first else None
        way = "no response" if first is None else f"refused with {first.status}" if parsed is None else \
            "served" + (f", {self.detail(parsed)}" if self.detail else "")
        return Verdict(True, "(informational)", way)


Rule = Refuse | Accept | Either | Waits | InOrder | Closes | Skips | Observe


class Parsing:
    """The outcomes of every case on one running server, judged one case per check."""

    def __init__(self, outcomes: dict[str, Outcome], observe: Callable[[str], None]) -> None:
        self.outcomes, self.observe = outcomes, observe

    def verify(self, case: Any) -> None:
        """Judge ``case`` (a cases.Case) by its rule; fail the check as its requirement's sentence says."""
        if case.needs and not case.needs[0].rule.judge(self.outcomes[case.needs[0].name]).ok:
            pytest.skip(f"not applicable: the server does not decode a well-formed chunked body (its failure is "
                        f"{case.needs[1]}'s)")
        outcome = self.outcomes[case.name]
        verdict = case.rule.judge(outcome)
        if verdict.observation:
            self.observe(f"{case.shows}: {verdict.observation}")
        then = "then a request with Connection: close"
        if outcome.alone:
            then = f"{PIPELINING_SET_ASIDE}, {then} once the first was answered"
            self.observe(f"{case.shows}: {PIPELINING_SET_ASIDE}")
        verify(verdict.ok, sent=f"{case.shows}, {then}", expected=verdict.expected, got=describe(outcome))


PIPELINING_SET_ASIDE = ("sent again, not pipelined (the server drops the first of two pipelined requests: "
                        "HTTP1-PARSE-066's failure)")
