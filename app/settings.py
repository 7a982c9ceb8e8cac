"""Runtime configuration, read once from ``CONVSCOPE_*`` environment variables.

Every limit the app enforces lives here so it is visible, documented and
configurable in one place.  ``Settings()`` gives the defaults;
``Settings.from_env()`` overrides any field ``foo_bar`` from the environment
variable ``CONVSCOPE_FOO_BAR``.  Values that cannot be parsed or that are out of
range raise :class:`SettingsError` naming the variable, instead of failing later
in some unrelated place.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from app.paths import ROOT
from model.architecture import NetworkLimits

ENV_PREFIX = "CONVSCOPE_"


class SettingsError(ValueError):
    """A configuration value is malformed or out of range."""


@dataclass(frozen=True)
class Settings:
    #: Interface ``convscope serve`` binds to. Use 0.0.0.0 in a container.
    host: str = "127.0.0.1"
    #: TCP port ``convscope serve`` listens on.
    port: int = 8000
    #: Largest accepted upload body (an image, or a drawing sent as a file), in bytes, counted while
    #: it streams in.
    max_upload_bytes: int = 20_000_000
    #: Largest body of every other request (JSON), in bytes: a lesson needs a few kilobytes, and
    #: the largest a page sends (a 28 x 28 drawing's pixels) about 16 kB.
    max_json_bytes: int = 64_000
    #: Deepest nesting of arrays and objects a JSON body may have.
    max_json_depth: int = 32
    #: Largest decoded image (width * height) accepted; guards against
    #: decompression bombs.
    max_image_pixels: int = 40_000_000
    #: Longest side of an uploaded image, and of a drawing, in pixels: a 1 x 40,000,000 image is
    #: within the pixel limit but costs seconds and gigabytes to decode and resample.
    max_image_side: int = 16_384
    max_digit_side: int = 4_096
    #: Requests that may decode or filter an image at the same time, and that may run the engine
    #: (digits, receptive fields, lessons) at the same time; one more is a 503 with Retry-After.
    max_concurrent_images: int = 2
    max_concurrent_engine: int = 4
    #: A request that finds every slot of its kind taken waits its turn this long (milliseconds),
    #: in a queue of at most this many per kind; past either it is a 503.
    slot_wait_ms: int = 2000
    max_slot_queue: int = 32
    #: Worker threads that run request work (parsing, decoding, the engine, every plain ``def``
    #: route) at once; more wait their turn. Each one is a thread the event loop's thread must win
    #: the GIL from between two requests, so fewer answer /api/health sooner under load.
    worker_threads: int = 8
    #: Slow and idle clients: seconds a client has to send a request's headers, and its body; seconds
    #: an idle keep-alive connection stays open; connections at once, in all and from one address.
    header_timeout: int = 10
    body_timeout: int = 60
    keep_alive_timeout: int = 5
    max_connections: int = 2000
    max_connections_per_client: int = 300
    #: Largest kernel side length a user may ask for (kernels are k x k).
    max_kernel_size: int = 15
    #: How big a network a learner may design and train (POST /api/networks, POST /api/runs):
    #: layers, output channels per conv layer, parameters, and multiply-adds per image. Each is a
    #: 422 naming the layer or the total when exceeded.
    max_network_layers: int = 16
    max_network_channels: int = 256
    max_network_params: int = 5_000_000
    max_network_macs: int = 20_000_000
    #: Imported networks kept on disk (under the runs directory); older ones are deleted, except
    #: the one being served.
    max_imports_kept: int = 10
    #: Trained LeNet-5 weights loaded at start-up.
    weights_path: Path = field(default_factory=lambda: ROOT / "model" / "weights" / "lenet5-mnist.npz")
    #: Where training runs write their logs and checkpoints.
    runs_dir: Path = field(default_factory=lambda: ROOT / "runs")
    #: The IDX directory training runs read (the same variable the CLI reads): the bundled
    #: MNIST by default, or e.g. /usr/share/datasets/fashion-mnist.
    data_dir: Path = field(default_factory=lambda: ROOT / "data" / "mnist")
    #: Memory the in-process store of uploaded images may use (decoded pixels plus previews), in
    #: bytes; past it the least recently used images are dropped.
    image_store_bytes: int = 512 * 1024 * 1024
    #: Longest side, in pixels, of the downscaled preview kept beside each uploaded image.
    preview_max_side: int = 1600
    #: Largest drawing (width * height) the digit classifier accepts.
    max_digit_pixels: int = 4_000_000
    #: Training runs that may train at the same time; the rest wait in a queue. (The distributed
    #: mode has no such limit: each worker trains one run, so the number of workers is it.)
    max_concurrent_runs: int = 1
    #: Runs that may wait in that queue; one more is refused with 429.
    max_queued_runs: int = 20
    #: Cores one training run may use (1 or 2; see model/parallel.py).
    train_threads: int = 2
    #: Origins allowed to call the API from other sites (CORS), comma-separated; none by default.
    cors_origins: tuple[str, ...] = ()
    #: WebSocket viewers of training runs, in all and from one client address.
    max_ws_connections: int = 1000
    max_ws_per_client: int = 256
    #: Finished runs kept on disk (with their checkpoints); the oldest are pruned past either limit.
    max_runs_kept: int = 100
    max_runs_bytes: int = 2 * 1024 ** 3
    #: A run's replay on disk: its per-batch history and its snapshots (app/runs/snapshots.py), in
    #: bytes; past it the snapshots are thinned and the history keeps every other step.
    max_replay_bytes: int = 20 * 1024 ** 2
    #: Where Fashion-MNIST is (Debian's dataset-fashion-mnist package installs it here).
    fashion_mnist_dir: Path = field(default_factory=lambda: Path("/usr/share/datasets/fashion-mnist"))
    #: The distributed mode (app/distributed/): runs are queued on this Redis, their events go
    #: through its streams, and their record lives in this PostgreSQL database. Both or neither:
    #: unset, everything runs in one process tree with SQLite. ``runs_dir`` must then be a
    #: directory every web replica and worker mounts (the checkpoints, weights and replays).
    redis_url: str = ""
    database_url: str = ""
    #: Seconds a worker's lease on its run lasts without being renewed (it renews it every third
    #: of that); past it the run is taken for dead, marked interrupted and queued again.
    worker_lease_seconds: int = 6
    #: Seconds a web replica or a worker waits for Redis or PostgreSQL at start-up before saying
    #: it cannot reach them.
    service_timeout: int = 5
    #: Messages kept in each run's event stream; a replica that fell further behind reads the
    #: run's record (its snapshot) instead.
    event_stream_length: int = 5000

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise SettingsError(f"host ({ENV_PREFIX}HOST) must not be empty")
        if not 0 < self.port < 65536:
            raise SettingsError(f"port ({ENV_PREFIX}PORT) must be between 1 and 65535, got {self.port}")
        for name in ("max_upload_bytes", "max_image_pixels", "max_kernel_size", "max_network_layers",
                     "max_network_channels", "max_network_params", "max_network_macs", "max_imports_kept"):
            value = getattr(self, name)
            if value < 1:
                raise SettingsError(
                    f"{name} ({ENV_PREFIX}{name.upper()}) must be a positive integer, got {value}"
                )

        if self.slot_wait_ms < 0:
            raise SettingsError(f"slot_wait_ms ({ENV_PREFIX}SLOT_WAIT_MS) must be 0 (refuse at once) or more, "
                                f"got {self.slot_wait_ms}")
        if bool(self.redis_url) != bool(self.database_url):
            raise SettingsError(f"the distributed mode needs both {ENV_PREFIX}REDIS_URL and {ENV_PREFIX}DATABASE_URL "
                                f"(or neither, for one process with SQLite); got only "
                                f"{'REDIS_URL' if self.redis_url else 'DATABASE_URL'}")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(f"{ENV_PREFIX}REDIS_URL must start with redis://, rediss:// or unix://, "
                                f"got {self.redis_url!r}")
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://")):
            raise SettingsError(f"{ENV_PREFIX}DATABASE_URL must be a postgresql:// URL, got {self.database_url!r}")
        if not 1 <= self.train_threads <= 2:
            raise SettingsError(f"train_threads ({ENV_PREFIX}TRAIN_THREADS) must be 1 or 2, got {self.train_threads}")
        for name in ("image_store_bytes", "preview_max_side", "max_concurrent_runs", "max_queued_runs",
                     "max_digit_pixels", "max_ws_connections", "max_ws_per_client", "max_runs_kept", "max_runs_bytes",
                     "max_replay_bytes", "worker_lease_seconds", "service_timeout", "event_stream_length",
                     "max_json_bytes", "max_json_depth", "max_image_side", "max_digit_side", "max_concurrent_images",
                     "max_concurrent_engine", "worker_threads", "max_slot_queue", "header_timeout", "body_timeout", "keep_alive_timeout",
                     "max_connections", "max_connections_per_client"):
            if getattr(self, name) < 1:
                raise SettingsError(
                    f"{name} ({ENV_PREFIX}{name.upper()}) must be a positive integer, got {getattr(self, name)}"
                )

    @property
    def distributed(self) -> bool:
        """Runs go through Redis and PostgreSQL (app/distributed/) rather than this process."""
        return bool(self.redis_url)

    @property
    def network_limits(self) -> NetworkLimits:
        return NetworkLimits(self.max_network_layers, self.max_network_channels, self.max_network_params,
                             self.max_network_macs)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default: ``os.environ``).

        Unset or empty variables keep their defaults.
        """
        env = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        overrides: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            var = ENV_PREFIX + f.name.upper()
            raw = env.get(var)
            if raw is None or raw.strip() == "":
                continue
            parse = _PARSERS[hints[f.name]]
            try:
                overrides[f.name] = parse(raw.strip())
            except ValueError as exc:
                raise SettingsError(f"{var}={raw!r} is not a valid {_KIND[hints[f.name]]}: {exc}") from None
        return cls(**overrides)


def _parse_int(raw: str) -> int:
    # Accept 20_000_000 as well as 20000000; reject floats like "1e6".
    return int(raw, 10)


def _parse_path(raw: str) -> Path:
    path = Path(raw).expanduser()
    # Relative paths are taken relative to the project root, never the CWD.
    return path if path.is_absolute() else (ROOT / path)


def _parse_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


_PARSERS: dict[Any, Callable[[str], Any]] = {str: str, int: _parse_int, Path: _parse_path,
                                             tuple[str, ...]: _parse_list}
_KIND: dict[Any, str] = {str: "string", int: "integer", Path: "path", tuple[str, ...]: "comma-separated list"}

__all__ = ["ENV_PREFIX", "Settings", "SettingsError"]
