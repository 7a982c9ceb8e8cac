"""Optimisers (SGD with momentum / Nesterov / weight decay, Adam) and learning-rate schedules.

Both optimisers follow PyTorch's update rules, so the same hyper-parameters mean the same thing:

    SGD:   g = grad + wd * w;  v = mu * v + g (v = g on the first step)
           w -= lr * (g + mu * v)  with Nesterov,  w -= lr * v  without
    Adam:  g = grad + wd * w;  m = b1 m + (1 - b1) g;  s = b2 s + (1 - b2) g^2
           w -= lr * (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)

Parameters are updated in place; each optimiser holds (name, value, grad) triples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ParamList = list[tuple[str, np.ndarray, np.ndarray]]


class SGD:
    def __init__(self, params: ParamList, lr: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        if lr <= 0 or not 0 <= momentum < 1 or weight_decay < 0:
            raise ValueError("SGD needs lr > 0, 0 <= momentum < 1 and weight_decay >= 0")
        if nesterov and momentum == 0:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.params, self.lr, self.momentum = params, lr, momentum
        self.nesterov, self.weight_decay = nesterov, weight_decay
        self.velocity: dict[str, np.ndarray] = {}

    def step(self) -> None:
        for name, w, grad in self.params:
            g = grad + self.weight_decay * w if self.weight_decay else grad
            if self.momentum:
                v = self.velocity.get(name)
                if v is None:
                    v = self.velocity[name] = g.copy()
                else:
                    v *= self.momentum
                    v += g
                g = g + self.momentum * v if self.nesterov else v
            w -= self.lr * g

    def state(self) -> dict[str, np.ndarray]:
        return {f"velocity.{k}": v for k, v in self.velocity.items()}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        self.velocity = {k.removeprefix("velocity."): v.copy() for k, v in state.items()
                         if k.startswith("velocity.")}


class Adam:
    def __init__(self, params: ParamList, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        if lr <= 0 or not all(0 <= b < 1 for b in betas) or eps <= 0 or weight_decay < 0:
            raise ValueError("Adam needs lr > 0, 0 <= betas < 1, eps > 0 and weight_decay >= 0")
        self.params, self.lr, self.betas, self.eps, self.weight_decay = params, lr, betas, eps, weight_decay
        self.t = 0
        self.m = {name: np.zeros_like(w) for name, w, _ in params}
        self.s = {name: np.zeros_like(w) for name, w, _ in params}

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1 ** self.t)
        root_correction = math.sqrt(1 - b2 ** self.t)
        for name, w, grad in self.params:
            g = grad + self.weight_decay * w if self.weight_decay else grad
            m, s = self.m[name], self.s[name]
            m *= b1
            m += (1 - b1) * g
            s *= b2
            s += (1 - b2) * (g * g)
            w -= step_size * m / (np.sqrt(s) / root_correction + self.eps)

    def state(self) -> dict[str, np.ndarray]:
        out = {f"m.{k}": v for k, v in self.m.items()} | {f"s.{k}": v for k, v in self.s.items()}
        return out | {"t": np.array(self.t)}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        for k, v in state.items():
            if k.startswith("m."):
                self.m[k[2:]] = v.copy()
            elif k.startswith("s."):
                self.s[k[2:]] = v.copy()
        self.t = int(state.get("t", 0))


OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")
SCHEDULES = ("constant", "step", "cosine", "onecycle")


def make_optimizer(name: str, params: ParamList, lr: float, momentum: float = 0.9,
                   weight_decay: float = 0.0) -> SGD | Adam:
    """'sgd' (plain), 'momentum', 'nesterov' or 'adam'."""
    if name == "sgd":
        return SGD(params, lr, 0.0, weight_decay=weight_decay)
    if name in ("momentum", "nesterov"):
        return SGD(params, lr, momentum, nesterov=name == "nesterov", weight_decay=weight_decay)
    if name == "adam":
        return Adam(params, lr, weight_decay=weight_decay)
    raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {name!r}")


@dataclass(frozen=True)
class LRSchedule:
    """The learning rate at each step of a run of ``total_steps`` steps.

    constant: lr throughout.
    step:     lr * gamma^floor(step / step_size) (by default x0.1 after 1/2 and 3/4 of the run).
    cosine:   lr * (1 + cos(pi * step / total)) / 2, from lr down to 0.
    onecycle: a linear warm-up from lr/25 to lr over the first ``warmup`` fraction, then cosine
              down to lr/10^4 (Smith's one-cycle policy, as PyTorch's OneCycleLR by default).
    """

    name: str
    lr: float
    total_steps: int
    gamma: float = 0.1
    warmup: float = 0.25

    def __post_init__(self) -> None:
        if self.name not in SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}; got {self.name!r}")
        if self.total_steps < 1:
            raise ValueError("a schedule needs at least one step")

    def __call__(self, step: int) -> float:
        frac = min(max(step / self.total_steps, 0.0), 1.0)
        if self.name == "constant":
            return self.lr
        if self.name == "step":
            return self.lr * self.gamma ** ((frac >= 0.5) + (frac >= 0.75))
        if self.name == "cosine":
            return self.lr * 0.5 * (1 + math.cos(math.pi * frac))
        start, end = self.lr / 25, self.lr / 25 / 1e4
        if frac < self.warmup:
            return start + (self.lr - start) * frac / self.warmup
        rest = (frac - self.warmup) / (1 - self.warmup)
        return end + (self.lr - end) * 0.5 * (1 + math.cos(math.pi * rest))
