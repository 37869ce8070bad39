# syntax=docker/dockerfile:1
# enforcement-rules as an HTTP service (docs/service.md).
#
#   docker build -t enforcement-rules .
#   docker run --rm -p 127.0.0.1:8000:8000 -v er-cases:/data enforcement-rules
#
# Two stages: durable-rules has no wheel, so its C core is compiled in the build stage (gcc and
# the Python headers live there only); the runtime stage installs the wheels built there and
# runs as an unprivileged user, with a health check on /v1/healthz.

ARG PYTHON=3.11

FROM python:${PYTHON}-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY rules ./rules
COPY plans ./plans
# Every wheel the service needs, durable-rules compiled here.
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[service]'

FROM python:${PYTHON}-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --user-group --home-dir /srv --shell /usr/sbin/nologin rules \
 && mkdir -p /data && chown rules:rules /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels 'enforcement-rules[service]' \
 && rm -rf /wheels
USER rules
WORKDIR /srv
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/healthz', timeout=4)"]
ENTRYPOINT ["enforcement-rules"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--db", "/data/cases.sqlite"]
