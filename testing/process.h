// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Running the built tools from tests.
#ifndef NITRO_ATTEST_TESTING_PROCESS_H_
#define NITRO_ATTEST_TESTING_PROCESS_H_

#include <chrono>
#include <string>
#include <vector>

namespace nitro_attest::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed (timeout or signal)
  std::string out;
  std::string err;
};

// RunProcess runs `argv` (argv[0] a path), feeds `input` on stdin, collects stdout and stderr,
// and kills it after `timeout`.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Tool returns the path of a tool built in the build directory (e.g. "verifier").
std::string Tool(const std::string& name);

}  // namespace nitro_attest::testing

#endif  // NITRO_ATTEST_TESTING_PROCESS_H_
