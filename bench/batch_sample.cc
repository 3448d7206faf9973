// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The library side of the batch benchmark (bench/batch_bench.sh, issue 15), public API only.
//   nitro_attest_batch_sample write DIR N     writes DIR/root.pem and DIR/docs.b64: N emulator
//                                             documents of one chain, base64, one per line
//   nitro_attest_batch_sample rate DIR SECONDS prints the warm rate (documents/s) of one
//                                             Verifier on one thread over DIR/docs.b64, the
//                                             documents decoded in memory beforehand
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/verify.h"

namespace {

using nitro_attest::Bytes;

int Write(const std::string& dir, size_t n) {
  auto emulator = nitro_attest::NsmEmulator::Create();
  if (!emulator) {
    std::fprintf(stderr, "emulator: %s\n", emulator.error().detail.c_str());
    return 1;
  }
  std::ofstream(dir + "/root.pem") << (*emulator)->RootPem();
  std::ofstream out(dir + "/docs.b64");
  nitro_attest::NsmClient client((*emulator)->NewHandle());
  for (size_t i = 0; i < n; ++i) {
    nitro_attest::AttestationRequest request;
    request.nonce = Bytes(reinterpret_cast<const uint8_t*>(&i),
                          reinterpret_cast<const uint8_t*>(&i) + sizeof(i));
    auto doc = client.Attestation(request);
    if (!doc) {
      std::fprintf(stderr, "attestation: %s\n", doc.error().detail.c_str());
      return 1;
    }
    out << nitro_attest::Base64Encode(*doc) << "\n";
  }
  return out ? 0 : 1;
}

int Rate(const std::string& dir, double seconds) {
  std::ifstream pem_in(dir + "/root.pem");
  const std::string pem((std::istreambuf_iterator<char>(pem_in)), std::istreambuf_iterator<char>());
  auto root = nitro_attest::PemCertificateToDer(
      std::span(reinterpret_cast<const uint8_t*>(pem.data()), pem.size()));
  if (!root) {
    std::fprintf(stderr, "root.pem: not a certificate\n");
    return 1;
  }
  std::vector<Bytes> docs;
  std::ifstream in(dir + "/docs.b64");
  for (std::string line; std::getline(in, line);) {
    auto doc = nitro_attest::Base64Decode(line);
    if (!doc) {
      std::fprintf(stderr, "docs.b64: not base64\n");
      return 1;
    }
    docs.push_back(std::move(*doc));
  }
  if (docs.empty()) {
    std::fprintf(stderr, "docs.b64: empty\n");
    return 1;
  }
  nitro_attest::VerifyOptions options;
  options.roots = {*root};
  options.allow_any_image = true;
  const nitro_attest::Verifier verifier;
  if (!verifier.Verify(docs[0], options)) {  // warm: the chain is cached from here on
    std::fprintf(stderr, "the first document does not verify\n");
    return 1;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  uint64_t count = 0;
  double elapsed = 0;
  do {
    if (!verifier.Verify(docs[count % docs.size()], options)) {
      std::fprintf(stderr, "a document does not verify\n");
      return 1;
    }
    ++count;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  std::printf("%.1f\n", static_cast<double>(count) / elapsed);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "write") == 0) {
    return Write(argv[2], std::stoul(argv[3]));
  }
  if (argc == 4 && std::strcmp(argv[1], "rate") == 0) {
    return Rate(argv[2], std::stod(argv[3]));
  }
  std::fprintf(stderr, "usage: %s write DIR N | rate DIR SECONDS\n", argv[0]);
  return 2;
}
