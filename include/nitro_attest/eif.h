// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// eif.h: AWS Nitro Enclaves image files (EIF): read one strictly and measure it (PCR0/1/2/8
// exactly as nitro-cli), check its CRC-32 and signature, build, sign, and make reproducible
// ramdisks. The format and every rule: docs/eif.md.
#ifndef NITRO_ATTEST_EIF_H_
#define NITRO_ATTEST_EIF_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nitro_attest/document.h"
#include "nitro_attest/export.h"
#include "nitro_attest/result.h"
#include "nitro_attest/utc_time.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// Pcr48 is one SHA-384 PCR value (the same alias as emulator.h).
using Pcr48 = std::array<uint8_t, 48>;

inline constexpr size_t kEifHeaderSize = 548;
inline constexpr size_t kEifSectionHeaderSize = 12;
inline constexpr size_t kEifMaxSections = 32;
inline constexpr size_t kEifMaxSignatureSize = 32768;  // IMG SIGNATURE_MAX_SIZE
inline constexpr size_t kEifMaxMetadataSize = 1 << 20;  // ours: metadata is held in memory
inline constexpr uint16_t kEifFlagArm64 = 0x1;

// EifSectionType is a section header's type field.
enum class EifSectionType : uint16_t {
  kInvalid = 0,
  kKernel = 1,
  kCmdline = 2,
  kRamdisk = 3,
  kSignature = 4,
  kMetadata = 5,
};

// to_string names a section type: "kernel", "cmdline", "ramdisk", "signature", "metadata".
std::string_view to_string(EifSectionType type);

// EifSection is one section as both readings agree on it.
struct EifSection {
  EifSectionType type = EifSectionType::kInvalid;
  uint64_t offset = 0;  // of its 12-byte section header
  uint64_t size = 0;    // of its data
};

// EifMeasurements are the boot measurements, as nitro-cli prints them.
struct EifMeasurements {
  Pcr48 pcr0{};                // kernel || cmdline || every ramdisk
  Pcr48 pcr1{};                // kernel || cmdline || first ramdisk
  Pcr48 pcr2{};                // the later ramdisks (SHA-384(0^48 || SHA-384("")) with one)
  std::optional<Pcr48> pcr8;   // the signing certificate's DER, for signed images only
};

// EifSignature is what the signature section says and whether it holds. None of it is
// trusted: the certificate is whatever the image carries.
struct EifSignature {
  Bytes certificate_pem;  // as stored in the section
  Bytes certificate_der;  // the first certificate of it; PCR8 measures these bytes
  CertificateInfo certificate;
  // For nitro-cli's SigningCertificate: issuer attributes (long name, value) in DER order,
  // the signature algorithm's long name, the validity as OpenSSL prints it, the signature.
  std::vector<std::pair<std::string, std::string>> issuer_attributes;
  std::string signature_algorithm;
  std::string not_before_text, not_after_text;
  Bytes certificate_signature;
  int64_t cose_algorithm = 0;         // -7 ES256, -35 ES384, -36 ES512 (0: none readable)
  bool signature_valid = false;       // the COSE_Sign1 verifies under the certificate's key
  bool payload_matches_pcr0 = false;  // and signs exactly {register_index 0, PCR0 of this image}
  bool certificate_valid = false;     // the check time is inside notBefore..notAfter
  std::string problem;                // the first check that failed, for people; empty if none
  // SignatureCheck is nitro-cli describe-eif's verdict: signature valid and payload matching.
  bool SignatureCheck() const { return signature_valid && payload_matches_pcr0; }
};

// EifImage is a read image: its header, sections, CRC-32, measurements, metadata, signature.
struct EifImage {
  uint16_t version = 0;
  uint16_t flags = 0;
  uint64_t default_mem = 0, default_cpus = 0;
  std::vector<EifSection> sections;  // file order, which is also the table's order
  uint64_t size = 0;                 // of the whole file
  uint32_t header_crc32 = 0;         // as stored at offset 544
  uint32_t computed_crc32 = 0;       // over the header's first 544 bytes and every section
  EifMeasurements measurements;
  Bytes metadata;                    // the metadata section's bytes (empty when absent)
  std::optional<EifSignature> signature;
  bool crc_ok() const { return header_crc32 == computed_crc32; }
};

// EifReadOptions tune ReadEif.
struct EifReadOptions {
  // When to judge the signing certificate's validity; unset: the system clock.
  std::optional<Time> now;
  // Hash in two worker threads when the measured sections exceed a few MiB.
  bool parallel = true;
};

// ReadEif reads the image at `path` once, front to back, in constant memory, and checks that
// the sequential reading (section headers one after another, as describe-eif) and the header's
// section table (as the loader) describe the same sections: any difference is refused with
// kMalformedImage naming it, as are unknown or duplicate sections, a bad order, more than 32
// sections, an over-long signature section, and anything else docs/eif.md lists. A CRC
// mismatch or a signature that does not hold is not a refusal: it is reported in the result.
// Returns kIoError when the file cannot be read.
Result<EifImage> ReadEif(const std::string& path, const EifReadOptions& options = {});

// ParseEif is ReadEif on bytes in memory.
Result<EifImage> ParseEif(std::span<const uint8_t> image, const EifReadOptions& options = {});

// MeasureBytes returns SHA-384(0^48 || SHA-384(content)): `content` measured into a PCR.
Pcr48 MeasureBytes(std::span<const uint8_t> content);

// MeasureFile is MeasureBytes over a file's contents, read in a stream (nitro-cli pcr
// --input). Returns kIoError when it cannot be read.
Result<Pcr48> MeasureFile(const std::string& path);

// MeasureCertificate returns PCR8 for a signing certificate given as PEM (the first
// certificate is used, as nitro-cli does). Returns kInvalidArgument when there is none.
Result<Pcr48> MeasureCertificate(std::span<const uint8_t> pem);

// EifSigner is a signing certificate and its private key, both PEM. EC keys on P-256, P-384
// or P-521 sign with ES256, ES384 or ES512 as nitro-cli chooses by curve.
struct EifSigner {
  Bytes certificate_pem;
  Bytes private_key_pem;
};

// EifBuildSpec lists an image's parts. Sections are written in nitro-cli's order: kernel,
// cmdline, metadata, ramdisks, signature; the header carries version 4.
struct EifBuildSpec {
  std::string kernel_path;
  std::string cmdline;                  // written as given: no trailing NUL or newline
  std::vector<std::string> ramdisk_paths;  // at least one; the first is the bootstrap ramdisk
  Bytes metadata;                       // the metadata section (nitro-cli's JSON), not measured
  uint16_t flags = 0;                   // kEifFlagArm64 for aarch64
  uint64_t default_mem = uint64_t{1} << 30;
  uint64_t default_cpus = 2;
  std::optional<EifSigner> signer;
};

// BuildEif writes the image to `out_path` (through a temporary file renamed at the end), the
// same bytes for the same inputs, and returns it as ReadEif reads it back. Returns
// kInvalidArgument for a bad spec, an unreadable key or certificate, or a certificate that
// does not belong to the key; kUnsupportedAlgorithm for a key that is not EC P-256/384/521;
// kIoError for files.
Result<EifImage> BuildEif(const EifBuildSpec& spec, const std::string& out_path,
                          const EifReadOptions& options = {});

// SignEif writes `in_path` signed by `signer` to `out_path` (which may be `in_path`): an
// existing signature section is dropped and the new one appended last; PCR0-2 do not change.
// Errors as ReadEif for the input and BuildEif for the signer and output.
Result<EifImage> SignEif(const std::string& in_path, const EifSigner& signer,
                         const std::string& out_path, const EifReadOptions& options = {});

// RamdiskOptions tune BuildRamdisk.
struct RamdiskOptions {
  bool gzip = true;   // deterministic gzip (zlib level 9, no name, mtime 0)
  uint32_t mtime = 0; // every entry's modification time
};

// BuildRamdisk writes an initramfs of the directory `dir` to `out_path`: a newc cpio archive
// with every entry below `dir` (directories, regular files, symlinks) sorted bytewise by path,
// owned by 0:0, with the given mtime and the files' permission bits, then the trailer. Returns
// the number of bytes written; kInvalidArgument for other file types or files over 4 GiB,
// kIoError for files.
Result<uint64_t> BuildRamdisk(const std::string& dir, const std::string& out_path,
                              const RamdiskOptions& options = {});

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_EIF_H_
