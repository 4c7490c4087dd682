# syntax=docker/dockerfile:1
#
# One image for every faasm role: the entrypoint is the shaded CLI jar, the role is the first argument.
#   docker build -t faasm:0.1.0 .
#   docker run --rm faasm:0.1.0 --help
#   docker run --rm -p 8080:8080 -e FAASM_KAFKA_BOOTSTRAP=... -e FAASM_REDIS_URL=... faasm:0.1.0 edge
#   docker run --rm -e FAASM_KAFKA_BOOTSTRAP=... -e FAASM_REDIS_URL=... faasm:0.1.0 processor --wasm-dir /opt/faasm/wasm
# Needs BuildKit (the default builder since Docker 23) for the Maven cache mount.

############################ build ############################
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src

# The context is filtered by .dockerignore: the Maven modules, their poms and wasm/ (used only by the runtime stage).
COPY . .

# The cache mount keeps ~/.m2 between builds without putting it in a layer. Only the cli module and what it depends
# on are built (not bench/); tests are neither compiled nor run here, CI runs them.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -DskipTests -Dmaven.test.skip=true -pl cli -am package \
 && test -s cli/target/faasm.jar

############################ runtime ############################
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="faasm" \
      org.opencontainers.image.description="Serverless WebAssembly functions on a Kafka backbone (edge and processor)"

# A fixed, numeric, non-root uid/gid so Kubernetes can verify runAsNonRoot and set fsGroup to match.
RUN groupadd --system --gid 10001 faasm \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/faasm --no-create-home \
      --shell /usr/sbin/nologin faasm \
 && mkdir -p /opt/faasm /var/lib/faasm \
 && chown 10001:10001 /var/lib/faasm

COPY --from=build /src/cli/target/faasm.jar /opt/faasm/faasm.jar
# The committed example modules, wasm/<user>/<function>/function.wasm: `processor --wasm-dir /opt/faasm/wasm`
# publishes them to the function registry at start-up.
COPY wasm/ /opt/faasm/wasm/

# FUNC_ROOT holds the module cache, compiled code and Kafka Streams state: mount a volume here (a PVC per processor,
# an emptyDir for an edge). Without one it lives in the container's writable layer.
ENV FUNC_ROOT=/var/lib/faasm
WORKDIR /var/lib/faasm

USER 10001:10001
EXPOSE 8080

# Extra JVM options: JAVA_TOOL_OPTIONS (read by the JVM itself), e.g. -Xmx2g, which takes precedence over
# MaxRAMPercentage. Guest memories live on the JVM heap, so size the container for FAASM_GUESTS x FAASM_MEMORY_MIB.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/faasm/faasm.jar"]
CMD ["--help"]
