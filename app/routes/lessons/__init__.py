"""The lessons' numbers, computed by the engine, one module per lesson:

    correlation   1. cross-correlation and its gradients (and 3., convolution vs correlation)
    sliding       2. padding, stride and dilation
    pooling       4. max and average pooling
    conv_types    5. three kinds of convolution layer and their costs
    parameters    6. counting parameters
    results       7. does the tutorial's claim hold?
    transposed    8. the transposed convolution
    groups        9. grouped convolution, from groups = 1 to depthwise
    causal       10. 1-D and causal convolution, dilated causal stacks
    translation  11. shifted digits: equivariance, pooling, and accuracy against shift

Each handler parses, calls ``model/`` and shapes the answer; the maths lives in
``model/correlation_lesson.py``, ``model/sliding_lesson.py``, ``model/pooling_lesson.py``,
``model/conv_types.py``, ``model/architecture.py``, ``model/results_lesson.py``,
``model/transposed_lesson.py``, ``model/groups_lesson.py``, ``model/causal_lesson.py``,
``model/translation_lesson.py`` and ``model/translation_curves.py``.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.guards.json_body import GuardedRoute
from app.routes.lessons import (causal, conv_types, correlation, groups, parameters, pooling, results,
                                sliding, translation, transposed)

router = APIRouter(prefix="/api/lessons", tags=["lessons"], route_class=GuardedRoute)
for lesson in (correlation, sliding, pooling, conv_types, parameters, results, transposed, groups,
               causal, translation):
    router.include_router(lesson.router)
