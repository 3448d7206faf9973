// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The C++ side of the Python benchmark (bench/python_bench.py, scripts/bench.sh): how many times
// per second a warm nitro_attest::Verifier verifies one document, with the same policy the
// Python side uses (the document's root, any image).
//   nitro_attest_verify_rate DOC.cbor ROOT.pem SECONDS     prints "<documents per second>"
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "nitro_attest/verify.h"

namespace {

nitro_attest::Bytes Read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return nitro_attest::Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DOC.cbor ROOT.pem SECONDS\n", argv[0]);
    return 2;
  }
  const nitro_attest::Bytes document = Read(argv[1]);
  auto root = nitro_attest::PemCertificateToDer(Read(argv[2]));
  if (!root) {
    std::fprintf(stderr, "%s: not a certificate\n", argv[2]);
    return 2;
  }
  nitro_attest::VerifyOptions options;
  options.roots = {*root};
  options.allow_any_image = true;
  const nitro_attest::Verifier verifier;
  const double seconds = std::stod(argv[3]);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  uint64_t count = 0;
  double elapsed = 0;
  do {
    auto verified = verifier.Verify(document, options);
    if (!verified) {
      std::fprintf(stderr, "%s\n", verified.error().detail.c_str());
      return 1;
    }
    ++count;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  std::printf("%.1f\n", static_cast<double>(count) / elapsed);
  return 0;
}
