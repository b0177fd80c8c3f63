# Stand-in for python:3.11-slim on a machine that cannot reach Docker Hub: Debian bookworm's Python 3.11
# in a venv at the same place the official image keeps its interpreter (/usr/local/bin/python, pip).
ARG BASE=ima-local/bookworm:base
FROM ${BASE}
RUN python3 -m venv /usr/local/python \
 && ln -s /usr/local/python/bin/python /usr/local/bin/python \
 && ln -s /usr/local/python/bin/pip /usr/local/bin/pip
ENV PATH=/usr/local/python/bin:$PATH
