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


def torch_twin(torch, net: Sequential):  # noqa: ANN001, ANN201
    """Any network of ours as a ``torch.nn.Sequential`` with the same names, its weights and buffers
    loaded strictly, in evaluation mode when ours is (float64 when ours is)."""
    from model.batchnorm import BatchNorm
    from model.conv import Conv2d
    from model.layers import Dropout, Flatten, Linear, ReLU, Sigmoid, Tanh
    from model.pooling import AvgPool2d, MaxPool2d

    nn = torch.nn

    class ScaledTanh(nn.Module):
        def forward(self, x):  # noqa: ANN001, ANN202
            return 1.7159 * torch.tanh(x * (2.0 / 3.0))

    twin = nn.Sequential()
    for name, layer in net.layers:
        if isinstance(layer, Conv2d):
            w = layer.params["weight"]
            module = nn.Conv2d(w.shape[1], w.shape[0], tuple(w.shape[2:]), layer.stride, layer.pad, layer.dilation,
                               bias="bias" in layer.params)
        elif isinstance(layer, (MaxPool2d, AvgPool2d)):
            module = (nn.MaxPool2d if isinstance(layer, MaxPool2d) else nn.AvgPool2d)(layer.kernel_size, layer.stride)
        elif isinstance(layer, Linear):
            module = nn.Linear(layer.in_features, layer.out_features, bias="bias" in layer.params)
        elif isinstance(layer, BatchNorm):
            module = (nn.BatchNorm2d if layer.spatial else nn.BatchNorm1d)(layer.channels)
        elif isinstance(layer, Dropout):
            module = nn.Dropout(layer.p)
        elif isinstance(layer, Tanh):
            module = ScaledTanh() if layer.lecun else nn.Tanh()
        else:
            module = {ReLU: nn.ReLU, Sigmoid: nn.Sigmoid, Flatten: nn.Flatten}[type(layer)]()
        twin.add_module(name, module)
    state = net.state_dict()
    if next(iter(state.values())).dtype == np.float64:
        twin.double()
    twin.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    twin.train(any(layer.training for _, layer in net.layers))
    return twin
