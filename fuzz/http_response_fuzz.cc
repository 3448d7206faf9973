// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The HTTP/1.1 message parser (src/kms/http.cc) on responses (what KMS, or whatever sits on
// the vsock, sends the enclave) and requests (what the test service reads). Invariants:
// - a refusal is kTransportError;
// - an accepted message used at most the input, its body and head are within the limits, and
//   parsing exactly the bytes it used gives the same message;
// - re-serialized (framed by Content-Length) it parses back to the same status or request line,
//   headers and body;
// - more input never turns an accepted message into a refusal (incremental reading is sound).
#include <cctype>
#include <string>

#include "fuzz/fuzz.h"
#include "src/kms/http.h"

namespace nitro_attest::fuzz {
namespace {

// IsFraming: Content-Length and Transfer-Encoding, which Serialize replaces by its own.
bool IsFraming(const std::string& name) {
  std::string lower;
  for (const char c : name) {
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return lower == "content-length" || lower == "transfer-encoding";
}

bool Same(const http::Message& a, const http::Message& b) {
  return a.method == b.method && a.target == b.target && a.status == b.status &&
         a.headers == b.headers && a.body == b.body;
}

void Check(std::span<const uint8_t> data, http::Kind kind, bool eof) {
  http::Limits limits;
  limits.max_head = 4096;
  limits.max_body = 8192;
  size_t consumed = 0;
  const auto m = http::Parse(data, kind, limits, eof, &consumed);
  if (!m) {
    FUZZ_CHECK(m.error().code == ErrorCode::kTransportError);
    return;
  }
  if (!m->has_value()) {
    FUZZ_CHECK(!eof || kind == http::Kind::kRequest);
    return;
  }
  const http::Message& msg = **m;
  FUZZ_CHECK(consumed <= data.size());
  FUZZ_CHECK(msg.body.size() <= limits.max_body);
  size_t again = 0;
  const auto exact = http::Parse(data.first(consumed), kind, limits, eof, &again);
  FUZZ_CHECK(exact && exact->has_value() && again == consumed && Same(**exact, msg));

  http::Message plain = msg;
  std::erase_if(plain.headers, [](const http::Header& h) { return IsFraming(h.first); });
  const Bytes wire = http::Serialize(plain, kind);
  size_t used = 0;
  const auto back = http::Parse(wire, kind, limits, false, &used);
  FUZZ_CHECK(back && back->has_value());
  FUZZ_CHECK(used == wire.size());
  const http::Message& b = **back;
  FUZZ_CHECK(b.status == plain.status && b.method == plain.method && b.target == plain.target &&
             b.body == plain.body);
  FUZZ_CHECK(b.headers.size() == plain.headers.size() + (b.Find("content-length") ? 1u : 0u));
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  for (const http::Kind kind : {http::Kind::kResponse, http::Kind::kRequest}) {
    Check(data, kind, false);
    Check(data, kind, true);
  }
}

}  // namespace nitro_attest::fuzz
