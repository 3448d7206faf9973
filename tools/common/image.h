// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Enclave images in the tools: the PCRs an image will boot with, for every tool that takes
// measurements from an image (verifier --pcrs-from, the emulators' boot PCRs).
#ifndef NITRO_ATTEST_TOOLS_COMMON_IMAGE_H_
#define NITRO_ATTEST_TOOLS_COMMON_IMAGE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "nitro_attest/document.h"
#include "nitro_attest/eif.h"
#include "nitro_attest/emulator.h"

namespace nitro_attest::cli {

// LooksLikeEif reports whether a file starts with the EIF magic ".eif" (false when unreadable).
bool LooksLikeEif(const std::string& path);

// PcrsFromEif reads an enclave image strictly (ReadEif) and returns PCR0, PCR1, PCR2 and, when
// it is signed, PCR8, exactly as nitro-cli's JSON gives them. An image ReadEif refuses, or one
// whose CRC-32 does not match, is kInvalidArgument here: the caller's input is not usable;
// kIoError when it cannot be read.
Result<std::map<uint32_t, Bytes>> PcrsFromEif(const std::string& path);

// ParseBootPcr reads an emulator's boot PCR flag (`name` is for the message): empty means not
// given (nullopt), else exactly 96 hex digits; kInvalidArgument otherwise.
Result<std::optional<Pcr48>> ParseBootPcr(std::string_view name, const std::string& hex);

// BootPcrsFromEif sets the emulator's boot PCR0/1/2 (and PCR8 when signed) to what the image
// at `path` measures to (PcrsFromEif), as a Nitro enclave running that image would have them.
Status BootPcrsFromEif(const std::string& path, NsmEmulatorOptions* options);

// MaxJsonDepth returns the deepest nesting of arrays and objects in JSON text (strings
// skipped), so text can be refused before a recursive parser sees it.
size_t MaxJsonDepth(std::string_view text);

}  // namespace nitro_attest::cli

#endif  // NITRO_ATTEST_TOOLS_COMMON_IMAGE_H_
