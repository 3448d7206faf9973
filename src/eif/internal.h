// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// Enclave image internals: the header codec, byte sources and output files, the measuring
// pipeline, the signature section, and the reader core that build and sign reuse (internal).
#ifndef NITRO_ATTEST_SRC_EIF_INTERNAL_H_
#define NITRO_ATTEST_SRC_EIF_INTERNAL_H_

#include <openssl/evp.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "nitro_attest/eif.h"
#include "src/ossl/ossl.h"

namespace nitro_attest::eif {

inline constexpr uint8_t kMagic[4] = {0x2e, 0x65, 0x69, 0x66};  // ".eif"
inline constexpr size_t kCrcOffset = kEifHeaderSize - 4;        // the CRC is the last field

// Header is EifHeader (IMG src/defs/mod.rs), all integers big-endian on disk.
struct Header {
  std::array<uint8_t, 4> magic{};
  uint16_t version = 0, flags = 0;
  uint64_t default_mem = 0, default_cpus = 0;
  uint16_t reserved = 0, num_sections = 0;
  std::array<uint64_t, kEifMaxSections> offsets{}, sizes{};
  uint32_t unused = 0, crc32 = 0;
};

std::array<uint8_t, kEifHeaderSize> EncodeHeader(const Header& h);
Header DecodeHeader(std::span<const uint8_t, kEifHeaderSize> bytes);
std::array<uint8_t, kEifSectionHeaderSize> EncodeSectionHeader(uint16_t type, uint16_t flags,
                                                               uint64_t size);

// MalformedImage is the one refusal: kMalformedImage with what differs.
Error MalformedImage(std::string detail);

// Crc32 continues a CRC-32/ISO-HDLC (zlib's crc32, computed by libdeflate) over `data`.
uint32_t Crc32(uint32_t crc, std::span<const uint8_t> data);

// Source hands out a file's bytes front to back.
class Source {
 public:
  virtual ~Source() = default;
  // Read fills a prefix of `buf`; 0 only at the end. kIoError on failure.
  virtual Result<size_t> Read(std::span<uint8_t> buf) = 0;
  // ReadFull reads until `buf` is full or the end; returns the bytes read.
  Result<size_t> ReadFull(std::span<uint8_t> buf);
};

// FdSource reads a file (opened O_CLOEXEC, read sequentially); closes it when destroyed.
class FdSource final : public Source {
 public:
  static Result<std::unique_ptr<FdSource>> Open(const std::string& path);
  ~FdSource() override;
  Result<size_t> Read(std::span<uint8_t> buf) override;
  // Size is the file's size when it is a regular file (fstat), else 0.
  uint64_t size() const { return size_; }

 private:
  FdSource(int fd, std::string path, uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  int fd_;
  std::string path_;
  uint64_t size_;
};

// MemorySource reads a span.
class MemorySource final : public Source {
 public:
  explicit MemorySource(std::span<const uint8_t> data) : data_(data) {}
  Result<size_t> Read(std::span<uint8_t> buf) override;

 private:
  std::span<const uint8_t> data_;
};

// OutputFile writes a temporary file beside `path` and renames it to `path` on Commit; a file
// not committed is removed when destroyed, so a failed build leaves nothing behind.
class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Create(const std::string& path);
  ~OutputFile();
  // Write appends (at written()); WriteAt overwrites what was written at `offset`.
  Status Write(std::span<const uint8_t> data);
  Status WriteAt(uint64_t offset, std::span<const uint8_t> data);
  Status Commit();
  uint64_t written() const { return written_; }

 private:
  OutputFile(int fd, std::string tmp, std::string path)
      : fd_(fd), tmp_(std::move(tmp)), path_(std::move(path)) {}
  int fd_;
  std::string tmp_, path_;
  uint64_t written_ = 0;
  bool committed_ = false;
};

// Sha384 is an incremental SHA-384 (EVP); Extend turns its digest into a PCR value.
class Sha384 {
 public:
  Sha384();
  Sha384(const Sha384& other);
  Sha384& operator=(const Sha384&) = delete;
  void Update(std::span<const uint8_t> data);
  std::array<uint8_t, 48> Digest() const;  // of the bytes so far; the state goes on
  Pcr48 Measurement() const;               // SHA-384(0^48 || Digest())

 private:
  ossl::EvpMdCtxPtr ctx_;
};

// Route says which measurements a chunk of measured section data feeds.
enum class Route : uint8_t {
  kBoot,  // kernel, cmdline, first ramdisk: PCR0 and PCR1
  kApp,   // later ramdisks: PCR0 and PCR2
};

// Measurer computes PCR0, PCR1 and PCR2 from the measured sections' data in file order. The
// kernel, cmdline and first ramdisk feed one hash whose state is copied for PCR1 at the end of
// the first ramdisk (the shared prefix is hashed once); later ramdisks feed it and the PCR2
// hash. Parallel: two worker threads, one per hash, take chunks from a ring of kSlots buffers,
// so the reader, PCR0 and PCR2 run at once in constant memory.
class Measurer {
 public:
  static constexpr size_t kChunk = 1 << 20;
  static constexpr size_t kSlots = 4;

  explicit Measurer(bool parallel);
  ~Measurer();
  Measurer(const Measurer&) = delete;
  Measurer& operator=(const Measurer&) = delete;

  // Buffer returns the buffer for the next chunk (kChunk bytes), waiting until it is free.
  std::span<uint8_t> Buffer();
  // Submit hands the first `n` bytes of the last Buffer() to the hashes; the caller must not
  // touch that buffer afterwards.
  void Submit(size_t n, Route route);
  // EndBootstrap marks the end of the first ramdisk: PCR1 is taken there.
  void EndBootstrap();
  // Finish waits for the workers and returns PCR0, PCR1, PCR2 (pcr8 unset).
  EifMeasurements Finish();

 private:
  struct Slot {
    std::unique_ptr<uint8_t[]> data;
    size_t len = 0;
    Route route = Route::kBoot;
    bool end_bootstrap = false;
  };
  void Push(size_t n, Route route, bool end_bootstrap);
  void Process(int worker, const Slot& slot);
  void Work(int worker);

  bool parallel_;
  std::array<Slot, kSlots> slots_;
  Sha384 boot_, app_;
  std::optional<std::array<uint8_t, 48>> bootstrap_digest_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t produced_ = 0;
  uint64_t done_[2] = {0, 0};
  bool closed_ = false;
  std::thread workers_[2];
};

// SectionTap sees every section and its data as the reader streams it (SignEif copies with it).
class SectionTap {
 public:
  virtual ~SectionTap() = default;
  virtual Status Begin(const EifSection& section) = 0;
  virtual Status Data(std::span<const uint8_t> data) = 0;
};

// ReadImage is ReadEif's core over any source, with an optional tap.
Result<EifImage> ReadImage(Source& source, const EifReadOptions& options, SectionTap* tap);

// The signature section (signature.cc).
struct SignatureSection {
  Bytes certificate_pem;
  Bytes cose_sign1;
};
// ParseSignatureSection reads the section's CBOR: exactly one {"signing_certificate": [uint8],
// "signature": [uint8]}, definite lengths, keys in that order, as serde_cbor writes it and
// QEMU requires it; the certificate must be PEM. kMalformedImage otherwise.
Result<SignatureSection> ParseSignatureSection(std::span<const uint8_t> data);
// CheckSignature verifies the COSE_Sign1 against the certificate and PCR0 at `now`; a failed
// check is reported in the result, never an error. kMalformedImage when the certificate does
// not parse (there would be no PCR8).
Result<EifSignature> CheckSignature(const SignatureSection& section, const Pcr48& pcr0,
                                    Time now);
// EncodePcrInfo is serde_cbor's PcrInfo{register_index: 0, register_value: pcr0}.
Bytes EncodePcrInfo(const Pcr48& pcr0);

// LoadedSigner is a checked EifSigner.
struct LoadedSigner {
  Bytes certificate_pem;
  ossl::EvpPkeyPtr key;
};
// LoadSigner parses the key and certificate and checks that they belong together.
Result<LoadedSigner> LoadSigner(const EifSigner& signer);
// MakeSignatureSection signs PCR0 and encodes the whole signature section.
Result<Bytes> MakeSignatureSection(const LoadedSigner& signer, const Pcr48& pcr0);

}  // namespace nitro_attest::eif

#endif  // NITRO_ATTEST_SRC_EIF_INTERNAL_H_
