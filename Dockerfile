# syntax=docker/dockerfile:1
# Build stage: the Maven wrapper with a full JDK; nothing of it reaches the runtime image.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B dependency:go-offline -DexcludeScope=test >/dev/null
COPY src/ src/
COPY pipelines/ pipelines/
RUN ./mvnw -B package -DskipTests

# JRE stage: a runtime of only the modules jdeps finds in the jar and its libraries, plus the ones
# reached by reflection or service loading only (EC and PKCS#11 TLS providers, locale data).
FROM eclipse-temurin:21-jdk AS jre
WORKDIR /src
COPY --from=build /src/target/kong-metrics-pipeline.jar /src/target/kong-metrics-pipeline.jar
COPY --from=build /src/target/libs/ /src/target/libs/
RUN modules="$(jdeps --ignore-missing-deps -q --recursive --multi-release 21 --print-module-deps \
        --class-path '/src/target/libs/*' /src/target/kong-metrics-pipeline.jar)" \
 && echo "jdeps: $modules" \
 && jlink --add-modules "$modules,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.localedata" \
        --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output /jre

# Runtime stage: a slim Debian, the jlink'ed JRE, a non-root numeric user, config and default
# pipelines inside. Friendly to a read-only root filesystem: only /tmp is written (mount an emptyDir).
FROM debian:bookworm-slim
COPY --from=jre /jre /opt/java
WORKDIR /app
COPY --from=build /src/target/kong-metrics-pipeline.jar /app/kong-metrics-pipeline.jar
COPY --from=build /src/target/libs/ /app/libs/
COPY config/ /app/config/
COPY pipelines/ /app/pipelines/
ENV JAVA_HOME=/opt/java \
    PATH=/opt/java/bin:$PATH \
    TMPDIR=/tmp \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
USER 10001:10001
EXPOSE 8080 6443
# No curl or wget in the image: the check is a class of the service's own jar on its own JRE.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx32m", "-cp", "/app/kong-metrics-pipeline.jar", "dev.kmp.server.HealthCheck", "http://127.0.0.1:8080/healthz"]
# ParallelGC is what bench/ measures: in a pod under 2 GiB the JVM would pick SerialGC, whose
# single-threaded pauses made a 5000-service first scrape's collections about three times as long.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-jar", "/app/kong-metrics-pipeline.jar"]
CMD ["--config", "/app/config/application.yaml"]
