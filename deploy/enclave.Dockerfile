# The enclave image: a statically linked enclave_app serving the challenge protocol on vsock.
# Build from the repository root:
#   docker build -f deploy/enclave.Dockerfile -t nitro-attest-enclave .
#   nitro-cli build-enclave --docker-uri nitro-attest-enclave:latest --output-file enclave.eif \
#     > measurements.json
FROM debian:12 AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends build-essential cmake pkg-config libssl-dev libcli11-dev \
      nlohmann-json3-dev ca-certificates && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DNITRO_ATTEST_BUILD_TESTS=OFF \
      -DNITRO_ATTEST_STATIC_TOOLS=ON \
 && cmake --build /build -j"$(nproc)" --target enclave_app \
 && strip /build/enclave_app

# Nothing but the binary: the image's bytes are what PCR0-2 measure.
FROM scratch
COPY --from=build /build/enclave_app /enclave_app
# Any CID (the enclave's own), port 5005; the NSM is the real /dev/nsm.
ENTRYPOINT ["/enclave_app", "serve", "--listen", "vsock:any:5005"]
