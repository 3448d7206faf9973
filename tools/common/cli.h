// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Shared pieces of the command-line tools: exit codes, input, time, CLI11 error handling.
#ifndef NITRO_ATTEST_TOOLS_COMMON_CLI_H_
#define NITRO_ATTEST_TOOLS_COMMON_CLI_H_

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"
#include "nitro_attest/utc_time.h"

namespace nitro_attest::cli {

// Exit codes shared by every tool.
inline constexpr int kExitOk = 0;        // verified / the operation succeeded
inline constexpr int kExitRejected = 1;  // rejected, or the operation failed
inline constexpr int kExitUsage = 2;     // bad option, unreadable file, I/O or transport error

// ExitCodeFor maps a library error to a tool exit code: caller-side problems (arguments, local
// files, sockets) are 2, everything about the document or the NSM's answer is 1.
int ExitCodeFor(const Error& error);

// ReadInput reads a file, or standard input for "-", up to `max` bytes (kIoError beyond, or
// when it cannot be read).
Result<Bytes> ReadInput(const std::string& path, size_t max = 1 << 20);

// ReadDocument reads a document from a file or standard input ("-") and decodes it
// (DecodeDocumentInput: raw CBOR, hex or base64). Returns kIoError when it cannot be read, and
// kMalformedInput when it is larger than any document's encoding or not a document.
Result<Bytes> ReadDocument(const std::string& path);

// WriteOutput writes bytes to a file, or standard output for "-" (kIoError on failure).
Status WriteOutput(const std::string& path, std::span<const uint8_t> bytes);

// WriteFileAtomically writes to PATH.tmp and renames it to PATH, so a reader never sees half a
// file (kIoError on failure). PATH.tmp is made afresh with `mode` (before the umask), so a
// leftover temporary file's wider permissions never carry over to a secret.
Status WriteFileAtomically(const std::string& path, std::span<const uint8_t> bytes,
                           unsigned mode = 0666);
Status WriteFileAtomically(const std::string& path, std::string_view text);

// HintFor returns advice for an error a user can act on (an expired or not-yet-valid
// certificate: the verification time), or an empty string.
std::string HintFor(const Error& error);

// TimeText renders a time for people: RFC 3339 (FormatTime), or a count of milliseconds for a
// time outside the years 0000..9999.
std::string TimeText(Time t);

// Run adds --version to `app`, parses argv and runs the selected callbacks; parse errors print
// the message and return kExitUsage, --help and --version return kExitOk. An app with
// subcommands requires one, and an unknown word is named. When `on_usage_error` is set it also
// receives every parse error (for --json reports). `result` is the exit code the callbacks set.
int Run(CLI::App& app, int argc, char** argv, const int& result,
        const std::function<void(const Error&)>& on_usage_error = nullptr);

// PrintError writes "<prefix>: <code>: <detail>" (escaped) and any hint to standard error.
void PrintError(std::string_view prefix, const Error& error);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_COMMON_CLI_H_
