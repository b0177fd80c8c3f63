# Stand-in for postgres:16 on a machine that cannot reach Docker Hub: Debian bookworm's PostgreSQL 15,
# honouring the official image's POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB and data directory.
ARG BASE=ima-local/bookworm:base
FROM ${BASE}
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
RUN chmod 0755 /usr/local/bin/postgres-entrypoint.sh && mkdir -p "$PGDATA" && chown postgres "$PGDATA"
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
