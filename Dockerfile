# ScanFlow's container images: one build, two targets.
#   docker build --target server -t scanflow-server .   (runs as the unprivileged user scanflow)
#   docker build --target agent  -t scanflow-agent  .   (root inside the container, but run it with every
#                                                         capability dropped except NET_RAW and NET_ADMIN)
# The production artifact only: target/scanflow.jar and target/lib/, without the demo's embedded MariaDB.

# --- build: the Maven wrapper, the same command as outside a container -------------------------------
FROM eclipse-temurin:17-jdk-jammy AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
RUN ./mvnw -B -q -DskipTests package

# --- runtime: a JRE, nmap and masscan from Debian 12, curl for health checks --------------------------
FROM debian:12-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        openjdk-17-jre-headless=17.0.* \
        nmap=7.93+dfsg1-1 \
        masscan=2:1.3.2+ds1-1 \
        curl=7.88.* \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 scanflow \
    && useradd --system --uid 10001 --gid scanflow --home-dir /opt/scanflow --shell /usr/sbin/nologin scanflow
WORKDIR /opt/scanflow
COPY --from=build /src/target/scanflow.jar target/scanflow.jar
COPY --from=build /src/target/lib/ target/lib/
COPY routes/ routes/
COPY agent-routes/ agent-routes/
COPY config/ config/
COPY docker/entrypoint.sh /usr/local/bin/scanflow-entrypoint
RUN chmod 0755 /usr/local/bin/scanflow-entrypoint \
    && mkdir -p var/scan-archive cache data \
    && chown -R scanflow:scanflow var cache data
ENTRYPOINT ["/usr/local/bin/scanflow-entrypoint"]

# --- server: unprivileged, port 8080 (API, /observe/health, /observe/metrics) --------------------------
FROM runtime AS server
USER scanflow
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/observe/health/ready"]
CMD ["server"]

# --- agent: raw packets for nmap -sS and masscan need NET_RAW (and NET_ADMIN for masscan's interface);
# compose drops every other capability (cap_drop: ALL)
FROM runtime AS agent
USER root
EXPOSE 9877
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:9877/observe/health/live"]
CMD ["agent"]
