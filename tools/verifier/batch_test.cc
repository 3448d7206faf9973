// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// LineReader, the --each-line splitter: lines across its buffer's edge, the 64 KiB bound on
// both sides, a last line without a newline, CRLF, and streams that end inside a long line.
// The whole batch (order, exit codes, JSON Lines) is pinned by verifier_batch_cli_test.cc.
#include "tools/verifier/batch.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nitro_attest::cli {
namespace {

using Got = LineReader::Got;

// Read splits `text` with a LineReader and returns what each call gave, up to kEnd.
std::vector<std::pair<Got, std::string>> Read(const std::string& text) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      text.empty() ? std::tmpfile() : fmemopen(const_cast<char*>(text.data()), text.size(), "r"),
      &std::fclose);
  EXPECT_NE(file, nullptr);
  LineReader reader(file.get());
  std::vector<std::pair<Got, std::string>> out;
  std::string line;
  for (int guard = 0; guard < 1000; ++guard) {
    const Got got = reader.Next(&line);
    if (got == Got::kEnd || got == Got::kError) {
      EXPECT_EQ(got, Got::kEnd);
      break;
    }
    out.emplace_back(got, got == Got::kLine ? line : "");
    EXPECT_EQ(reader.line_number(), out.size());
  }
  return out;
}

TEST(LineReaderTest, SplitsLinesAndKeepsALastLineWithoutNewline) {
  using V = std::vector<std::pair<Got, std::string>>;
  EXPECT_EQ(Read(""), V{});
  EXPECT_EQ(Read("\n"), (V{{Got::kLine, ""}}));
  EXPECT_EQ(Read("a\nbb\n"), (V{{Got::kLine, "a"}, {Got::kLine, "bb"}}));
  EXPECT_EQ(Read("a\n\nc"), (V{{Got::kLine, "a"}, {Got::kLine, ""}, {Got::kLine, "c"}}));
  EXPECT_EQ(Read("x\r\ny\r"), (V{{Got::kLine, "x\r"}, {Got::kLine, "y\r"}}));  // '\r' kept
}

TEST(LineReaderTest, TheBoundIsExactAndALongLineIsSkippedWhole) {
  const std::string max(kMaxInputLine, 'A');
  const std::string over(kMaxInputLine + 1, 'B');
  const std::string huge(5 * kMaxInputLine + 7, 'C');  // spans several buffer refills
  auto r = Read(max + "\n" + over + "\nok\n" + huge + "\nend");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].first, Got::kLine);
  EXPECT_EQ(r[0].second.size(), kMaxInputLine);
  EXPECT_EQ(r[1].first, Got::kTooLong);
  EXPECT_EQ(r[2], std::make_pair(Got::kLine, std::string("ok")));
  EXPECT_EQ(r[3].first, Got::kTooLong);
  EXPECT_EQ(r[4], std::make_pair(Got::kLine, std::string("end")));
  // A stream that ends inside a long line: one kTooLong, then the end.
  r = Read("a\n" + huge);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].first, Got::kTooLong);
}

TEST(LineReaderTest, LinesAcrossTheBufferEdgeArriveWhole) {
  // 64 KiB of buffer: short lines placed so that some straddle each refill.
  std::string text;
  std::vector<std::string> lines;
  for (int i = 0; text.size() < 3 * kMaxInputLine; ++i) {
    lines.emplace_back(static_cast<size_t>(1 + (i * 37) % 1000), static_cast<char>('a' + i % 26));
    text += lines.back() + "\n";
  }
  const auto r = Read(text);
  ASSERT_EQ(r.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(r[i], std::make_pair(Got::kLine, lines[i])) << i;
  }
}

}  // namespace
}  // namespace nitro_attest::cli
