"""The distributed mode's two services, reached the same way from a web replica and a worker.

    Redis        the job queue (RQ), each run's event stream, its controls and its worker's lease
    PostgreSQL   the record of runs: configs, statuses, per-epoch metrics (``pg_store.py``)

Everything a run keeps in Redis is under ``convscope:run:<id>:``:

    events     a stream (XADD by whoever speaks for the run, XREAD by every web replica)
    controls   a hash: paused, stopping, pace, steps (what the viewers asked of the worker)
    lease      the id of the job training the run, with a time to live its worker renews
    owner      the id of the job that may train the run (a newer job fences an older one off)

Start-up checks that both answer within ``service_timeout`` seconds, and otherwise says which one
did not and why, instead of hanging on the first request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

QUEUE_NAME = "convscope-runs"


def key(run_id: str, what: str) -> str:
    return f"convscope:run:{run_id}:{what}"


class ServiceUnavailable(RuntimeError):
    """Redis or PostgreSQL cannot be reached; the message says which, where and why."""


def where(url: str) -> str:
    """``host:port`` of a service URL, without its password (for messages)."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or ''}".rstrip(":") or url


#: Seconds any one Redis or PostgreSQL call may take before it counts as the service being away:
#: a host that drops packets, rather than refusing them, must give a 503 and not a hang.
CALL_TIMEOUT = 10


def redis_client(url: str, timeout: float, decode: bool = True) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=CALL_TIMEOUT,
                                socket_keepalive=True, health_check_interval=10, decode_responses=decode)


def async_redis_client(url: str, timeout: float) -> Any:
    import redis.asyncio

    # Longer than a relay's blocking read (StreamRelay.BLOCK_MS) by far, short enough to notice.
    return redis.asyncio.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=CALL_TIMEOUT,
                                        socket_keepalive=True, decode_responses=True)


def postgres_options(timeout: float) -> dict[str, Any]:
    """psycopg.connect's keyword arguments: a connect timeout, TCP keepalives and a per-statement
    limit, so that a vanished database host is noticed within seconds."""
    return {"connect_timeout": max(1, int(timeout)), "keepalives": 1, "keepalives_idle": 5,
            "keepalives_interval": 2, "keepalives_count": 2, "tcp_user_timeout": CALL_TIMEOUT * 1000,
            "options": f"-c statement_timeout={CALL_TIMEOUT * 1000}"}


def check_redis(url: str, timeout: float) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ServiceUnavailable(f"cannot reach Redis at {where(url)} (CONVSCOPE_REDIS_URL) within "
                                 f"{timeout:g} s: {exc}") from None
    finally:
        client.close()


def check_postgres(url: str, timeout: float) -> None:
    import psycopg

    try:
        psycopg.connect(url, autocommit=True, **postgres_options(timeout)).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ServiceUnavailable(f"cannot reach PostgreSQL at {where(url)} (CONVSCOPE_DATABASE_URL) within "
                                 f"{timeout:g} s: {reason}") from None


def check_services(settings: Any) -> None:
    """Raise ``ServiceUnavailable`` unless both of the distributed mode's services answer."""
    check_redis(settings.redis_url, settings.service_timeout)
    check_postgres(settings.database_url, settings.service_timeout)
