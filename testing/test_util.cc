// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "testing/test_util.h"

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace nitro_attest::testing {
namespace {

// ParseUtc parses "YYYY-MM-DD HH:MM:SS+00:00" as UTC.
Time ParseUtc(const std::string& s) {
  std::tm tm{};
  if (sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec) != 6) {
    ADD_FAILURE() << "bad time in FACTS.jsonl: " << s;
    return {};
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return Time(std::chrono::seconds(timegm(&tm)));
}

}  // namespace

std::optional<std::filesystem::path> SharedDir() {
  std::filesystem::path p;
  if (const char* env = std::getenv("NITRO_ATTEST_SHARED_DIR"); env != nullptr && *env != '\0') {
    p = env;
  } else {
    p = std::filesystem::path(NITRO_ATTEST_SOURCE_DIR) / ".." / "shared";
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(p / "vectors", ec)) {
    return std::nullopt;
  }
  return p;
}

std::vector<uint8_t> ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::filesystem::path BinaryDir() {
  if (const char* env = std::getenv("NITRO_ATTEST_BINARY_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return NITRO_ATTEST_BINARY_DIR;
}

std::vector<RealDocument> RealDocuments() {
  std::vector<RealDocument> out;
  const auto shared = SharedDir();
  if (!shared) {
    return out;
  }
  std::ifstream in(*shared / "vectors" / "real" / "FACTS.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    const auto j = nlohmann::json::parse(line);
    RealDocument d;
    d.name = j.at("name").get<std::string>();
    d.path = *shared / "vectors" / "real" / (d.name + ".cbor");
    d.module_id = j.at("module_id").get<std::string>();
    d.timestamp_ms = j.at("timestamp_ms").get<uint64_t>();
    d.debug = j.at("pcrs012_zero").get<bool>();
    d.pcr_indices = j.at("pcr_indices").get<std::vector<uint32_t>>();
    d.valid_from = ParseUtc(j.at("valid_from").get<std::string>());
    d.valid_to = ParseUtc(j.at("valid_to").get<std::string>());
    d.leaf_subject = j.value("leaf_subject", "");
    out.push_back(std::move(d));
  }
  return out;
}

Time InsideWindow(const RealDocument& doc) {
  // The document's own timestamp lies inside its chain's window (FACTS.jsonl); a time before it
  // would make the document look as if it came from the future.
  return Time(std::chrono::milliseconds(static_cast<int64_t>(doc.timestamp_ms)));
}

}  // namespace nitro_attest::testing
