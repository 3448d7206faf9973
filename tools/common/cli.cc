// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "nitro_attest/version.h"

namespace nitro_attest::cli {

int ExitCodeFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kIoError:
    case ErrorCode::kTransportError:
    case ErrorCode::kDeviceError:
      return kExitUsage;
    default:
      return kExitRejected;
  }
}

Status WriteFileAtomically(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  NA_TRY(WriteOutput(tmp, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return MakeError(ErrorCode::kIoError, "cannot write " + path);
  }
  return {};
}

Result<Bytes> ReadInput(const std::string& path, size_t max) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return MakeError(ErrorCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
  }
  Bytes out;
  uint8_t buf[16384];
  bool too_large = false;
  for (;;) {
    const size_t n = std::fread(buf, 1, sizeof(buf), f);
    if (n == 0) {
      break;
    }
    if (out.size() + n > max) {
      too_large = true;
      break;
    }
    out.insert(out.end(), buf, buf + n);
  }
  const bool failed = std::ferror(f) != 0;
  if (f != stdin) {
    std::fclose(f);
  }
  if (failed) {
    return MakeError(ErrorCode::kIoError, "cannot read " + path);
  }
  if (too_large) {
    return MakeError(ErrorCode::kIoError, path + " is larger than " + std::to_string(max) + " bytes");
  }
  return out;
}

Status WriteOutput(const std::string& path, std::span<const uint8_t> bytes) {
  if (path == "-") {
    std::cout.write(reinterpret_cast<const char*>(bytes.data()),
                    static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    return std::cout ? Status() : MakeError(ErrorCode::kIoError, "cannot write standard output");
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return MakeError(ErrorCode::kIoError, "cannot write " + path);
  }
  return {};
}

std::string TimeText(Time t) {
  return FormatTime(t).value_or(std::to_string(t.time_since_epoch().count()) + " ms");
}

int Run(CLI::App& app, int argc, char** argv, const int& result) {
  // Every tool's --version: the library's version, which is the project's (CMakeLists.txt).
  app.set_version_flag("--version", app.get_name() + " (nitro-attest) " + std::string(Version()),
                       "Print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return result;
}

void PrintError(std::string_view prefix, const Error& error) {
  std::cerr << prefix << ": " << to_string(error.code);
  if (error.code == ErrorCode::kNsmError) {
    std::cerr << " (" << to_string(error.nsm_error) << ")";
  }
  if (error.cert_index >= 0) {
    std::cerr << " [certificate " << error.cert_index << "]";
  }
  std::cerr << ": " << error.detail << "\n";
}

}  // namespace nitro_attest::cli
