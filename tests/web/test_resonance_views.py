"""The resonance-rate assessment: plan, scoring by attune.core, applying the chosen rate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from live_helpers import chunks, paced_rr

from attune.web.physio import actions
from attune.web.physio.models import RESONANCE_RATES_BPM, Recording, ResonanceAssessment


def _segment(assessment: ResonanceAssessment, rate: float, *, depth_ms: float, seconds: float = 125) -> Recording:
    rec = actions.start_recording(
        assessment.user, kind="resonance", assessment=assessment, segment_rate_bpm=rate, pacer_bpm=rate
    )
    rr = paced_rr(seconds, breath_hz=rate / 60, depth_ms=depth_ms, seed=int(rate * 10))
    for seq, group in enumerate(chunks(rr, 4), start=1):
        actions.append_beats(rec, seq, group)
    return actions.finish_recording(rec)


@pytest.fixture
def assessed(owner: Any) -> ResonanceAssessment:
    """Five segments; at 5.5 breaths a minute the heart rate swings far more than at the others."""
    assessment = actions.start_assessment(owner)
    for rate in RESONANCE_RATES_BPM:
        _segment(assessment, rate, depth_ms=90.0 if rate == 5.5 else 20.0)
    return assessment


def test_starting_an_assessment_returns_the_plan(owner_client: Client, owner: Any) -> None:
    body = owner_client.post(reverse("physio:resonance_start")).json()
    assert body["rates_bpm"] == [6.5, 6.0, 5.5, 5.0, 4.5]
    assert (body["segment_s"], body["rest_s"], body["quick"]) == (120, 60, False)
    assert ResonanceAssessment.objects.get(pk=body["assessment"]).user == owner
    assert body["apply_url"] == reverse("physio:resonance_apply", args=[body["assessment"]])


def test_quick_mode_takes_a_minute_a_rate_with_shorter_rests(owner_client: Client) -> None:
    body = owner_client.post(reverse("physio:resonance_start"), {"quick": "true"}).json()
    assert (body["segment_s"], body["rest_s"], body["quick"]) == (60, 30, True)


def test_a_segment_recording_is_tied_to_its_rate(owner_client: Client, owner: Any) -> None:
    assessment = actions.start_assessment(owner)
    body = owner_client.post(
        reverse("live:start_recording"), {"assessment": assessment.pk, "segment_rate_bpm": "5.5"}
    ).json()
    rec = Recording.objects.get(pk=body["id"])
    assert rec.assessment == assessment and rec.segment_rate_bpm == 5.5 and rec.pacer_bpm == 5.5
    assert rec.kind == "resonance"
    refused = owner_client.post(
        reverse("live:start_recording"), {"assessment": assessment.pk, "segment_rate_bpm": "5.2"}
    )
    assert refused.status_code == 400


def test_the_rate_with_clearly_larger_swing_wins(owner_client: Client, assessed: ResonanceAssessment) -> None:
    response = owner_client.post(reverse("physio:resonance_score", args=[assessed.pk]), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["best_rate_bpm"] == 5.5
    rows = {r["rate_bpm"]: r for r in body["result"]["rates"]}
    assert set(rows) == set(RESONANCE_RATES_BPM)
    assert all(rows[5.5]["peak_to_trough_bpm"] > 2 * rows[r]["peak_to_trough_bpm"] for r in rows if r != 5.5)
    assessed.refresh_from_db()
    assert assessed.best_rate_bpm == 5.5 and assessed.scored_at is not None


def test_the_result_page_shows_the_evidence_for_each_rate(owner_client: Client, assessed: ResonanceAssessment) -> None:
    actions.score_assessment(assessed)
    html = owner_client.get(reverse("physio:resonance_result", args=[assessed.pk])).content.decode()
    for rate in ("6.5", "6", "5.5", "5", "4.5"):
        assert f"<strong>{rate}</strong>" in html
    assert "Heart-rate swing" in html and "What do these columns mean?" in html
    assert "Use 5.5 breaths a minute" in html


def test_a_too_short_segment_is_listed_but_not_scored(owner: Any) -> None:
    assessment = actions.start_assessment(owner, quick=True)
    _segment(assessment, 6.0, depth_ms=40.0, seconds=70)
    _segment(assessment, 5.0, depth_ms=40.0, seconds=30)
    actions.score_assessment(assessment)
    rows = {r["rate_bpm"]: r for r in assessment.result["rates"]}
    assert rows[6.0]["usable"] and not rows[5.0]["usable"]
    assert assessment.best_rate_bpm == 6.0


def test_scoring_with_no_usable_segment_says_why(owner_client: Client, owner: Any) -> None:
    assessment = actions.start_assessment(owner)
    response = owner_client.post(
        reverse("physio:resonance_score", args=[assessment.pk]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "nothing to score" in response.json()["error"]


def test_applying_sets_the_members_default_pacer_rate(
    owner_client: Client, owner: Any, assessed: ResonanceAssessment
) -> None:
    actions.score_assessment(assessed)
    response = owner_client.post(reverse("physio:resonance_apply", args=[assessed.pk]), HTTP_ACCEPT="application/json")
    assert response.json() == {"default_pacer_bpm": 5.5}
    owner.refresh_from_db()
    assert owner.default_pacer_bpm == 5.5
    assessed.refresh_from_db()
    assert assessed.applied and assessed.applied_rate_bpm == 5.5


def test_the_member_may_choose_another_assessed_rate_and_assess_again(
    owner_client: Client, owner: Any, assessed: ResonanceAssessment
) -> None:
    actions.score_assessment(assessed)
    owner_client.post(reverse("physio:resonance_apply", args=[assessed.pk]), {"rate_bpm": "6"})
    owner.refresh_from_db()
    assert owner.default_pacer_bpm == 6.0
    bad = owner_client.post(reverse("physio:resonance_apply", args=[assessed.pk]), {"rate_bpm": "5.2"})
    assert bad.status_code == 400
    second = actions.start_assessment(owner)
    _segment(second, 4.5, depth_ms=60.0)
    actions.score_assessment(second)
    actions.apply_rate(second)
    owner.refresh_from_db()
    assessed.refresh_from_db()
    assert owner.default_pacer_bpm == 4.5 and not assessed.applied


def test_applying_before_scoring_is_refused(owner_client: Client, owner: Any) -> None:
    assessment = actions.start_assessment(owner)
    response = owner_client.post(
        reverse("physio:resonance_apply", args=[assessment.pk]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.default_pacer_bpm is None


@pytest.mark.parametrize("name", ["physio:resonance_score", "physio:resonance_apply"])
def test_another_member_gets_404_and_changes_nothing(
    other_client: Client, owner: Any, name: str, assessed: ResonanceAssessment
) -> None:
    assert other_client.post(reverse(name, args=[assessed.pk])).status_code == 404
    assessed.refresh_from_db()
    owner.refresh_from_db()
    assert assessed.scored_at is None and owner.default_pacer_bpm is None


def test_another_member_cannot_see_the_result_or_record_into_it(
    other_client: Client, assessed: ResonanceAssessment
) -> None:
    assert other_client.get(reverse("physio:resonance_result", args=[assessed.pk])).status_code == 404
    response = other_client.post(reverse("live:start_recording"), {"assessment": assessed.pk, "segment_rate_bpm": "6"})
    assert response.status_code == 400
    assert assessed.segments.count() == 5


def test_the_assessment_index_lists_past_assessments(owner_client: Client, assessed: ResonanceAssessment) -> None:
    actions.score_assessment(assessed)
    html = owner_client.get(reverse("physio:resonance")).content.decode()
    assert reverse("physio:resonance_result", args=[assessed.pk]) in html
    assert "dizzy" in html


def test_each_evidence_cell_is_named_so_a_phone_can_show_a_rate_as_a_card(
    owner_client: Client, assessed: ResonanceAssessment
) -> None:
    actions.score_assessment(assessed)
    html = owner_client.get(reverse("physio:resonance_result", args=[assessed.pk])).content.decode()
    assert html.count('data-label="Heart-rate swing"') == 5
    assert html.count('data-label="Overall"') == 5
    assert html.count('data-best="true"') == 1 and "physio/physio.css" in html


def test_an_unscored_rate_shows_its_note_across_the_evidence_columns(owner_client: Client, owner: Any) -> None:
    assessment = actions.start_assessment(owner, quick=True)
    _segment(assessment, 6.0, depth_ms=40.0, seconds=70)
    _segment(assessment, 5.0, depth_ms=40.0, seconds=30)
    actions.score_assessment(assessment)
    html = owner_client.get(reverse("physio:resonance_result", args=[assessment.pk])).content.decode()
    assert 'class="evidence-note" colspan="5"' in html and "not scored" in html


def test_a_result_stores_numbers_and_the_page_words_them(owner_client: Client, assessed: ResonanceAssessment) -> None:
    actions.score_assessment(assessed)
    assessed.refresh_from_db()
    assert set(assessed.result) == {"format", "criteria", "rates"}
    for row in assessed.result["rates"]:
        assert all(not isinstance(v, str) for v in row.values()), row  # no sentences, no formatted cells
    body = owner_client.post(
        reverse("physio:resonance_score", args=[assessed.pk]), HTTP_ACCEPT="application/json"
    ).json()
    assert f"{assessed.best_rate_bpm:g} breaths a minute had the strongest overall evidence" in body["summary"]
    assert "bpm</td>" in body["evidence_html"] and 'data-best="true"' in body["evidence_html"]


def test_the_migration_drops_stored_wording_and_keeps_the_numbers(owner: Any) -> None:
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("attune.web.physio.migrations.0002_resonance_result_numbers")
    old = {
        "rates": [{"rate_bpm": 6.0, "score": 0.8, "usable": True, "cells": ["6", "12.0 bpm"]}],
        "columns": [{"label": "Breaths a minute", "what": ""}],
        "summary": "Of the 1 rate you tried...",
        "method": "Mean of four criteria",
        "criteria": ["peak_to_trough"],
    }
    assessment = ResonanceAssessment.objects.create(user=owner, result=old)
    migration.to_numbers(django_apps, None)
    assessment.refresh_from_db()
    assert assessment.result == {
        "rates": [{"rate_bpm": 6.0, "score": 0.8, "usable": True}],
        "criteria": ["peak_to_trough"],
        "format": 2,
    }
