"""The PyTorch twin of the pretrained LeNet-5: the same layers, names and weights, for cross-checks."""

from __future__ import annotations

import numpy as np

from model.network import Sequential


def torch_lenet5(torch, net: Sequential):  # noqa: ANN001, ANN201  (torch is the imported module)
    """A ``torch.nn.Sequential`` with `net`'s layer names and its weights loaded strictly."""
    nn = torch.nn
    twin = nn.Sequential()
    for name, module in [("conv1", nn.Conv2d(1, 6, 5, padding=2, bias=False)), ("relu1", nn.ReLU()),
                         ("pool1", nn.MaxPool2d(2)), ("conv2", nn.Conv2d(6, 16, 5, bias=False)),
                         ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)), ("flatten", nn.Flatten()),
                         ("fc1", nn.Linear(400, 120)), ("relu3", nn.ReLU()), ("fc2", nn.Linear(120, 84)),
                         ("relu4", nn.ReLU()), ("fc3", nn.Linear(84, 10))]:
        twin.add_module(name, module)
    twin.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in net.state_dict().items()})
    return twin
