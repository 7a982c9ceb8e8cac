"""The lessons' pure modules, imported in the browser: the lesson maths (terms, formulas, sizes), the
words a lesson puts around its numbers, and how it words the engine's refusals. The copies of the
shared helpers are gone: numbers come from shared/numbers.js, comparisons from shared/words.js."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.test_lessons import MINUS, TIMES, open_lesson

pytestmark = pytest.mark.browser


MODULES = ["lesson-math", "lesson-errors", "lesson-words", "zero-fill-section", "sliding-window-views",
           "flip-comparison-section", "pooling-views", "conv-cost-section", "conv-run-section", "parameter-sentences",
           "custom-network-section", "results-claim"]
ONE_TIMES = re.compile(r"(?<![\d.])1 times")


def run(page: Page, body: str) -> dict:
    """Run `body` (the inside of an async function) with the lesson modules imported as m.<name>
    (lesson-math as m.lessonMath, ...)."""
    camel = {name: re.sub(r"-(\w)", lambda g: g.group(1).upper(), name) for name in MODULES}
    load = "const m = {};" + "".join(f"m.{camel[name]} = await import('/static/js/lessons/{name}.js');" for name in MODULES)
    return page.evaluate(f"async () => {{ {load} {body} }}")


def test_the_lesson_maths(page: Page, page_problems) -> None:
    open_lesson(page, "pooling")
    result = run(page, """const l = m.lessonMath; return {
        factors: [3, -2].map((v) => l.factor(v)),
        entry: l.entryNumeric({value: -4, terms: [{a: {value: 1}, b: {value: 1}}, {a: {value: 5}, b: {value: -1}}]}),
        symbolic: l.entrySymbolic({name: 'dL/dx', index: [2], terms: [
            {a: {name: 'w', index: [2]}, b: {name: 'delta', index: [1]}},
            {a: {name: 'w', index: [1]}, b: {name: 'delta', index: [2]}}]}),
        pretty: l.prettyFormula('floor((6 + 2*1 - 1*(3 - 1) - 1) / 2) + 1 = 3'),
        ratio: l.prettyFormula('1/64 + 1/3^2 = 0.1267'),
        sizes: [l.outputLength(8, 3), l.outputLength(8, 3, 1), l.outputLength(6, 3, 2, 2, 2), l.poolLength(5, 2, 2)],
        flipped: l.flip2d([[1, 2], [3, 4]]),
        window: l.window2dNumeric([[1, 2], [3, 4]], [[1, -1]], 0, 1, 1, 0, -1),
        list: l.bracketList([1, -2, 0.5]),
        size: l.sizeText([[1, 2, 3], [4, 5, 6]]),
        sub: l.subscript('1,12'),
        copies: ['formatNumber', 'parseNumber', 'parseCells', 'resizeCells', 'formatInt', 'formatPercent',
                 'formatScientific', 'formatMs', 'formatRatio', 'capitalise', 'MINUS', 'TIMES', 'maxAbs', 'shade',
                 'errorMessage'].filter((name) => name in l),
    };""")
    assert result["factors"] == ["3", f"({MINUS}2)"]
    assert result["entry"] == f"1{TIMES}1 + 5{TIMES}({MINUS}1) = {MINUS}4"
    assert result["symbolic"] == "\u2202L/\u2202x_2 = w_2 \u03b4_1 + w_1 \u03b4_2"
    assert result["pretty"] == f"\u230a(6 + 2{TIMES}1 {MINUS} 1{TIMES}(3 {MINUS} 1) {MINUS} 1) / 2\u230b + 1 = 3"
    assert result["ratio"] == "1/64 + 1/3\u00b2 = 0.1267"
    assert result["sizes"] == [6, 8, 3, 2]
    assert result["flipped"] == [[4, 3], [2, 1]]
    assert result["window"] == f"3{TIMES}1 + 4{TIMES}({MINUS}1) = {MINUS}1"
    assert result["list"] == f"[1, {MINUS}2, 0.5]"
    assert result["size"] == f"2{TIMES}3"
    assert result["sub"] == "\u2081,\u2081\u2082"
    assert result["copies"] == [], "these live in static/js/shared/ now"
    page_problems.assert_none()


def test_refusals_in_the_lessons_words(page: Page, page_problems) -> None:
    open_lesson(page, "pooling")
    result = run(page, """const e = m.lessonErrors;
    const names = (path) => ({dk: 'D_K, the kernel size'})[path[0]] ?? null;
    const error = (items) => ({message: 'dk: Input should be greater than or equal to 1', errors: items});
    return {
        // the server's field errors as FastAPI gives them (with ctx) and as the friendly server gives them
        withBound: e.lessonError(error([{loc: ['body', 'dk'], type: 'greater_than_equal',
            msg: 'Input should be greater than or equal to 1', ctx: {ge: 1}}]), names),
        withSentence: e.lessonError(error([{loc: ['body', 'dk'], type: 'greater_than_equal',
            msg: 'Input should be greater than or equal to 1', message: 'D_K (kernel size) must be at least 1'}]), names),
        big: e.ruleOf({type: 'less_than_equal', msg: 'Input should be less than or equal to 1000000', ctx: {le: 1e6}}),
        bigSentence: e.ruleOf({type: 'less_than_equal', message: "x, entry 3 must be at most 1000000.0"}),
        unnamed: e.lessonError(error([{loc: ['body', 'extra'], type: 'extra_forbidden', msg: 'Extra inputs are not permitted'}])),
        unknownType: e.ruleOf({type: 'something_new', msg: 'Input should be a valid thing'}),
        plain: e.lessonError({message: 'The 3x3 window does not fit the 2x2 input'}),
        tuple: e.detailText('conv2: its output would be (16, -2, -2): the layer does not fit its input', 422),
        named: e.detailText('fc1 needs a flat input', 422),
        capital: e.detailText('the kernel is too long', 422),
        path: e.fieldPath(['body', 'layers', 2, 'kernel']),
    };""")
    assert result["withBound"] == {"message": "D_K, the kernel size, must be at least 1.", "fields": [["dk"]]}
    assert result["withSentence"]["message"] == "D_K, the kernel size, must be at least 1."
    assert result["big"] == "must be at most 1,000,000"
    assert result["bigSentence"] == "must be at most 1,000,000"
    assert result["unnamed"]["message"] == "One of the inputs is not one of the lesson's inputs."
    assert result["unknownType"] == "is not allowed here"
    assert result["plain"] == {"message": "The 3x3 window does not fit the 2x2 input", "fields": []}
    assert result["tuple"] == f"conv2: its output would be 16{TIMES}{MINUS}2{TIMES}{MINUS}2: the layer does not fit its input"
    assert result["named"] == "fc1 needs a flat input"
    assert result["capital"] == "The kernel is too long"
    assert result["path"] == ["layers", 2, "kernel"]
    page_problems.assert_none()


def test_comparisons_follow_their_ratio(page: Page, page_problems) -> None:
    """more / fewer / as many come from the ratio itself: never "1 times as many", never "fewer"
    for a ratio above 1."""
    open_lesson(page, "pooling")
    result = run(page, """const w = m.lessonWords; const p = m.parameterSentences; const c = m.convCostSection;
    const r = m.convRunSection; const claim = m.resultsClaim;
    const lenet = {total: 61684, conv: 2550, classifier: 59134};
    const cost = (ratio) => ({ratio, formulas: {ratio: '1/8 + 1/1^2 = 1.125'}});
    return {
        more: w.comparedWith(1.125, 'multiply-adds', 'the standard one'),
        fewer: w.comparedWith(1 / 8.9, 'multiply-adds', 'the standard one'),
        same: w.comparedWith(1, 'parameters', 'LeNet-5'),
        bare: w.comparedWith(4.0703, 'parameters'),
        faster: w.timeComparedWith(0.4, 'the standard one'),
        slower: w.timeComparedWith(1.3, 'the standard one'),
        asLong: w.timeComparedWith(1.02, 'the standard one'),
        costMore: c.costRatioText(cost(1.125)),
        measured: r.measuredText({cost: cost(1.125), measured_ratio: 1.3}),
        builtin: p.builtinComparisonText(lenet, {total: 251060}),
        builtinSame: p.builtinComparisonText(lenet, {total: 61684}),
        customSame: p.customComparisonText({total: 61684, conv: 2550, classifier: 59134}, 61684),
        customClose: p.customComparisonText({total: 61690, conv: 2556, classifier: 59134}, 61684),
        customMore: p.customComparisonText({total: 251060, conv: 0, classifier: 251060}, 61684),
        customFewer: p.customComparisonText({total: 25610, conv: 0, classifier: 25610}, 61684),
        customOne: p.customComparisonText({total: 1, conv: 1, classifier: 0}, 61684),
        customNone: p.customComparisonText({total: 0, conv: 0, classifier: 0}, 61684),
        ratioWorse: claim.ratioView('error', 0.8),
        ratioShort: claim.ratioView('error', 1.44),
        ratioRounded: claim.ratioView('error', 1.46),
    };""")
    assert result["more"] == "1.13 times as many multiply-adds as the standard one"
    assert result["fewer"] == "8.9 times fewer multiply-adds than the standard one"
    assert result["same"] == "as many parameters as LeNet-5"
    assert result["bare"] == "4.07 times as many parameters"
    assert result["faster"] == "ran 2.5 times faster than the standard one"
    assert result["slower"] == "took 1.3 times as long as the standard one"
    assert result["asLong"] == "took as long as the standard one"
    assert "1.13 times as many multiply-adds as the standard one" in result["costMore"]
    assert "fewer" not in result["costMore"]
    assert result["measured"].endswith("took 1.3 times as long as the standard one, for 1.13 times as many multiply-adds.")
    assert result["builtin"].startswith("The MLP has 4.07 times as many parameters as LeNet-5 (251,060 / 61,684 = 4.07).")
    assert "keeps only 2,550 (4.1%)" in result["builtin"]
    assert result["builtinSame"].startswith("The MLP has as many parameters as LeNet-5 (61,684 / 61,684 = 1).")
    assert result["customSame"].endswith("; exactly as many as LeNet-5.")
    assert result["customClose"].endswith("; about as many as LeNet-5 (61,684).")
    assert result["customMore"].endswith("; 4.07 times as many as LeNet-5 (61,684).")
    assert result["customFewer"].endswith("; 2.41 times fewer than LeNet-5 (61,684).")
    assert result["customOne"].startswith("1 parameter: ")
    assert result["customNone"].endswith("; none at all, against LeNet-5\u2019s 61,684.")
    for text in result.values():
        assert not ONE_TIMES.search(str(text)), text
    assert result["ratioWorse"]["value"] == "1.3" and result["ratioWorse"]["unit"] == f"{TIMES} higher for LeNet-5"
    assert result["ratioWorse"]["holds"] is False
    assert result["ratioShort"]["holds"] is False and "1.4" in result["ratioShort"]["verdict"]
    assert result["ratioRounded"]["holds"] is True and "1.5" in result["ratioRounded"]["verdict"]  # judged as shown
    page_problems.assert_none()


def test_sentences_about_sizes_and_windows(page: Page, page_problems) -> None:
    open_lesson(page, "pooling")
    result = run(page, """const z = m.zeroFillSection; const s = m.slidingWindowViews; const f = m.flipComparisonSection;
    const axis = (n, k, s_, d, pb, pa, size) => ({n, k, s: s_, d, p_before: pb, p_after: pa, size});
    return {
        k3: z.paddingSummary(8, 8, 6), k5: z.paddingSummary(8, 6, 4), k1: z.paddingSummary(8, 10, 8),
        same: s.sizeNote({rows: axis(6, 3, 1, 1, 1, 1, 6), cols: axis(6, 3, 1, 1, 1, 1, 6)}),
        stride: s.sizeNote({rows: axis(6, 3, 2, 1, 1, 1, 3), cols: axis(6, 3, 2, 1, 1, 1, 3)}),
        valid: s.sizeNote({rows: axis(6, 3, 1, 2, 0, 0, 2), cols: axis(6, 1, 1, 2, 0, 0, 6)}),
        uneven: s.asymmetricNote({rows: axis(6, 3, 1, 1, 1, 1, 6), cols: axis(6, 2, 1, 1, 0, 1, 6)}),
        step: s.stepText({out: [2, 0], rows: [4], cols: [0, 1, 2]}, 6, 9),
        symmetric: f.flipVerdict([[1, 0, 1], [0, 4, 0], [1, 0, 1]], true),
        coincidence: f.flipVerdict([[1, 2], [3, 4]], true),
        differ: f.flipVerdict([[1, 2], [3, 4]], false),
    };""")
    assert result["k3"] == ("With one zero added at each end (\u201czero fill\u201d, p = 1) the output keeps the input\u2019s "
                            f"length; without padding it is k {MINUS} 1 = 2 shorter.")
    assert result["k5"].endswith(f"the output is 2 shorter than the input; without padding it is k {MINUS} 1 = 4 shorter.")
    assert result["k1"].endswith(f"the output is 2 longer than the input; without padding it keeps it too (k {MINUS} 1 = 0).")
    assert result["same"] == f"The output keeps the input\u2019s size, 6 {TIMES} 6."
    assert result["stride"] == f"The output is smaller than the input, 6 {TIMES} 6 \u2192 3 {TIMES} 3: stride 2 keeps every 2nd place."
    assert result["valid"] == (f"The output is smaller than the input, 6 {TIMES} 6 \u2192 2 {TIMES} 6: without padding the "
                               f"window has d(k {MINUS} 1) fewer places to stand: 4 rows and 0 columns.")
    assert result["uneven"] == (f"Along the columns the kernel spans d(k {MINUS} 1) = 1 extra cell, an odd number, so the "
                                "padding is 0 before and 1 after: 2p becomes 0 + 1.")
    assert result["step"] == "Step 7 of 9: output row 3, column 1 takes padded row 5 and columns 1, 2, 3."
    assert "looks the same turned" in result["symmetric"]
    assert "although this kernel changes when turned" in result["coincidence"]
    assert result["differ"].startswith("The two outputs differ")
    page_problems.assert_none()
