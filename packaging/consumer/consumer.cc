// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// A program built against an installed nitro-attest, as a user would build one
// (packaging/tests/install_test.sh builds it with find_package and with pkg-config, shared and
// static). Usage:
//   consumer              emulator round trip: attest with a nonce, verify against its root
//   consumer DOC.cbor     also verify a real AWS document at its own time (pinned AWS root)
// Prints one line per check; exit 0 when all pass.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "nitro_attest/emulator.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/verify.h"
#include "nitro_attest/version.h"

namespace {

int Fail(const char* what, const nitro_attest::Error& e) {
  std::fprintf(stderr, "%s: %s: %s\n", what, std::string(to_string(e.code)).c_str(),
               e.detail.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (nitro_attest::Version() != NITRO_ATTEST_VERSION_STRING) {
    std::fprintf(stderr, "library %s, headers %s\n", std::string(nitro_attest::Version()).c_str(),
                 NITRO_ATTEST_VERSION_STRING);
    return 1;
  }
  std::printf("version %s\n", NITRO_ATTEST_VERSION_STRING);

  auto emulator = nitro_attest::NsmEmulator::Create();
  if (!emulator) {
    return Fail("emulator", emulator.error());
  }
  nitro_attest::NsmClient nsm((*emulator)->NewHandle());
  const nitro_attest::Bytes nonce = {1, 2, 3, 4, 5, 6, 7, 8};
  nitro_attest::AttestationRequest request;
  request.nonce = nonce;
  auto document = nsm.Attestation(request);
  if (!document) {
    return Fail("attestation", document.error());
  }
  const nitro_attest::Bytes root = (*emulator)->RootDer();
  nitro_attest::VerifyOptions options;
  options.roots = {root};
  options.nonce = nonce;
  options.allow_any_image = true;  // an emulator document: no image to pin
  auto verified = nitro_attest::Verify(*document, options);
  if (!verified) {
    return Fail("verify emulator document", verified.error());
  }
  std::printf("emulator document verified: %s\n", verified->document().module_id.c_str());

  if (argc > 1) {
    std::ifstream in(argv[1], std::ios::binary);
    const nitro_attest::Bytes real((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
    auto parsed = nitro_attest::ParseUnverified(real);
    if (!parsed) {
      return Fail("parse real document", parsed.error());
    }
    nitro_attest::VerifyOptions aws;  // the pinned AWS root
    aws.at_document_time = true;      // real leaves live three hours
    aws.pcrs = parsed->pcrs;          // pinned from the document itself: this checks linking
    nitro_attest::Verifier verifier;
    auto real_verified = verifier.Verify(real, aws);
    if (!real_verified) {
      return Fail("verify real document", real_verified.error());
    }
    std::printf("real document verified: %s\n", real_verified->document().module_id.c_str());
  }
  return 0;
}
