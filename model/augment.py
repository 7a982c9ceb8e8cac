"""Training-time distortions of the digits: random affine transforms and elastic distortions.

Each output pixel p (row, column) reads the input at a source point, by bilinear interpolation
(zero outside the image):

    src = c + A (p - c) + t + e(p)

with c the image's centre, A = R(theta) Sh(phi) / s the inverse of a rotation by theta, a shear
by phi and a scale by s, t a shift in pixels, and e an elastic displacement field (Simard,
Steinkraus and Platt 2003): uniform noise in [-1, 1] per pixel and axis, smoothed by a Gaussian
of width sigma, times alpha. Every parameter is drawn per image, uniformly in its range:

    shift  |t| <= shift px per axis      rotate  |theta| <= rotate degrees
    scale  s in [1 - scale, 1 + scale]   shear   |phi| <= shear degrees
    elastic  alpha (0: off), sigma

The draws come from the generator the caller gives (``model/training.py`` makes one per batch
from the seed, the epoch and the batch), so a run, and a run resumed, is the same bit for bit.
``bilinear_sample_loops`` is the plain-loop reference of the resampling, tested against
``bilinear_sample``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

#: field -> (low, high): the one place the ranges are written down (CLI, API and page).
RANGES = {"shift": (0.0, 6.0), "rotate": (0.0, 30.0), "scale": (0.0, 0.3), "shear": (0.0, 30.0),
          "elastic_alpha": (0.0, 40.0), "elastic_sigma": (2.0, 8.0)}

#: field -> how the CLI, the API and the form word it: a label, the API's title (its errors name
#: the option by it) and what x means.
WORDS = {
    "shift": ("Shift", "the shift (pixels)", "up to x pixels along each axis"),
    "rotate": ("Rotation", "the rotation (degrees)", "up to x degrees either way"),
    "scale": ("Scale", "the scale change", "by 1 - x to 1 + x"),
    "shear": ("Shear", "the shear (degrees)", "up to x degrees either way"),
    "elastic_alpha": ("Elastic strength", "the elastic strength", "Simard et al.'s alpha, in pixels; 0 is none"),
    "elastic_sigma": ("Elastic smoothness", "the elastic smoothness", "its Gaussian's width, in pixels"),
}


@dataclass(frozen=True)
class Augment:
    shift: float = 0.0  # pixels
    rotate: float = 0.0  # degrees
    scale: float = 0.0  # fraction
    shear: float = 0.0  # degrees
    elastic_alpha: float = 0.0  # pixels of displacement (before smoothing)
    elastic_sigma: float = 4.0  # the smoothing Gaussian's width, pixels

    def __post_init__(self) -> None:
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"augmentation {name} must be between {low:g} and {high:g}; got {value:g}")

    @property
    def active(self) -> bool:
        return any((self.shift, self.rotate, self.scale, self.shear, self.elastic_alpha))

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def bilinear_sample(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """images (N, H, W) read at source points rows, cols (N, H, W): bilinear, zero outside.

    The image gets a one-pixel frame of zeros, so every neighbour of a point inside it (or on
    its edge) is a real index; points further out read the frame. Returns float32."""
    n, h, w = images.shape
    framed = np.zeros((n, h + 2, w + 2), dtype=np.float32)
    framed[:, 1:-1, 1:-1] = images
    r = np.clip(rows + 1, 0, h + 1)  # in the framed image; beyond the frame is the same zero
    c = np.clip(cols + 1, 0, w + 1)
    r0, c0 = np.floor(r).astype(np.int32), np.floor(c).astype(np.int32)
    r0, c0 = np.minimum(r0, h), np.minimum(c0, w)
    fr, fc = (r - r0).astype(np.float32), (c - c0).astype(np.float32)
    # (N, H, W) flat indices of each point's top-left neighbour in the framed images
    top_left = (np.arange(n, dtype=np.int32) * (h + 2) * (w + 2))[:, None, None] + r0 * (w + 2) + c0
    flat = framed.reshape(-1)
    a, b = flat[top_left], flat[top_left + 1]
    cc, d = flat[top_left + w + 2], flat[top_left + w + 3]
    return (a + (b - a) * fc) * (1 - fr) + (cc + (d - cc) * fc) * fr


def bilinear_sample_loops(image: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The same for one image (H, W), pixel by pixel: the four neighbours, each by its weight."""
    h, w = image.shape
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            r, c = rows[i, j], cols[i, j]
            r0, c0 = int(np.floor(r)), int(np.floor(c))
            total = 0.0
            for rr, cc in ((r0, c0), (r0, c0 + 1), (r0 + 1, c0), (r0 + 1, c0 + 1)):
                if 0 <= rr < h and 0 <= cc < w:
                    total += image[rr, cc] * (1 - abs(r - rr)) * (1 - abs(c - cc))
            out[i, j] = total
    return out


def gaussian_matrix(size: int, sigma: float) -> np.ndarray:
    """(size, size) G with G @ v the Gaussian blur of v (zero outside, each row normalised to 1)."""
    d = np.arange(size)[:, None] - np.arange(size)[None, :]
    g = np.exp(-0.5 * (d / sigma) ** 2)
    return g / g.sum(axis=1, keepdims=True)


def affine_points(h: int, w: int, theta: np.ndarray, phi: np.ndarray, s: np.ndarray, t: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols), each (N, H, W): src = c + A (p - c) + t with A = R(theta) Sh(phi) / s, for N
    images' angles theta and phi (radians), scales s (N,) and shifts t (N, [rows, cols])."""
    cos, sin, tan = np.cos(theta), np.sin(theta), np.tan(phi)
    # A = R(theta) @ [[1, tan], [0, 1]] / s, per image: (N, 2, 2) acting on (row, col) offsets
    a = np.stack([np.stack([cos, cos * tan - sin], -1), np.stack([sin, sin * tan + cos], -1)], -2) / s[:, None, None]
    cy, cx = (h - 1) / 2, (w - 1) / 2
    grid = np.stack(np.meshgrid(np.arange(h) - cy, np.arange(w) - cx, indexing="ij"), -1)  # (H, W, 2)
    # nij,hwj->nhwi: each image's matrix applied to every pixel's offset from the centre
    offsets = np.einsum("nij,hwj->nhwi", a, grid, optimize=True)
    return cy + offsets[..., 0] + t[:, None, None, 0], cx + offsets[..., 1] + t[:, None, None, 1]


def source_points(n: int, h: int, w: int, aug: Augment, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols), each (N, H, W): where every output pixel of each of n images reads."""
    theta = np.deg2rad(rng.uniform(-aug.rotate, aug.rotate, n))
    phi = np.deg2rad(rng.uniform(-aug.shear, aug.shear, n))
    s = rng.uniform(1 - aug.scale, 1 + aug.scale, n)
    t = rng.uniform(-aug.shift, aug.shift, (n, 2))  # (N, [rows, cols])
    rows, cols = affine_points(h, w, theta, phi, s, t)
    if aug.elastic_alpha:
        noise = rng.uniform(-1, 1, (n, 2, h, w))
        gh, gw = gaussian_matrix(h, aug.elastic_sigma), gaussian_matrix(w, aug.elastic_sigma)
        # (N, 2, H, W): blur down the rows (gh @ field) and along the columns (field @ gw.T)
        smooth = (gh @ noise @ gw.T) * aug.elastic_alpha
        rows, cols = rows + smooth[:, 0], cols + smooth[:, 1]
    return rows, cols


def augment(images: np.ndarray, aug: Augment, rng: np.random.Generator) -> np.ndarray:
    """(N, H, W) pixels 0..255 -> the same shape, distorted (float32, 0..255); unchanged when off."""
    if not aug.active:
        return images
    n, h, w = images.shape
    rows, cols = source_points(n, h, w, aug, rng)
    return bilinear_sample(images, rows, cols)
