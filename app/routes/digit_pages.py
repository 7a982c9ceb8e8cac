"""Pages on the served LeNet-5: ``GET /digits`` (draw a digit, see it classified and every
layer's output).

A thin client over ``POST /api/digits/predict``; the ES modules in ``static/js/digits/`` draw
everything. The numbers the page prints (the MNIST recipe's 20 px box in a 28 x 28 field) come
from the code that does the preparing, so they cannot drift.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from model.digit_prep import BOX, FIELD

router = APIRouter(include_in_schema=False)


@router.get("/digits", response_class=HTMLResponse)
def digits_page(request: Request) -> HTMLResponse:
    """Draw a digit; the served network classifies it while you draw."""
    return request.app.state.templates.TemplateResponse(request, "digits.html", {"field": FIELD, "box": BOX})
