// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// nsm.h: the Nitro Secure Module API (Attestation, DescribePCR, ExtendPCR, LockPCR, LockPCRs,
// DescribeNSM, GetRandom) over one narrow seam, NsmTransport: request bytes in, response
// bytes out. Behind it: the real /dev/nsm, an nsm-emulator process, the in-process emulator
// (emulator.h) or a test fake.
#ifndef NITRO_ATTEST_NSM_H_
#define NITRO_ATTEST_NSM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "nitro_attest/document.h"
#include "nitro_attest/result.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// NSM limits (linux include/uapi/linux/nsm.h).
inline constexpr size_t kNsmRequestMaxSize = 0x1000;
inline constexpr size_t kNsmResponseMaxSize = 0x3000;

// NsmTransport carries one CBOR request to an NSM and returns its CBOR response.
class NsmTransport {
 public:
  virtual ~NsmTransport() = default;
  // Call returns the response bytes, or kDeviceError / kTransportError when the exchange
  // itself failed. An NSM-level error is a successful Call whose bytes say {"Error": ...}.
  virtual Result<Bytes> Call(std::span<const uint8_t> request) = 0;
};

// OpenNsmDevice opens the real NSM device (default /dev/nsm). Returns kDeviceError with the
// errno text when it cannot be opened. Never falls back to an emulator.
Result<std::unique_ptr<NsmTransport>> OpenNsmDevice(const std::string& path = "/dev/nsm");

// ConnectNsmEmulator returns a transport to a running `nsm-emulator` listening on the Unix
// socket `path`; each Call is one request/response exchange. A connection the emulator has
// closed (it drops idle clients) is replaced before the next request; a request is never sent
// twice.
Result<std::unique_ptr<NsmTransport>> ConnectNsmEmulator(const std::string& path);

// AttestationRequest: each field absent (null on the wire) or present (possibly empty).
struct AttestationRequest {
  std::optional<Bytes> user_data;
  std::optional<Bytes> nonce;
  std::optional<Bytes> public_key;
};

// PcrState is DescribePCR's answer.
struct PcrState {
  bool locked = false;
  Bytes value;
};

// NsmDescription is DescribeNSM's answer.
struct NsmDescription {
  uint16_t version_major = 0, version_minor = 0, version_patch = 0;
  std::string module_id;
  uint16_t max_pcrs = 0;
  std::set<uint16_t> locked_pcrs;
  std::string digest;  // "SHA384"
};

// NsmClient speaks the NSM API through a transport. Every call returns kNsmError (with
// Error::nsm_error set) when the NSM answers Error, and kProtocolError for a response that is
// malformed or of the wrong variant. A request that would exceed kNsmRequestMaxSize is refused
// before it is sent: kInvalidArgument with nsm_error = kInputTooLarge. Not thread-safe; one
// request at a time, like the device.
class NsmClient {
 public:
  explicit NsmClient(std::unique_ptr<NsmTransport> transport);

  // Attestation returns the COSE_Sign1 attestation document bytes.
  Result<Bytes> Attestation(const AttestationRequest& request);
  Result<PcrState> DescribePcr(uint16_t index);
  // ExtendPcr returns the PCR's new value.
  Result<Bytes> ExtendPcr(uint16_t index, std::span<const uint8_t> data);
  Status LockPcr(uint16_t index);
  // LockPcrs locks PCRs [0, range).
  Status LockPcrs(uint16_t range);
  Result<NsmDescription> DescribeNsm();
  // GetRandom returns the bytes one GetRandom call yields (256 on a real NSM).
  Result<Bytes> GetRandom();

  NsmTransport& transport() { return *transport_; }

 private:
  std::unique_ptr<NsmTransport> transport_;
};

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_NSM_H_
