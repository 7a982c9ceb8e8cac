"""The shapes of the runs API (``app/routes/runs.py``): a run's hyper-parameters as POST /api/runs
takes them (``TrainConfig``'s, with its defaults and inclusive ranges: one source for the API, the
training form and the trainer), and what GET /api/runs and its kin answer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from app.api_models import Body, Whole, whole
from app.augment_models import AugmentIn
from app.network_specs import LayerList
from app.runs.status import RunStatus
from model.optim import OPTIMIZERS, SCHEDULES
from model.training import TrainConfig
from model.zoo import ARCHITECTURES

DEFAULTS = TrainConfig()


def _bounded(name: str, description: str | None = None) -> Any:
    """A field with TrainConfig's default and its inclusive range (TrainConfig.RANGES): one truth."""
    low, high = TrainConfig.RANGES[name]
    return Field(getattr(DEFAULTS, name), ge=low, le=high, title=name.replace("_", " "), description=description)


class RunConfig(Body):
    """A run's hyper-parameters: TrainConfig's, with its defaults and ranges, and the dataset."""

    model: Literal[(*ARCHITECTURES, "custom")] = Field(  # type: ignore[valid-type]
        DEFAULTS.model, title="model", description="A named network, or `custom`: the `layers` given.")
    layers: LayerList | None = Field(None, description="A network of your own, layer by layer (as POST "
                                     "/api/networks checks it); `model` is then `custom`.")
    optimizer: Literal[OPTIMIZERS] = Field(DEFAULTS.optimizer, title="optimizer")  # type: ignore[valid-type]
    lr: float = _bounded("lr", "Peak learning rate.")
    momentum: float = _bounded("momentum")
    weight_decay: float = _bounded("weight_decay")
    batch_size: Whole = _bounded("batch_size")
    epochs: Whole = _bounded("epochs")
    train_size: whole(*TrainConfig.RANGES["train_size"]) | None = Field(  # type: ignore[valid-type]
        DEFAULTS.train_size, title="train size", description="Use only the first N training images.")
    seed: Whole = _bounded("seed")
    schedule: Literal[SCHEDULES] = Field(DEFAULTS.schedule, title="schedule")  # type: ignore[valid-type]
    dataset: Literal["mnist", "fashion-mnist"] = Field("mnist", title="dataset")
    augment: AugmentIn | None = Field(None, title="augmentation",  # type: ignore[valid-type]
                                      description="Random distortions of each training digit; none when absent.")

    @model_validator(mode="after")
    def custom_means_layers(self) -> RunConfig:
        if self.layers is not None:
            self.model = "custom"
        elif self.model == "custom":
            raise ValueError("a custom model needs its layers: describe them in `layers`")
        return self

    @model_validator(mode="after")
    def nesterov_needs_momentum(self) -> RunConfig:
        if self.optimizer == "nesterov" and self.momentum == 0:
            raise ValueError("Nesterov momentum needs momentum > 0 (e.g. 0.9)")
        return self


class EpochRecord(BaseModel):
    epoch: int
    step: int | None = Field(None, description="The step the epoch ended at: its snapshot's (GET .../snapshots/{step}).")
    epochs: int | None = None
    train_loss: float
    train_accuracy: float
    smoothed_loss: float | None = Field(None, description="The per-batch smoothed training loss at the epoch's "
                                        "end (model/training.py, LossAverage); absent for runs older than it.")
    lr: float | None = Field(None, description="The learning rate of the epoch's last batch (the schedule's, "
                             "not the configured peak); absent for runs older than it.")
    test_loss: float
    test_accuracy: float
    epoch_seconds: float
    elapsed_seconds: float
    images_per_sec: float | None = None
    confusion: list[list[int]] | None = None


class Pace(BaseModel):
    mode: Literal["full", "slow"]
    batches_per_second: float | None = None


class RunSummary(BaseModel):
    id: str
    status: RunStatus
    position: int | None = Field(None, description="Place in the queue (1 = next), while queued.")
    params: int | None = Field(None, description="The network's parameters, counted from its description.")
    config: dict[str, Any]
    created_at: float
    epochs_done: int
    test_accuracy: float | None
    error: str | None = None
    pace: Pace | None = Field(None, description="While it trains: full speed or slow motion (POST .../pace).")


class RunDetail(RunSummary):
    history: list[EpochRecord]


class Activated(BaseModel):
    source: str = Field(..., examples=["run:3fa2b1c4d5e6"])
    architecture: str
    test_accuracy: float | None
