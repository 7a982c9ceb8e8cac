"""HTML pages: the landing page and the list of tools shown in the navigation.

``TOOLS`` is the single source of truth for the navigation bar, the landing
page cards and the tools each lesson links to.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from app.deps import TemplatesDep
from app.paths import STATIC_DIR
from model.zoo import build_model


@dataclass(frozen=True)
class Tool:
    path: str
    title: str
    blurb: str

    @property
    def section(self) -> str:
        """First path segment: ``/lessons/cross-correlation`` -> ``/lessons``."""
        return "/" + self.path.strip("/").split("/")[0]

    def is_active(self, current_path: str) -> bool:
        """True when ``current_path`` is this tool's page or below its section."""
        return current_path == self.path or current_path == self.section or current_path.startswith(self.section + "/")


TOOLS: tuple[Tool, ...] = (
    Tool(
        path="/kernels",
        title="Kernels",
        blurb=(
            "Slide blur, sharpen and edge-detection kernels (or one you type in) over your own "
            "image, and see how padding and stride change the output size."
        ),
    ),
    Tool(
        path="/training",
        title="Training",
        blurb=(
            "Train LeNet-5 on MNIST with the NumPy engine and watch loss, accuracy and the "
            "first-layer filters change batch by batch."
        ),
    ),
    Tool(
        path="/digits",
        title="Digits",
        blurb=(
            "Draw a digit and let the trained network classify it, with every layer's feature "
            "maps shown on the way to the answer."
        ),
    ),
    Tool(
        path="/receptive-field",
        title="Receptive fields",
        blurb=(
            "Pick a unit deep in the network and see exactly which input pixels it can see, "
            "and how stacking layers grows that window."
        ),
    ),
    Tool(
        path="/lessons/cross-correlation",
        title="Lessons",
        blurb=(
            "Short, interactive lessons: convolution versus cross-correlation, the sliding dot "
            "product, padding, stride and pooling."
        ),
    ),
    Tool(
        path="/docs",
        title="API",
        blurb=(
            "Everything the pages do is a JSON endpoint. Browse and try them in the "
            "interactive API reference."
        ),
    ),
)

# Parameter counts quoted on the pages (weights + biases), counted from the networks themselves.
LENET5_PARAMS = build_model("lenet5").num_params()
MLP_LAYERS = (784, 300, 50, 10)
MLP_PARAMS = build_model("mlp").num_params()

# The worked example in the landing page hero: a 6x6 "image" with a dark left
# half and a bright right half, and a 3x3 vertical-edge (Prewitt) kernel.
DEMO_INPUT: tuple[tuple[int, ...], ...] = (
    (1, 2, 1, 8, 9, 8),
    (2, 1, 2, 9, 8, 9),
    (1, 1, 2, 8, 9, 9),
    (2, 2, 1, 9, 9, 8),
    (1, 2, 2, 8, 8, 9),
    (2, 1, 1, 9, 8, 8),
)
DEMO_KERNEL: tuple[tuple[int, ...], ...] = (
    (-1, 0, 1),
    (-1, 0, 1),
    (-1, 0, 1),
)
DEMO_START = (0, 1)  # (row, col) of the window highlighted before any script runs


def cross_correlate_valid(image: tuple[tuple[int, ...], ...], kernel: tuple[tuple[int, ...], ...]) -> list[list[int]]:
    """Plain-Python 'valid' cross-correlation (what deep-learning libraries call convolution)."""
    kh, kw = len(kernel), len(kernel[0])
    out_h, out_w = len(image) - kh + 1, len(image[0]) - kw + 1
    return [
        [
            sum(image[r + i][c + j] * kernel[i][j] for i in range(kh) for j in range(kw))
            for c in range(out_w)
        ]
        for r in range(out_h)
    ]


DEMO_OUTPUT = cross_correlate_valid(DEMO_INPUT, DEMO_KERNEL)

FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="#4f46e5"/>'
    '<g fill="#fff" opacity=".35"><rect x="6" y="6" width="6" height="6" rx="1"/>'
    '<rect x="13" y="6" width="6" height="6" rx="1"/><rect x="20" y="6" width="6" height="6" rx="1"/>'
    '<rect x="6" y="13" width="6" height="6" rx="1"/><rect x="20" y="13" width="6" height="6" rx="1"/>'
    '<rect x="6" y="20" width="6" height="6" rx="1"/><rect x="13" y="20" width="6" height="6" rx="1"/>'
    '<rect x="20" y="20" width="6" height="6" rx="1"/></g>'
    '<rect x="13" y="13" width="6" height="6" rx="1" fill="#fff"/></svg>'
)

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, templates: TemplatesDep) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "lenet5_params": LENET5_PARAMS,
            "mlp_layers": MLP_LAYERS,
            "mlp_params": MLP_PARAMS,
            "demo_input": DEMO_INPUT,
            "demo_kernel": DEMO_KERNEL,
            "demo_output": DEMO_OUTPUT,
            "demo_start": DEMO_START,
        },
    )


@router.get("/kernels", response_class=HTMLResponse)
def kernels_page(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """The kernel playground, a thin client over /api/images and /api/kernels. Its sample photos
    (and their credits) are the rows of the table in static/samples/SOURCES.md whose file exists."""
    samples_dir = STATIC_DIR / "samples"
    samples = []
    for line in (samples_dir / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and (samples_dir / cells[0]).is_file():
            name, what, size, licence = cells
            stem = name.rsplit(".", 1)[0]
            samples.append({"file": name, "url": f"/static/samples/{name}", "label": stem.capitalize(),
                            "thumb": f"/static/samples/thumbs/{stem}.jpg", "what": what, "size": size,
                            "licence": licence})
    return templates.TemplateResponse(request, "kernels.html", {"samples": samples})


@router.get("/favicon.svg")
@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(FAVICON_SVG, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """Swagger UI for the API, using the pinned copy in static/vendor/swagger-ui/ and a start-up
    script file (no inline script, for the Content-Security-Policy)."""
    app = request.app
    return templates.TemplateResponse(
        request, "docs.html", {"title": f"{app.title}: API reference", "openapi_url": app.openapi_url})
