// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The tools' JSON inputs: ParseJsonStrict (policy files, measurements) and
// ParseMeasurementsJson (--pcrs-from). Invariants:
// - failures are kInvalidArgument, nothing throws;
// - what ParseJsonStrict accepts, nlohmann's own parser accepts with the same value, and it
//   re-parses from its dump unchanged (no duplicate key was silently dropped: the value keeps
//   every key the text had, checked by counting the keys nlohmann reports);
// - accepted measurements are PCR indices 0..31 with 48-byte values, at least one.
#include <string_view>

#include "fuzz/fuzz.h"
#include "tools/common/policy.h"

namespace nitro_attest::fuzz {
namespace {

// CountKeys counts the key events the parser reports (duplicates included).
size_t CountKeys(std::string_view text) {
  size_t keys = 0;
  const nlohmann::json::parser_callback_t count = [&](int, nlohmann::json::parse_event_t event,
                                                      nlohmann::json&) {
    keys += event == nlohmann::json::parse_event_t::key ? 1 : 0;
    return true;
  };
  const nlohmann::json parsed = nlohmann::json::parse(text, count, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? 0 : keys;
}

size_t KeysIn(const nlohmann::json& j) {
  size_t keys = j.is_object() ? j.size() : 0;
  if (j.is_structured()) {
    for (const auto& v : j) {
      keys += KeysIn(v);
    }
  }
  return keys;
}

}  // namespace

void Fuzz(std::span<const uint8_t> data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  const Result<nlohmann::json> strict = cli::ParseJsonStrict(text, "fuzz");
  if (!strict) {
    FUZZ_CHECK(strict.error().code == ErrorCode::kInvalidArgument);
  } else {
    const nlohmann::json plain = nlohmann::json::parse(text, nullptr, false);
    FUZZ_CHECK(!plain.is_discarded() && plain == *strict);
    FUZZ_CHECK(KeysIn(*strict) == CountKeys(text));
    FUZZ_CHECK(nlohmann::json::parse(strict->dump()) == *strict);
  }
  const auto pcrs = cli::ParseMeasurementsJson(text);
  if (!pcrs) {
    FUZZ_CHECK(pcrs.error().code == ErrorCode::kInvalidArgument);
    return;
  }
  FUZZ_CHECK(strict.has_value() && !pcrs->empty());
  for (const auto& [index, value] : *pcrs) {
    FUZZ_CHECK(index <= kMaxPcrIndex && value.size() == 48);
  }
}

}  // namespace nitro_attest::fuzz
