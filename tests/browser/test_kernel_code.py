"""The kernel playground's PyTorch code, in a real browser: it follows the settings, and run in
PyTorch on the photo it gives the page's result, byte for byte."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.test_kernels import PHONE, TIMEOUT, open_page, root, wait_idle
from tests.test_filter_code import run_shown

pytestmark = pytest.mark.browser


def shown_code(page: Page) -> tuple[str, dict]:
    """The code on the page once it answers the settings of the result on show."""
    block = page.locator("[data-code-block]")
    request = root(page).get_attribute("data-request")
    expect(block).to_have_attribute("data-code-for", request, timeout=TIMEOUT)
    return block.locator("[data-code]").inner_text(), json.loads(request)


def page_result(page: Page, body: dict) -> tuple[np.ndarray, np.ndarray]:
    """(the photo's pixels, the page's result for ``body``), both at full resolution, losslessly."""
    image_id = body["image_id"]
    photo = page.request.get(f"/api/images/{image_id}/preview?full_resolution=true")
    result = page.request.post("/api/kernels/apply", data=json.dumps(body | {"full_resolution": True, "format": "png"}),
                               headers={"content-type": "application/json"})
    assert photo.ok and result.ok

    def pixels(data: bytes) -> np.ndarray:  # (H, W, C)
        array = np.asarray(Image.open(io.BytesIO(data)))
        return array[..., None] if array.ndim == 2 else array
    return pixels(photo.body()), pixels(result.body())


def test_the_shown_code_follows_the_settings_and_computes_the_pages_result(page: Page, page_problems) -> None:
    open_page(page)
    code, body = shown_code(page)
    assert "F.conv2d(x, w, groups=3)" in code
    photo, result = page_result(page, body)
    assert np.array_equal(run_shown(code, photo), result)

    page.select_option("#kp-preset", "sobel-magnitude")
    for control in [page.get_by_role("radio", name="Valid"), page.get_by_role("radio", name="2", exact=True),
                    page.get_by_role("switch", name="Flip kernel")]:
        wait_idle(page)
        control.check()
    wait_idle(page)
    code, body = shown_code(page)
    assert "stride=2, groups=3" in code and "torch.hypot" in code and "w.flip(0, 1)" in code
    assert "F.pad" not in code, "valid: no border"
    photo, result = page_result(page, body)
    assert np.array_equal(run_shown(code, photo), result)
    page_problems.assert_none()


def test_the_code_block_fits_a_phone_and_copies(page: Page, page_problems) -> None:
    page.set_viewport_size(PHONE)
    open_page(page)
    shown_code(page)
    block = page.locator("[data-code-block]")
    box = block.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"], "the block scrolls inside, the page does not"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    block.get_by_role("button", name="Copy the code").click()
    expect(block.locator("[data-copy-status]")).not_to_be_empty()
    page_problems.assert_none()
