"""The rhythm of a watched session: an epoch waits for the frame that shows it, and an
acknowledgement wakes the scheduler only when it lets something go on."""

from __future__ import annotations

import time

import pytest

from server import protocol
from server.session import Session, handle
from server.session.frames import FRAMES_IN_FLIGHT, STALLED_SECONDS
from server.settings import Settings


@pytest.fixture
def session() -> Session:
    playing = Session(Settings())
    handle(playing, protocol.PlayMessage(type="play"))
    assert playing.training.slow_motion
    return playing


def epoch_due(session: Session) -> tuple[float, float]:
    """(now, seconds until the next epoch is due at the pace) of a session whose pace starts
    now."""
    training = session.training
    training.restart_pace()
    now = time.monotonic()
    return now, 1 / session.model.config.view.epochs_per_second - (now - training._pace_start)


def test_an_epoch_due_shortly_before_the_next_frame_is_trained_just_before_it(
        session: Session) -> None:
    now, wait = epoch_due(session)
    interval = 1 / session.model.config.view.epochs_per_second
    session.frames.next_frame_at = now + wait + 0.4 * interval
    assert session.training_delay(now) == pytest.approx(wait + 0.4 * interval)


@pytest.mark.parametrize("frame_after", [-0.5, 1.5], ids=["frame first", "after next epoch"])
def test_an_epoch_keeps_its_time_when_no_frame_falls_before_the_next_one(
        session: Session, frame_after: float) -> None:
    now, wait = epoch_due(session)
    interval = 1 / session.model.config.view.epochs_per_second
    session.frames.next_frame_at = now + wait + frame_after * interval
    assert session.training_delay(now) == pytest.approx(wait)


def test_an_epoch_keeps_its_time_when_no_periodic_frame_is_coming(session: Session) -> None:
    """Frames waiting for their acknowledgement, or one built and not sent: the training goes
    on at its pace without them."""
    now, wait = epoch_due(session)
    session.frames.next_frame_at = now + wait + 0.01
    for seq in range(1, FRAMES_IN_FLIGHT + 1):
        session.frames.in_flight.append((seq, now))
    assert session.training_delay(now) == pytest.approx(wait)
    session.frames.in_flight.clear()
    session.build_frame()
    assert session.training_delay(now) == pytest.approx(wait)


def test_an_ack_wakes_the_scheduler_only_when_a_frame_or_the_training_waited_for_it(
        session: Session) -> None:
    frames, now = session.frames, time.monotonic()
    frames.in_flight.extend([(1, now), (2, now)])
    assert len(frames.in_flight) == FRAMES_IN_FLIGHT
    assert frames.ack(1) is True        # the next periodic frame waited for this one
    assert frames.ack(2) is False       # one in flight: nothing waited
    assert frames.ack(2) is False       # nothing in flight
    frames.in_flight.append((3, now - 2 * STALLED_SECONDS))
    assert frames.stalled(now)
    assert frames.ack(3) is True        # the training waited (a stalled client)
    assert not frames.in_flight
