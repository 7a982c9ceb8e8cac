"""The controls a server shares with its training worker: flags, pace and single steps, across a
real process, and never a lock a killed worker could leave held."""

import multiprocessing as mp
import time

from app.runs.pace import Controls

CTX = mp.get_context("spawn")


def _obey(controls, answers):
    """A worker in miniature: waits to be paused, takes the steps asked for, reports the pace."""
    controls.paused.wait(30)
    taken = 0
    deadline = time.monotonic() + 30
    while taken < 3 and time.monotonic() < deadline:
        taken += controls.take_step()
    answers.put((taken, controls.pace, controls.take_step()))
    controls.stopping.wait(30)


def _spin(controls):
    controls.pace = -1.0  # (tests only) "spinning now"
    while True:  # what the worker does between batches, as fast as it can
        controls.take_step()
        controls.paused.is_set()
        controls.stopping.is_set()


def test_a_worker_sees_the_flags_and_pace_and_takes_each_step_once():
    controls, answers = Controls.create(CTX), CTX.Queue()
    worker = CTX.Process(target=_obey, args=(controls, answers), daemon=True)
    worker.start()
    try:
        controls.pace = 2.5
        for _ in range(3):
            controls.ask_step()  # sets paused too
        assert answers.get(timeout=30) == (3, 2.5, False)  # three steps, and no fourth
        assert controls.pending_steps() == 0
        controls.stopping.set()
        worker.join(30)
        assert worker.exitcode == 0
    finally:
        worker.kill()
        answers.close()


def test_cancelled_steps_are_not_taken_and_later_ones_are():
    controls = Controls.create(CTX)
    controls.add_steps(4)
    assert controls.take_step()
    controls.cancel_steps()  # resumed
    assert controls.pending_steps() == 0 and not controls.take_step()
    controls.ask_step()
    assert controls.pending_steps() == 1 and controls.take_step() and not controls.take_step()


def test_a_step_taken_while_the_others_were_cancelled_does_not_swallow_the_next():
    controls = Controls.create(CTX)
    controls.add_steps(2)
    controls.cancel_steps()
    controls.block[4] += 1  # the worker's take, landing just after the cancel read what was taken
    controls.ask_step()
    assert controls.pending_steps() == 1


def test_a_wait_ends_when_set_or_at_its_timeout():
    controls = Controls.create(CTX)
    started = time.monotonic()
    assert controls.stopping.wait(0.2) is False
    assert 0.15 < time.monotonic() - started < 2
    controls.stopping.set()
    assert controls.stopping.wait(5) is True and controls.stopping.is_set()
    controls.stopping.clear()
    assert not controls.stopping.is_set()


def test_commands_answer_at_once_after_a_worker_is_killed_at_any_moment():
    controls = Controls.create(CTX)
    for i in range(5):
        worker = CTX.Process(target=_spin, args=(controls,), daemon=True)
        worker.start()
        deadline = time.monotonic() + 30
        while controls.pace != -1.0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert controls.pace == -1.0
        time.sleep(0.01 * i)
        worker.kill()
        worker.join(10)
        started = time.monotonic()
        controls.ask_step()
        controls.paused.clear()
        controls.cancel_steps()
        controls.pace = 1.0
        controls.stopping.set()
        controls.stopping.clear()
        assert time.monotonic() - started < 0.5
