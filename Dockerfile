# syntax=docker/dockerfile:1
# One image per service of this repository; docker-compose.yml picks the service with MODULE.
# The build stage is the same for every service, so it is built once and shared.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package \
    -pl remote-receiver,forwarder,api-server,grpc-client,proxy-server,demo-app -am

FROM eclipse-temurin:17-jre
# curl for the health checks docker-compose.yml declares. The data directory exists, owned by the
# service's user, so a named volume mounted there starts with that owner and is writable.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/prometheus-relay relay \
    && mkdir -p /var/lib/prometheus-relay/data && chown -R relay /var/lib/prometheus-relay
ARG MODULE
COPY --from=build /src/${MODULE}/target/${MODULE}-0.1.0-SNAPSHOT-exec.jar /app/app.jar
USER relay
WORKDIR /var/lib/prometheus-relay
# The heap follows the container's memory limit instead of the host's.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
