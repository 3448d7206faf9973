// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/cli.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

#include "nitro_attest/encoding.h"
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

Status WriteFileAtomically(const std::string& path, std::span<const uint8_t> bytes,
                           unsigned mode) {
  const std::string tmp = path + ".tmp";
  const auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmp.c_str());
    return MakeError(ErrorCode::kIoError, "cannot write " + what + ": " + reason);
  };
  ::unlink(tmp.c_str());  // O_EXCL below: never reuse a file someone else made
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return MakeError(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      ::close(fd);
      return fail(tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return fail(tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(path);
  }
  return {};
}

Status WriteFileAtomically(const std::string& path, std::string_view text) {
  return WriteFileAtomically(
      path, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
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

Result<Bytes> ReadDocument(const std::string& path) {
  // A document is at most 17 KiB; its hex or base64, wrapped, fits in 64 KiB. Reading stops
  // right past the bound, so a huge input costs nothing.
  constexpr size_t kMaxDocumentInput = 64 * 1024;
  auto input = ReadInput(path, kMaxDocumentInput);
  if (!input) {
    if (input.error().code == ErrorCode::kIoError && input.error().detail.find("larger") !=
                                                         std::string::npos) {
      return MakeError(ErrorCode::kMalformedInput,
                       "input is larger than " + std::to_string(kMaxDocumentInput) +
                           " bytes: not a document");
    }
    return std::move(input).error();
  }
  return DecodeDocumentInput(*input, kMaxDocumentInput);
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

std::string HintFor(const Error& error) {
  if (error.code == ErrorCode::kCertificateExpired ||
      error.code == ErrorCode::kCertificateNotYetValid) {
    return "real attestation certificates live about three hours: verify an archived document "
           "with --at document (its own signed time) or --at TIME";
  }
  return {};
}

std::string TimeText(Time t) {
  return FormatTime(t).value_or(std::to_string(t.time_since_epoch().count()) + " ms");
}

int Run(CLI::App& app, int argc, char** argv, const int& result,
        const std::function<void(const Error&)>& on_usage_error) {
  const std::vector<CLI::App*> commands = app.get_subcommands([](CLI::App*) { return true; });
  std::string names;
  for (const CLI::App* c : commands) {
    names += (names.empty() ? "" : ", ") + c->get_name();
  }
  // Every tool's --version: the library's version, which is the project's (CMakeLists.txt).
  app.set_version_flag("--version", app.get_name() + " (nitro-attest) " + std::string(Version()),
                       "Print the version and exit");
  // Required by hand below: CLI11's own check reports "A subcommand is required" even for a
  // misspelt one, and never names the word.
  app.require_subcommand(0, 1);
  const auto usage = [&](const std::string& message) {
    std::cerr << app.get_name() << ": " << EscapeText(message) << "\n"
              << "Run with --help for more information.\n";
    if (on_usage_error) {
      on_usage_error(MakeError(ErrorCode::kInvalidArgument, message));
    }
    return kExitUsage;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::ExtrasError& e) {
    if (!commands.empty() && app.get_subcommands().empty() && !app.remaining().empty()) {
      return usage("unknown command \"" + app.remaining().front() + "\" (commands: " + names +
                   ")");
    }
    return usage(e.what());
  } catch (const CLI::ParseError& e) {
    return usage(e.what());
  }
  if (!commands.empty() && app.get_subcommands().empty()) {
    return usage("a command is required: " + names);
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
  std::cerr << ": " << EscapeText(error.detail) << "\n";
  if (const std::string hint = HintFor(error); !hint.empty()) {
    std::cerr << "hint: " << hint << "\n";
  }
}

}  // namespace nitro_attest::cli
