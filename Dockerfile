# ima-bot: one image, every adapter; configure with environment variables (see config.example.toml).
# PYTHON_IMAGE: another Python 3.11 image where Docker Hub is out of reach (see deploy/offline/README.md)
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    IMA_BOT_BOT_DATA_DIR=/data IMA_BOT_OPS_HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core ./core
COPY bot ./bot
COPY locales ./locales
COPY sandbox ./sandbox
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 ima && mkdir -p /data && chown ima /data

USER ima
VOLUME ["/data"]
EXPOSE 9108
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:9108/healthz', timeout=4).status == 200 else 1)"
CMD ["ima-bot", "run"]
