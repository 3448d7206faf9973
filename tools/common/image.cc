// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "tools/common/image.h"

#include <fstream>

#include "nitro_attest/encoding.h"

namespace nitro_attest::cli {

bool LooksLikeEif(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {0};
  in.read(magic, sizeof(magic));
  return in.gcount() == 4 && std::string_view(magic, 4) == ".eif";
}

Result<std::map<uint32_t, Bytes>> PcrsFromEif(const std::string& path) {
  auto image = ReadEif(path);
  if (!image) {
    if (image.error().code == ErrorCode::kMalformedImage) {
      return MakeError(ErrorCode::kInvalidArgument,
                       path + ": refused enclave image (malformed_image): " + image.error().detail);
    }
    return std::move(image).error();
  }
  if (!image->crc_ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path + ": the enclave image's CRC-32 does not match: it is damaged");
  }
  const EifMeasurements& m = image->measurements;
  std::map<uint32_t, Bytes> pcrs = {{0, Bytes(m.pcr0.begin(), m.pcr0.end())},
                                    {1, Bytes(m.pcr1.begin(), m.pcr1.end())},
                                    {2, Bytes(m.pcr2.begin(), m.pcr2.end())}};
  if (m.pcr8) {
    pcrs[8] = Bytes(m.pcr8->begin(), m.pcr8->end());
  }
  return pcrs;
}

Result<std::optional<Pcr48>> ParseBootPcr(std::string_view name, const std::string& hex) {
  if (hex.empty()) {
    return std::optional<Pcr48>();
  }
  NA_ASSIGN_OR_RETURN(const Bytes bytes, HexDecode(hex));
  if (bytes.size() != 48) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(name) + " must be 48 bytes (96 hex digits)");
  }
  Pcr48 pcr{};
  std::copy(bytes.begin(), bytes.end(), pcr.begin());
  return std::optional<Pcr48>(pcr);
}

Status BootPcrsFromEif(const std::string& path, NsmEmulatorOptions* options) {
  NA_ASSIGN_OR_RETURN(const auto pcrs, PcrsFromEif(path));
  const auto set = [&](uint32_t index, std::optional<Pcr48>* out) {
    const auto it = pcrs.find(index);
    if (it != pcrs.end()) {
      Pcr48 v{};
      std::copy(it->second.begin(), it->second.end(), v.begin());
      *out = v;
    }
  };
  set(0, &options->pcr0);
  set(1, &options->pcr1);
  set(2, &options->pcr2);
  set(8, &options->pcr8);
  return {};
}

size_t MaxJsonDepth(std::string_view text) {
  size_t depth = 0, max = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max = std::max(max, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max;
}

}  // namespace nitro_attest::cli
