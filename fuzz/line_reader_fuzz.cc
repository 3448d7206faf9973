// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// `verifier verify --each-line`'s splitter (cli::LineReader) against a plain split of the same
// bytes. Each byte 0x01 of the input stands for 8 KiB of 'a', so short inputs reach the 64 KiB
// line bound and the reader's buffer refills. Invariants: one result per line, in order, with
// line_number counting them; a line of at most kMaxInputLine bytes comes back exactly (no '\n',
// '\r' kept), a longer one is kTooLong; a last line without '\n' is a line; then kEnd, never
// kError.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz.h"
#include "tools/verifier/batch.h"

namespace nitro_attest::fuzz {

void Fuzz(std::span<const uint8_t> data) {
  std::string text;
  for (const uint8_t b : data) {
    if (b == 0x01) {
      text.append(8192, 'a');
    } else {
      text.push_back(static_cast<char>(b));
    }
  }
  std::vector<std::string> expected;  // the plain split: '\n' ends a line; a tail is a line
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      expected.push_back(text.substr(start));
      break;
    }
    expected.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      text.empty() ? std::tmpfile() : fmemopen(text.data(), text.size(), "r"), &std::fclose);
  FUZZ_CHECK(file != nullptr);
  cli::LineReader reader(file.get());
  std::string line;
  for (size_t i = 0; i < expected.size(); ++i) {
    const cli::LineReader::Got got = reader.Next(&line);
    FUZZ_CHECK(reader.line_number() == i + 1);
    if (expected[i].size() <= cli::kMaxInputLine) {
      FUZZ_CHECK(got == cli::LineReader::Got::kLine && line == expected[i]);
    } else {
      FUZZ_CHECK(got == cli::LineReader::Got::kTooLong);
    }
  }
  FUZZ_CHECK(reader.Next(&line) == cli::LineReader::Got::kEnd);
  FUZZ_CHECK(reader.Next(&line) == cli::LineReader::Got::kEnd);
}

}  // namespace nitro_attest::fuzz
