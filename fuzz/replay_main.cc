// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// The replay driver: runs Fuzz() on every file of the directories (or files) named on the
// command line, so ctest exercises the corpora without clang. Fails when a directory holds no
// file, so a lost corpus cannot pass silently.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz.h"

namespace nitro_attest::fuzz {
namespace {

std::string g_current;  // the file being replayed, for FuzzFail

std::vector<uint8_t> ReadAll(const std::filesystem::path& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

void FuzzFail(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n  input: %s\n", file, line, condition,
               g_current.c_str());
  std::abort();
}

}  // namespace nitro_attest::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  size_t total = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(argv[i], ec)) {
      for (const auto& entry : fs::directory_iterator(argv[i], ec)) {
        if (entry.is_regular_file()) {
          files.push_back(entry.path());
        }
      }
      if (files.empty()) {
        std::fprintf(stderr, "%s: no corpus files\n", argv[i]);
        return 1;
      }
    } else {
      files.emplace_back(argv[i]);
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      bool ok = false;
      const std::vector<uint8_t> data = nitro_attest::fuzz::ReadAll(file, &ok);
      if (!ok) {
        std::fprintf(stderr, "%s: cannot read\n", file.c_str());
        return 1;
      }
      nitro_attest::fuzz::g_current = file.string();
      nitro_attest::fuzz::Fuzz(data);
      ++total;
    }
  }
  std::printf("replayed %zu inputs\n", total);
  return 0;
}
