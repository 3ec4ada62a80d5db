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

# Runtime stage: a JRE only, a non-root numeric user, config and default pipelines inside.
FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/target/kong-metrics-pipeline.jar /app/kong-metrics-pipeline.jar
COPY --from=build /src/target/libs/ /app/libs/
COPY config/ /app/config/
COPY pipelines/ /app/pipelines/
USER 10001:10001
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/kong-metrics-pipeline.jar"]
CMD ["--config", "/app/config/application.yaml"]
