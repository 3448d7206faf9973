// Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#include "nitro_attest/emulator.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <ctime>
#include <mutex>
#include <new>
#include <string_view>

#include "nitro_attest/encoding.h"
#include "src/document/builder.h"
#include "src/nsm/wire.h"
#include "src/ossl/ossl.h"
#include "src/pki/pki.h"

namespace nitro_attest {
namespace {

using Clock = std::chrono::system_clock;

constexpr uint16_t kMaxPcrs = 32;         // every real NSM (nsm-check.rs)
constexpr uint16_t kBootLockedPcrs = 16;  // 0-15 belong to the Nitro system at start
constexpr size_t kRandomSize = 256;       // one GetRandom's worth on a real NSM (spec §2.10)
// nsm-lib copies module_id into a 100-byte, NUL-terminated buffer.
constexpr size_t kMaxModuleIdSize = 99;
// A leaf is replaced once less than this much of its life is left, so a document never
// carries a certificate about to expire.
constexpr auto kLeafRenewMargin = std::chrono::hours(1);

Pcr48 Sha384(std::span<const uint8_t> a, std::span<const uint8_t> b = {}) {
  Pcr48 out{};
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  // SHA-384 of memory fails only when allocation fails: report it as such (the one exception
  // the library lets escape).
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha384(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    ossl::DrainErrors();
    throw std::bad_alloc();
  }
  return out;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// HexId returns `digits` (<= 96) hex digits derived from the seed and a label, or random ones.
Result<std::string> HexId(const std::optional<std::string>& seed, std::string_view label,
                          size_t digits) {
  Bytes raw;
  if (seed) {
    const Pcr48 h = Sha384(AsBytes(label), AsBytes(*seed));
    raw.assign(h.begin(), h.end());
  } else {
    raw.resize(48);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
      return ossl::OsslError(ErrorCode::kCryptoError, "RAND_bytes failed");
    }
  }
  return HexEncode(raw).substr(0, digits);
}

Result<Time> CertTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return ossl::OsslError(ErrorCode::kInternal, "unreadable certificate time");
  }
  return Time(std::chrono::seconds(timegm(&tm)));
}

struct PcrSlot {
  Pcr48 value{};
  bool locked = false;
};

}  // namespace

Pcr48 ExtendedFromZero(std::span<const uint8_t> data) {
  const Pcr48 zero{};
  return Sha384(zero, data);
}

Pcr48 EmulatorDefaultPcr(int index) {
  const std::string label = "nitro-attest emulator PCR" + std::to_string(index);
  const Pcr48 image_hash = Sha384(AsBytes(label));
  return ExtendedFromZero(image_hash);
}

// Hidden: the state is internal although its name is declared in the public class.
struct __attribute__((visibility("hidden"))) NsmEmulator::State {
  NsmEmulatorOptions options;
  std::mutex mu;
  std::array<PcrSlot, kMaxPcrs> pcrs;  // guarded by mu
  pki::Pki pki;                        // guarded by mu (the leaf rotates)
  Time leaf_not_before, leaf_not_after;

  Time Now() const {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(options.clock ? options.clock()
                                                                                 : Clock::now());
  }

  Status ReadLeafValidity() {
    const uint8_t* p = pki.leaf_der.data();
    ossl::X509Ptr leaf(d2i_X509(nullptr, &p, static_cast<long>(pki.leaf_der.size())));
    if (leaf == nullptr) {
      return ossl::OsslError(ErrorCode::kInternal, "emulator leaf does not parse");
    }
    NA_ASSIGN_OR_RETURN(leaf_not_before, CertTime(X509_get0_notBefore(leaf.get())));
    NA_ASSIGN_OR_RETURN(leaf_not_after, CertTime(X509_get0_notAfter(leaf.get())));
    return {};
  }

  // FreshLeaf rotates the leaf when `now` is outside it or near its end (AWS leaves live ~3 h
  // and one signs many documents, spec §3.3).
  Status FreshLeaf(Time now) {
    if (now >= leaf_not_before && now + kLeafRenewMargin < leaf_not_after) {
      return {};
    }
    NA_TRY(pki::RotateLeaf(pki, now));
    return ReadLeafValidity();
  }

  nsm::Response Handle(const nsm::Request& request);
  nsm::Response Attest(const AttestationRequest& request);
};

nsm::Response NsmEmulator::State::Attest(const AttestationRequest& request) {
  const Time now = Now();
  if (!FreshLeaf(now)) {
    return NsmErrorCode::kInternalError;
  }
  AttestationDocument doc;
  doc.module_id = options.module_id;
  doc.digest = "SHA384";
  doc.timestamp_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  // "all locked PCRs at the moment the attestation document was generated" (nsm-api).
  for (uint32_t i = 0; i < kMaxPcrs; ++i) {
    if (pcrs[i].locked) {
      doc.pcrs.emplace(i, Bytes(pcrs[i].value.begin(), pcrs[i].value.end()));
    }
  }
  doc.certificate = pki.leaf_der;
  doc.cabundle = pki.cabundle();
  doc.public_key = request.public_key;
  doc.user_data = request.user_data;
  doc.nonce = request.nonce;
  const Bytes payload = EncodePayload(doc, options.indefinite_payload_map);
  auto signed_doc = SignDocument(payload, pki.leaf_key.get(), /*tagged=*/false);
  if (!signed_doc) {
    return NsmErrorCode::kInternalError;
  }
  nsm::AttestationResponse response{std::move(*signed_doc)};
  // The answer must fit the device's 0x3000-byte response buffer; QEMU answers InputTooLarge
  // when it does not (unreachable with a 4096-byte request, kept as the bound).
  if (nsm::EncodeResponse(response).size() > kNsmResponseMaxSize) {
    return NsmErrorCode::kInputTooLarge;
  }
  return response;
}

nsm::Response NsmEmulator::State::Handle(const nsm::Request& request) {
  std::lock_guard<std::mutex> lock(mu);
  return std::visit(
      [this](const auto& r) -> nsm::Response {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, AttestationRequest>) {
          return Attest(r);
        } else if constexpr (std::is_same_v<T, nsm::DescribePcrRequest>) {
          if (r.index >= kMaxPcrs) {
            return NsmErrorCode::kInvalidIndex;
          }
          const PcrSlot& s = pcrs[r.index];
          return PcrState{s.locked, Bytes(s.value.begin(), s.value.end())};
        } else if constexpr (std::is_same_v<T, nsm::ExtendPcrRequest>) {
          if (r.index >= kMaxPcrs) {
            return NsmErrorCode::kInvalidIndex;
          }
          PcrSlot& s = pcrs[r.index];
          if (s.locked) {
            return NsmErrorCode::kReadOnlyIndex;
          }
          // extend = SHA-384(old || data), data raw (spec §2.8); empty data allowed as in QEMU.
          s.value = Sha384(s.value, r.data);
          return nsm::ExtendPcrResponse{Bytes(s.value.begin(), s.value.end())};
        } else if constexpr (std::is_same_v<T, nsm::LockPcrRequest>) {
          if (r.index >= kMaxPcrs) {
            return NsmErrorCode::kInvalidIndex;
          }
          if (pcrs[r.index].locked) {
            return NsmErrorCode::kReadOnlyIndex;
          }
          pcrs[r.index].locked = true;
          return nsm::LockPcrResponse{};
        } else if constexpr (std::is_same_v<T, nsm::LockPcrsRequest>) {
          // [0, range); already locked ones are fine; range > max_pcrs fails (spec §2.9).
          if (r.range > kMaxPcrs) {
            return NsmErrorCode::kInvalidIndex;
          }
          for (uint16_t i = 0; i < r.range; ++i) {
            pcrs[i].locked = true;
          }
          return nsm::LockPcrsResponse{};
        } else if constexpr (std::is_same_v<T, nsm::DescribeNsmRequest>) {
          NsmDescription d;
          d.version_major = 1;
          d.module_id = options.module_id;
          d.max_pcrs = kMaxPcrs;
          for (uint16_t i = 0; i < kMaxPcrs; ++i) {
            if (pcrs[i].locked) {
              d.locked_pcrs.insert(i);
            }
          }
          d.digest = "SHA384";
          return d;
        } else {
          static_assert(std::is_same_v<T, nsm::GetRandomRequest>);
          nsm::GetRandomResponse g{Bytes(kRandomSize)};
          if (RAND_bytes(g.random.data(), static_cast<int>(g.random.size())) != 1) {
            return NsmErrorCode::kInternalError;
          }
          return g;
        }
      },
      request);
}

Result<std::unique_ptr<NsmEmulator>> NsmEmulator::Create(const NsmEmulatorOptions& requested) {
  NsmEmulatorOptions options = requested;
  if (options.instance_id.empty()) {
    NA_ASSIGN_OR_RETURN(const std::string hex,
                        HexId(options.seed, "nitro-attest emulator instance", 17));
    options.instance_id = "i-" + hex;
  }
  if (options.module_id.empty()) {
    NA_ASSIGN_OR_RETURN(const std::string hex,
                        HexId(options.seed, "nitro-attest emulator enclave", 16));
    options.module_id = options.instance_id + "-enc" + hex;
  }
  if (options.module_id.size() > kMaxModuleIdSize ||
      options.instance_id.size() > kMaxModuleIdSize) {
    return MakeError(ErrorCode::kInvalidArgument, "module_id and instance_id are at most 99 bytes");
  }
  auto state = std::make_shared<State>();
  state->options = options;
  const Time now = state->Now();

  pki::PkiOptions pki_options;
  pki_options.now = now;
  pki_options.module_id = options.module_id;
  pki_options.region = options.region;
  pki_options.seed = options.seed;
  NA_ASSIGN_OR_RETURN(state->pki, pki::GeneratePki(pki_options));
  NA_TRY(state->ReadLeafValidity());

  // Boot: PCRs measured by the Nitro system, then 0-15 locked (QEMU's nitro-enclave machine).
  auto& pcrs = state->pcrs;
  pcrs[0].value = options.pcr0.value_or(EmulatorDefaultPcr(0));
  pcrs[1].value = options.pcr1.value_or(EmulatorDefaultPcr(1));
  pcrs[2].value = options.pcr2.value_or(EmulatorDefaultPcr(2));
  if (!options.role_arn.empty()) {
    pcrs[3].value = ExtendedFromZero(AsBytes(options.role_arn));
  }
  pcrs[4].value = ExtendedFromZero(AsBytes(options.instance_id));
  if (options.pcr8) {
    pcrs[8].value = *options.pcr8;
  }
  for (uint16_t i = 0; i < kBootLockedPcrs; ++i) {
    pcrs[i].locked = true;
  }
  return std::make_unique<NsmEmulator>(Key(), std::move(state));
}

NsmEmulator::NsmEmulator(Key, std::shared_ptr<State> state) : state_(std::move(state)) {}
NsmEmulator::~NsmEmulator() = default;

Result<Bytes> NsmEmulator::Call(std::span<const uint8_t> request) {
  auto decoded = nsm::DecodeRequest(request);
  if (!decoded) {
    return nsm::EncodeResponse(decoded.error().nsm_error);
  }
  return nsm::EncodeResponse(state_->Handle(*decoded));
}

std::unique_ptr<NsmTransport> NsmEmulator::NewHandle() const {
  return std::make_unique<NsmEmulator>(Key(), state_);
}

Bytes NsmEmulator::RootDer() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->pki.root_der;
}

std::string NsmEmulator::RootPem() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->pki.RootPem();
}

std::string NsmEmulator::module_id() const { return state_->options.module_id; }

}  // namespace nitro_attest
