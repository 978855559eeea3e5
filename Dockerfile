# CPU image: JDK 25 runtime running `bin/llmstream serve`.
# (A `gpu` target for the TensorRT-LLM engine is added with that engine.)
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:25-jre AS cpu
WORKDIR /opt/llmstream
COPY --from=build /src/target/llmstream.jar target/llmstream.jar
COPY --from=build /src/target/lib target/lib
COPY bin bin
COPY config config
EXPOSE 8000
ENTRYPOINT ["bin/llmstream"]
CMD ["--help"]
