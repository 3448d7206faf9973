// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>

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

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<std::chrono::system_clock::time_point> ParseTime(std::string_view text) {
  using std::chrono::milliseconds;
  const auto bad = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "time \"" + std::string(text) +
                         "\" is neither Unix seconds nor RFC 3339 (2024-11-14T23:46:29Z)");
  };
  if (text.empty()) {
    return bad();
  }
  // Unix seconds, optional fraction.
  if (text.find_first_not_of("0123456789.") == std::string_view::npos) {
    const size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    if (whole.empty() || whole.size() > 12) {
      return bad();
    }
    int64_t secs = 0;
    for (const char c : whole) {
      secs = secs * 10 + (c - '0');
    }
    int64_t ms = 0;
    if (dot != std::string_view::npos) {
      const std::string_view frac = text.substr(dot + 1);
      if (frac.empty() || frac.find('.') != std::string_view::npos) {
        return bad();
      }
      for (size_t i = 0; i < 3; ++i) {
        ms = ms * 10 + (i < frac.size() ? frac[i] - '0' : 0);
      }
    }
    return std::chrono::system_clock::time_point(milliseconds(secs * 1000 + ms));
  }
  // RFC 3339: YYYY-MM-DD[T ]HH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)
  std::tm tm{};
  int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0;
  if (!Digits(text, 0, 4, &year) || text.size() < 19 || text[4] != '-' ||
      !Digits(text, 5, 2, &mon) || text[7] != '-' || !Digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !Digits(text, 11, 2, &hour) ||
      text[13] != ':' || !Digits(text, 14, 2, &min) || text[16] != ':' ||
      !Digits(text, 17, 2, &sec)) {
    return bad();
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return bad();
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (n < 3) {
        ms = ms * 10 + (text[pos] - '0');
      }
      ++n;
      ++pos;
    }
    if (n == 0) {
      return bad();
    }
    for (; n < 3; ++n) {
      ms *= 10;
    }
  }
  int64_t offset_min = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    pos += 1;
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') &&
             text[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!Digits(text, pos + 1, 2, &oh) || !Digits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_min = (text[pos] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return bad();
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  const time_t t = timegm(&tm);
  return std::chrono::system_clock::time_point(
      milliseconds((static_cast<int64_t>(t) - offset_min * 60) * 1000 + ms));
}

std::string FormatTime(std::chrono::system_clock::time_point t) {
  const int64_t ms_total =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  int64_t secs = ms_total / 1000;
  int64_t ms = ms_total % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  const time_t tt = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

int Run(CLI::App& app, int argc, char** argv, const int& result) {
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
