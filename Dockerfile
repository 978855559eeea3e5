# llmstream images. Two targets:
#
#   docker build -t llmstream .                  -> `cpu` (the default: the last stage below)
#       JDK 25 runtime running `bin/llmstream serve` on the pure-Java CPU engine.
#   docker build --target gpu -t llmstream:gpu .  -> `gpu`
#       The pinned TensorRT-LLM release image + a JDK 25 runtime, with the real TensorRT-LLM shim and
#       its JNI glue built in that image, running `serve --engine trtllm --engine-dir /engines/model`.
#
# Neither target has been built on the development machine (it has no Docker, GPU or NGC access);
# docs/gpu.md lists what is verified and what is not.

# The TensorRT-LLM line that still ships the C++ Executor. Pin the exact patch release on first pull.
ARG TRTLLM_IMAGE=nvcr.io/nvidia/tensorrt-llm/release:1.2.0
ARG JDK_IMAGE=maven:3.9-eclipse-temurin-25
ARG JRE_IMAGE=eclipse-temurin:25-jre

# ---------------------------------------------------------------- CPU build
FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
# -DskipTests also skips the native mock shim (tests only), so this stage needs no C++ toolchain
RUN mvn -q -B -DskipTests package

# ---------------------------------------------------------------- GPU build: shim + JNI glue in the TensorRT-LLM image
FROM ${JDK_IMAGE} AS jdk
FROM ${TRTLLM_IMAGE} AS gpu-build
# The release image has cmake, g++, CUDA and /app/tensorrt_llm/{include,lib}; add a JDK 25 and Maven.
COPY --from=jdk /opt/java/openjdk /opt/java/openjdk
COPY --from=jdk /usr/share/maven /usr/share/maven
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/share/maven/bin:${PATH} \
    LD_LIBRARY_PATH=/app/tensorrt_llm/lib:${LD_LIBRARY_PATH}
# A build host without a GPU driver links against the CUDA stubs (libcuda.so is only needed at run time).
ENV LIBRARY_PATH=/usr/local/cuda/lib64/stubs:${LIBRARY_PATH}
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY native native
COPY src src
# -Dtrtllm.native=real: CMake builds libtrtllm_shim.so against /app/tensorrt_llm (detecting its
# libstdc++ ABI), JavaCPP builds libjniTrtllmShim.so, both into target/classes and so into the jar.
RUN mvn -B -Dtrtllm.native=real -Dtrtllm.root=/app/tensorrt_llm -DskipTests package \
 && mkdir -p /out/native \
 && cp target/classes/dev/llmstream/engine/trtllm/linux-x86_64/*.so /out/native/ \
 && ldd /out/native/libtrtllm_shim.so

# ---------------------------------------------------------------- GPU runtime
FROM ${JRE_IMAGE} AS jre
FROM ${TRTLLM_IMAGE} AS gpu
# Same image as the build: the only sanctioned source of matching CUDA/TensorRT/TensorRT-LLM/MPI.
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:${PATH} \
    LD_LIBRARY_PATH=/app/tensorrt_llm/lib:${LD_LIBRARY_PATH} \
    LLMSTREAM_JAVA_OPTS="-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"
WORKDIR /opt/llmstream
COPY --from=gpu-build /src/target/llmstream.jar target/llmstream.jar
COPY --from=gpu-build /src/target/lib target/lib
# The natives unpacked as well: --trtllm-native-dir loads them in place (and `ldd` can inspect them).
COPY --from=gpu-build /out/native native
COPY bin bin
COPY config config
EXPOSE 8000
# Run with: --gpus all --ipc=host --ulimit memlock=-1 --ulimit stack=67108864 -v /path/to/engine:/engines/model:ro
ENTRYPOINT ["bin/llmstream"]
CMD ["serve", "--engine", "trtllm", "--engine-dir", "/engines/model", "--trtllm-native-dir", "/opt/llmstream/native"]

# ---------------------------------------------------------------- CPU runtime (default target)
FROM ${JRE_IMAGE} AS cpu
WORKDIR /opt/llmstream
COPY --from=build /src/target/llmstream.jar target/llmstream.jar
COPY --from=build /src/target/lib target/lib
COPY bin bin
COPY config config
EXPOSE 8000
ENTRYPOINT ["bin/llmstream"]
CMD ["serve"]
