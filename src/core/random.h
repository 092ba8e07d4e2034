// Randomness from the operating system's CSPRNG (OpenSSL RAND_bytes), behind an interface so
// tests can make ids and secrets deterministic. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace gatehouse {

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(uint8_t* out, size_t size) = 0;

  std::string Bytes(size_t size);
  // A random (version 4) UUID, "c0a8…-…", as AWS request ids look.
  std::string Uuid();
};

class SystemRandom : public Random {
 public:
  void Fill(uint8_t* out, size_t size) override;
};

}  // namespace gatehouse
