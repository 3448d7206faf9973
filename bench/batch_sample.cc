// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Writes the documents of the batch benchmark (bench/batch_bench.sh, issue 15); public API only.
//   nitro_attest_batch_sample write DIR N   writes DIR/root.pem, DIR/docs.b64 (N emulator
//                                           documents of one chain, base64, one per line) and
//                                           DIR/doc.cbor (the first one, raw, for
//                                           nitro_attest_verify_rate: the library's warm rate)
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "nitro_attest/emulator.h"
#include "nitro_attest/encoding.h"
#include "nitro_attest/nsm.h"

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
    if (i == 0) {
      std::ofstream(dir + "/doc.cbor", std::ios::binary)
          .write(reinterpret_cast<const char*>(doc->data()), static_cast<std::streamsize>(doc->size()));
    }
  }
  return out ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "write") == 0) {
    return Write(argv[2], std::stoul(argv[3]));
  }
  std::fprintf(stderr, "usage: %s write DIR N\n", argv[0]);
  return 2;
}
