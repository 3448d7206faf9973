// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Batch verification for `verifier verify` (several inputs, or --each-line): one Verifier for
// the whole batch, --jobs worker threads over a bounded window of documents, one verdict per
// document in input order (text lines or JSON Lines), a summary on standard error.
#ifndef NITRO_ATTEST_TOOLS_VERIFIER_BATCH_H_
#define NITRO_ATTEST_TOOLS_VERIFIER_BATCH_H_

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "nitro_attest/verify.h"
#include "tools/common/policy.h"

namespace nitro_attest::cli {

// kMaxInputLine is the longest line --each-line accepts: the bound of a whole document input
// (a document is at most 17 KiB; its hex is 34 KiB). A longer line is one malformed document.
inline constexpr size_t kMaxInputLine = 64 * 1024;

struct BatchArgs {
  std::vector<std::string> inputs;  // files; "-" is standard input
  bool each_line = false;           // one document (base64 or hex) per line
  bool json = false;                // JSON Lines instead of text lines
  bool fail_fast = false;           // stop at the first document that is not verified
  unsigned jobs = 1;                // verifying threads (1: verify on the reading thread)
};

// RunBatch verifies every document of `args.inputs` against `options` (the --root files are
// loaded from `flags` once the first document has been read, as the single-document path does)
// and returns the exit code: 0 when every document verified and there was at least one, 1 when
// any was rejected (or there was none), 2 when an input could not be read or the options are
// unusable.
int RunBatch(const BatchArgs& args, const PolicyFlags& flags, VerifyOptions options);

// LineReader reads a stream line by line in constant memory: a line longer than kMaxInputLine
// is reported as kTooLong and skipped without being buffered; a last line without a newline is
// still a line. A trailing '\r' is kept (the decoders skip whitespace).
class LineReader {
 public:
  enum class Got { kLine, kTooLong, kEnd, kError };

  explicit LineReader(std::FILE* file) : file_(file), buffer_(kBufferSize) {}
  // Next reads the next line into *line. kError: the stream failed (errno is set).
  Got Next(std::string* line);
  // line_number is the number of the line Next returned last (1 for the first).
  size_t line_number() const { return line_number_; }

 private:
  static constexpr size_t kBufferSize = 64 * 1024;
  std::FILE* file_;
  std::vector<char> buffer_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  size_t line_number_ = 0;
};

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_VERIFIER_BATCH_H_
