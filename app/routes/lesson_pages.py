"""The lesson pages, ``GET /lessons`` (an index) and ``GET /lessons/{slug}``.

Each lesson is a thin client over ``/api/lessons/...`` (see :mod:`app.routes.lessons`): the page
holds the words and the layout, and every number it shows comes back from the engine. The order
of :data:`LESSONS` is the order of the previous/next links. A lesson also links to the tools that
use what it teaches, through :data:`app.routes.pages.TOOLS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import TemplatesDep
from app.routes.pages import LENET5_PARAMS, MLP_PARAMS, TOOLS, Tool
from model import causal_lesson, groups_lesson, transposed_lesson, translation_lesson

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str  # the <h1> and the link text
    short: str  # the lesson list in the page header
    blurb: str  # the index card and the meta description
    tools: tuple[str, ...]  # paths of the tools that use it

    @property
    def path(self) -> str:
        return f"/lessons/{self.slug}"

    @property
    def template(self) -> str:
        return f"lessons/{self.slug}.html"

    @property
    def script(self) -> str:
        return f"/static/js/lessons/{self.slug}-page.js"


LESSONS: tuple[Lesson, ...] = (
    Lesson("cross-correlation", "Cross-correlation, forward and backward", "Cross-correlation",
           "Slide a kernel along a list of numbers and see each output as a sum of products, then run the "
           "gradient backwards: dL/dx is the upstream gradient correlated with the flipped kernel, checked "
           "by finite differences. Then the same in 2-D.",
           ("/kernels", "/training")),
    Lesson("padding-and-stride", "Padding, stride and dilation", "Padding and stride",
           "Zero fill or no padding, five border modes, strides and dilated kernels, and the output-size "
           "formula with your numbers in it, while the window slides step by step.",
           ("/kernels", "/receptive-field")),
    Lesson("convolution-vs-correlation", "Convolution or cross-correlation?", "Convolution vs correlation",
           "True convolution flips the kernel first. Put both side by side on the same input, and see why a "
           "network that learns its kernels does not care.",
           ("/kernels", "/training")),
    Lesson("pooling", "Max and average pooling", "Pooling",
           "Max pooling keeps each window\u2019s largest value and sends its gradient back to that one cell; "
           "average pooling shares it out. Edit the grid and watch both.",
           ("/digits", "/receptive-field")),
    Lesson("convolution-types", "Three kinds of convolution layer", "Convolution types",
           "One kernel per channel, kernels that span every channel (LeNet), and depthwise separable "
           "convolutions: what each computes, what each costs by formula, and what it costs when run.",
           ("/kernels", "/training")),
    Lesson("parameters", "Counting parameters", "Parameters",
           f"Where LeNet-5\u2019s {LENET5_PARAMS:,} weights live, layer by layer, against the {MLP_PARAMS:,} of a "
           "784-300-50-10 MLP; then count the parameters of a network you design.",
           ("/training", "/digits")),
    Lesson("results", "Does the tutorial\u2019s claim hold?", "Results",
           "\u201cAbout twice lower test error while four times smaller\u201d: both trained networks on the "
           "10,000 MNIST test images, with their confusion matrices side by side.",
           ("/training", "/digits")),
    Lesson("transposed-convolution", "Transposed convolution", "Transposed",
           "How a layer makes a small map bigger: every input cell stamps the kernel onto the output, the "
           "stamps overlap (the checkerboard), and the whole is the gradient of an ordinary convolution.",
           ("/kernels",)),
    Lesson("groups", "Grouped convolution, from one group to depthwise", "Groups",
           "Split the channels into groups and each filter sees only its own: which channels reach which "
           "filter, the weights and multiply-adds divided by the groups, what the engine measures at each "
           "setting, and the depthwise separable layer.",
           ("/kernels", "/training")),
    Lesson("causal-convolution", "1-D and causal convolution", "Causal",
           "A noisy signal or a step through a 1-D kernel: the centred (\u201csame\u201d) output looks ahead, the "
           "causal one never does; then dilated causal stacks, WaveNet-style, whose view doubles with every "
           "layer.",
           ("/receptive-field",)),
    Lesson("translation", "Shift it: translation, equivariance and invariance", "Translation",
           "The tutorial\u2019s opening question: a digit moved a few pixels is the same digit, but is it to the "
           "network? Feature maps that shift with the input, pooling that forgives a little, and accuracy "
           "against shift over the 10,000 test digits for LeNet-5 and the MLP.",
           ("/digits", "/training")),
)
BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}
#: The ranges a lesson's page offers, from the module that enforces them.
LIMITS = {"transposed-convolution": {"input": transposed_lesson.MAX_INPUT, "kernel": transposed_lesson.MAX_KERNEL,
                                     "stride": transposed_lesson.MAX_STRIDE},
          "groups": {"channels": groups_lesson.MAX_CHANNELS, "kernels": list(groups_lesson.KERNELS),
                     "size": [groups_lesson.MIN_SIZE, groups_lesson.MAX_SIZE]},
          "causal-convolution": {"length": [causal_lesson.MIN_LENGTH, causal_lesson.MAX_LENGTH],
                                 "taps": causal_lesson.MAX_TAPS, "dilation": causal_lesson.MAX_DILATION,
                                 "layers": causal_lesson.MAX_LAYERS, "stack_taps": list(causal_lesson.STACK_TAPS),
                                 "noise": causal_lesson.MAX_NOISE},
          "translation": {"shift": translation_lesson.MAX_SHIFT}}


def tools_for(lesson: Lesson) -> list[Tool]:
    by_path = {tool.path: tool for tool in TOOLS}
    return [by_path[p] for p in lesson.tools if p in by_path]


@router.get("/lessons", response_class=HTMLResponse)
def lessons_index(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """The lessons in order, each with what it covers."""
    return templates.TemplateResponse(request, "lessons/index.html", {"lessons": LESSONS})


@router.get("/lessons/{slug}", response_class=HTMLResponse)
def lesson_page(request: Request, slug: str, templates: TemplatesDep) -> HTMLResponse:
    """One lesson, with links to the previous and next ones and to the tools that use it."""
    lesson = BY_SLUG.get(slug)
    if lesson is None:
        return templates.TemplateResponse(
            request, "lessons/not-found.html", {"lessons": LESSONS, "slug": slug}, status_code=404)
    i = LESSONS.index(lesson)
    context = {
        "lesson": lesson,
        "number": i + 1,
        "lessons": LESSONS,
        "previous": LESSONS[i - 1] if i > 0 else None,
        "next": LESSONS[i + 1] if i + 1 < len(LESSONS) else None,
        "related_tools": tools_for(lesson),
        "lenet5_params": LENET5_PARAMS,
        "mlp_params": MLP_PARAMS,
        "limits": LIMITS.get(lesson.slug, {}),
    }
    return templates.TemplateResponse(request, lesson.template, context)
