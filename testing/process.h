// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Running the built tools from tests.
#ifndef NITRO_ATTEST_TESTING_PROCESS_H_
#define NITRO_ATTEST_TESTING_PROCESS_H_

#include <chrono>
#include <filesystem>
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

// StartProcess starts `argv` (argv[0] a path) in the background, its stderr written to
// `stderr_path` (created or truncated; "/dev/null" to drop it), stdin and stdout inherited.
// Returns the pid, or -1 when it cannot fork; the caller waits for it.
int StartProcess(const std::vector<std::string>& argv, const std::string& stderr_path);

// TempDir is a fresh directory under /tmp, removed with its contents at scope end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // File returns the path of `name` inside the directory.
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Tool returns the path of a tool built in the build directory (e.g. "verifier").
std::string Tool(const std::string& name);

}  // namespace nitro_attest::testing

#endif  // NITRO_ATTEST_TESTING_PROCESS_H_
