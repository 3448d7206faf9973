// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Test helpers for enclave images: assemble images byte by byte (valid or crafted), the small
// vector of ../shared/docs/eif.md §8, and signing keys with certificates.
#ifndef NITRO_ATTEST_SRC_EIF_EIF_TEST_UTIL_H_
#define NITRO_ATTEST_SRC_EIF_EIF_TEST_UTIL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nitro_attest/eif.h"
#include "src/pki/pki.h"

namespace nitro_attest::eif::testing {

// RawSection is one section as it will be written; `header_size` overrides the size in its
// section header (the table keeps the data's size).
struct RawSection {
  RawSection(uint16_t t, Bytes d) : type(t), data(std::move(d)) {}
  uint16_t type = 0;
  Bytes data;
  uint16_t flags = 0;
  std::optional<uint64_t> header_size;
};

// RawImage describes an image to assemble; the overrides craft disagreements.
struct RawImage {
  uint16_t version = 4;
  uint16_t flags = 0;
  uint16_t reserved = 0;
  uint32_t unused = 0;
  std::vector<RawSection> sections;
  std::optional<uint16_t> num_sections;       // default: sections.size()
  std::map<size_t, uint64_t> table_offsets;   // index -> offset written in the table
  std::map<size_t, uint64_t> table_sizes;     // index -> size written in the table
  Bytes trailing;                             // appended after the last section
  std::optional<uint32_t> crc;                // default: the right CRC
};

// Assemble writes `image` exactly as described (the CRC covers what is written).
Bytes Assemble(const RawImage& image);

// Text returns the bytes of a string.
Bytes Text(std::string_view s);

// VectorImage is eif.md §8.4: kernel "KERNEL"x10, cmdline "console=ttyS0", the metadata
// shown there, ramdisks "RAMDISK0" and "RAMDISK1-app"; 918 bytes.
RawImage VectorImage();

// Hex returns the lowercase hex of a PCR.
std::string Hex(const Pcr48& pcr);

// TestSigner is a self-signed certificate and its key, as PEM, on the given curve, valid
// from `not_before` for `days` days.
EifSigner TestSigner(pki::KeyType key_type = pki::KeyType::kP384,
                     Time not_before = NowTime() - std::chrono::hours(1),
                     int days = 30);

// WriteFile writes bytes to a path (fails the test when it cannot).
void WriteFile(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace nitro_attest::eif::testing

#endif  // NITRO_ATTEST_SRC_EIF_EIF_TEST_UTIL_H_
