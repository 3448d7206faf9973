// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
//
// emulator.h: an INSECURE software NSM for development and tests. It has the real NSM's
// semantics (32 SHA-384 PCRs, 0-15 locked at start, the same errors and limits) and signs
// attestation documents in AWS's exact shape with its own generated certificate chain, whose
// names say "emulator". Nothing here is ever chosen implicitly: a verifier accepts its
// documents only when given its root explicitly.
#ifndef NITRO_ATTEST_EMULATOR_H_
#define NITRO_ATTEST_EMULATOR_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "nitro_attest/channel.h"
#include "nitro_attest/document.h"
#include "nitro_attest/nsm.h"
#include "nitro_attest/result.h"

namespace nitro_attest NITRO_ATTEST_EXPORT {

// Pcr48 is one SHA-384 PCR value.
using Pcr48 = std::array<uint8_t, 48>;

// NsmEmulatorOptions configures the emulated enclave.
struct NsmEmulatorOptions {
  // Boot measurements as nitro-cli's describe-eif prints them (already extended values).
  // nullopt: PCR0/1/2 get fixed non-zero emulator values (EmulatorDefaultPcr), PCR8 stays zero
  // (an unsigned EIF).
  std::optional<Pcr48> pcr0, pcr1, pcr2, pcr8;
  // PCR3 = SHA-384(0^48 || role_arn) when non-empty, else zero (no IAM role).
  std::string role_arn;
  // PCR4 = SHA-384(0^48 || instance_id). Empty: "i-" + 17 hex digits from the seed.
  std::string instance_id;
  // DescribeNSM's and the documents' module_id. Empty: instance_id + "-enc" + 16 hex digits.
  std::string module_id;
  // Seed for the chain's keys and the default ids (same seed, same keys and ids); nullopt:
  // random. Certificates still carry the issuance time, so pin the root of each run.
  std::optional<std::string> seed;
  // The region named in the chain's certificates.
  std::string region = "us-east-1";
  // The time documents are stamped with and certificates are issued at; unset: the system
  // clock.
  std::function<std::chrono::system_clock::time_point()> clock;
  // true (default): the payload map is indefinite (0xbf ... 0xff) like AWS documents since
  // 2025; false: definite 0xa9 like older ones.
  bool indefinite_payload_map = true;
};

// EmulatorDefaultPcr returns the value PCR `index` (0, 1 or 2) has when not configured:
// SHA-384(0^48 || SHA-384("nitro-attest emulator PCR<index>")), i.e. a measurement the way
// nitro-cli computes one.
Pcr48 EmulatorDefaultPcr(int index);

// ExtendedFromZero returns SHA-384(0^48 || data): a PCR extended once from reset, as PCR3 and
// PCR4 are at boot.
Pcr48 ExtendedFromZero(std::span<const uint8_t> data);

// NsmEmulator is an NsmTransport: NsmClient works on it directly. DescribeNSM reports version
// 1.0.0 (as QEMU's virtio-nsm) and max_pcrs 32; GetRandom answers 256 bytes. Requests are
// decoded like a real NSM (see src/nsm/wire.h) and answered with the real NSM's errors;
// attestation fields have no limit of their own (the NSM enforces none), only the 4096-byte
// request limit (InputTooLarge). Thread-safe: every handle shares one state.
class NsmEmulator final : public NsmTransport {
 public:
  // Create boots an emulator: generates (or derives from the seed) its chain root -> regional
  // -> zonal -> instance -> leaf and presets PCR0-15. Returns kInvalidArgument for an
  // over-long id, kCryptoError when key or certificate generation fails.
  static Result<std::unique_ptr<NsmEmulator>> Create(const NsmEmulatorOptions& options = {});

  // Call answers one NSM request with the response bytes; it does not fail: malformed
  // requests and NSM-level failures are Error responses, as on the device.
  Result<Bytes> Call(std::span<const uint8_t> request) override;

  // NewHandle returns another transport on the same emulated NSM (same PCRs, same chain).
  std::unique_ptr<NsmTransport> NewHandle() const;

  // RootDer / RootPem return the emulator's root certificate: pass it explicitly to Verify to
  // accept this emulator's documents.
  Bytes RootDer() const;
  std::string RootPem() const;
  std::string module_id() const;

  ~NsmEmulator() override;

  struct State;
  // Key restricts construction to Create and NewHandle.
  class Key {
    friend class NsmEmulator;
    Key() = default;
  };
  NsmEmulator(Key, std::shared_ptr<State> state);

 private:
  std::shared_ptr<State> state_;
};

// NsmEmulatorChannelOptions returns the channel limits both ends of the nsm-emulator socket use:
// frames up to 0x3000 bytes plus a small margin.
ChannelOptions NsmEmulatorChannelOptions();

// ServeNsmEmulator serves `nsm` on the Unix socket `socket_path` (framed per channel.h, one
// request per frame, one answer each) until the returned server is shut down or destroyed;
// the socket file is removed then. State lives in `nsm`, so it lasts across connections.
Result<std::unique_ptr<Server>> ServeNsmEmulator(std::shared_ptr<NsmTransport> nsm,
                                                 const std::string& socket_path);

}  // namespace nitro_attest

#endif  // NITRO_ATTEST_EMULATOR_H_
