"""The channel from a training worker to the server: whole messages in order, and a worker killed
half-way through a message ends the channel instead of leaving the server waiting for the rest."""

import multiprocessing as mp
import queue
import time

import pytest

from app.runs.event_pipe import EventPipe

CTX = mp.get_context("spawn")
BIG = 8 * 1024 * 1024  # far more than a pipe holds (64 KiB), so its writer waits on the reader


def _say(sink, sizes):
    for i, size in enumerate(sizes):
        sink.put({"type": "test", "i": i, "text": "x" * size})


def _start(sizes):
    pipe = EventPipe(CTX)
    process = CTX.Process(target=_say, args=(pipe.sink, sizes), daemon=True)
    process.start()
    pipe.worker_started()
    return pipe, process


def _get_within(source, seconds):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return source.get(timeout=0.2)
        except queue.Empty:
            assert time.monotonic() < deadline, "no message and no end within the time"


def test_messages_arrive_whole_and_in_order_then_the_end():
    sizes = [0, 10, 300_000, 5, BIG // 4]
    pipe, process = _start(sizes)
    try:
        got = [_get_within(pipe.source, 30) for _ in sizes]
        assert [m["i"] for m in got] == list(range(len(sizes)))
        assert [len(m["text"]) for m in got] == sizes
        process.join(10)
        with pytest.raises(EOFError):  # the worker ended: its end of the pipe is closed
            _get_within(pipe.source, 10)
    finally:
        process.kill()
        pipe.close()


def test_a_worker_killed_mid_message_ends_the_channel_instead_of_a_wait_for_ever():
    pipe, process = _start([3, BIG])
    try:
        assert _get_within(pipe.source, 30)["text"] == "xxx"
        assert pipe.source._connection.poll(30)  # the big message has begun: its writer now waits
        process.kill()
        process.join(10)
        started = time.monotonic()
        with pytest.raises(EOFError):  # its first 64 KiB are read, the rest never comes
            _get_within(pipe.source, 10)
        assert time.monotonic() - started < 5
        assert pipe.source._buffer, "a part of the cut message was read, and dropped"
    finally:
        process.kill()
        pipe.close()


def test_a_quiet_worker_is_empty_not_ended():
    pipe, process = _start([])
    process.join(10)  # ended, but this reader has not looked yet
    try:
        with pytest.raises(EOFError):
            _get_within(pipe.source, 10)
    finally:
        pipe.close()
    pipe = EventPipe(CTX)  # a writer that is alive and silent: Empty after the timeout, no more
    try:
        started = time.monotonic()
        with pytest.raises(queue.Empty):
            pipe.source.get(timeout=0.3)
        assert 0.25 < time.monotonic() - started < 3
    finally:
        pipe.close()
