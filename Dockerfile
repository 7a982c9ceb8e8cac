# convscope: the web app and its NumPy engine in one image.
#
#   docker build -t convscope .
#   docker run --rm -p 8000:8000 convscope        # then open http://localhost:8000
#   docker-compose up --scale worker=2             # the distributed mode (compose.yaml)
#
# Stage 1 installs the pinned browser libraries (package-lock.json) and copies
# them into static/vendor/; the final image has no Node.js in it.

FROM node:20-slim AS vendor
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/vendor.mjs scripts/
RUN npm ci --ignore-scripts --no-audit --no-fund \
    && node scripts/vendor.mjs

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CONVSCOPE_HOST=0.0.0.0 \
    CONVSCOPE_PORT=8000 \
    CONVSCOPE_RUNS_DIR=/app/runs \
    CONVSCOPE_CACHE_DIR=/app/data/.cache

RUN groupadd --system --gid 10001 convscope \
    && useradd --system --uid 10001 --gid convscope --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin convscope

WORKDIR /app

# static/ and templates/ are not part of the wheel (only app* and model* are),
# so the app runs from this copy of the checkout via an editable install;
# app/paths.py finds them relative to /app.
COPY . .
COPY --from=vendor /src/static/vendor/ static/vendor/
RUN pip install --no-cache-dir -e '.[distributed]' \
    && mkdir -p /app/runs /app/data \
    && chown convscope:convscope /app/runs /app/data

USER 10001:10001

VOLUME ["/app/runs", "/app/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4)"]

CMD ["convscope", "serve", "--host", "0.0.0.0", "--port", "8000"]
