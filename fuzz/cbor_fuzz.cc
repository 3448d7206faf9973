// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The CBOR reader: a failure is kMalformedCbor; an accepted input re-encodes to its own bytes
// (every accepted form is canonical: shortest heads, no tags, no floats), and so does every
// nested item's raw span.
#include "fuzz/fuzz.h"
#include "src/cbor/cbor.h"

namespace nitro_attest::fuzz {
namespace {

bool Same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void CheckItem(const cbor::Item& item, size_t depth, size_t* count) {
  ++*count;
  FUZZ_CHECK(Same(cbor::Encode(item), item.raw));
  if (item.type == cbor::Type::kMap) {
    FUZZ_CHECK(item.items.size() % 2 == 0);
  }
  if (item.type == cbor::Type::kArray || item.type == cbor::Type::kMap) {
    FUZZ_CHECK(depth < cbor::Limits{}.max_depth);
  } else {
    FUZZ_CHECK(item.items.empty());
  }
  for (const cbor::Item& child : item.items) {
    CheckItem(child, depth + 1, count);
  }
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const Result<cbor::Item> item = cbor::Decode(data);
  if (!item) {
    FUZZ_CHECK(item.error().code == ErrorCode::kMalformedCbor);
    return;
  }
  FUZZ_CHECK(Same(item->raw, data));
  FUZZ_CHECK(Same(cbor::Encode(*item), data));
  size_t count = 0;
  CheckItem(*item, 0, &count);
  FUZZ_CHECK(count <= cbor::Limits{}.max_items);
  // Tighter limits may only refuse, never change what is accepted.
  const Result<cbor::Item> tight = cbor::Decode(data, cbor::Limits{.max_depth = 2, .max_items = 8});
  if (tight) {
    FUZZ_CHECK(Same(cbor::Encode(*tight), data));
  } else {
    FUZZ_CHECK(tight.error().code == ErrorCode::kMalformedCbor);
  }
}

}  // namespace nitro_attest::fuzz
