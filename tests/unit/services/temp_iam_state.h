// For unit tests of IAM handlers: a store in memory (MemoryStore, which meets the store's
// contract as SqliteStore does, without a file to write and sync), the State over it, the
// embedded AWS-managed policy catalog and an IamContext with the given master key and clock.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "core/random.h"
#include "services/iam/iam_context.h"
#include "services/iam/managed_policies.h"
#include "services/key_usage.h"
#include "store/directory.h"
#include "store/memory_store.h"

namespace gatehouse::services::testing_support {

class TempIamState {
 public:
  TempIamState(std::string master_key, std::function<int64_t()> now_ms)
      : catalog_(*iam::ManagedPolicyCatalog::LoadEmbedded()) {
    state_ = std::make_unique<store::State>(store_);
    EXPECT_TRUE(state_->Load().ok());
    iam_ = std::make_unique<iam::IamContext>(iam::IamContext{
        *state_, catalog_, random_, std::move(master_key), std::move(now_ms), usage_, activity_});
  }
  ~TempIamState() {
    iam_.reset();
    state_.reset();
  }
  TempIamState(const TempIamState&) = delete;
  TempIamState& operator=(const TempIamState&) = delete;

  store::State& state() { return *state_; }
  const store::State& state() const { return *state_; }
  iam::IamContext& iam() { return *iam_; }
  const iam::ManagedPolicyCatalog& catalog() const { return catalog_; }
  Random& random() { return random_; }
  KeyUsage& usage() { return usage_; }
  AccessActivity& activity() { return activity_; }

 private:
  iam::ManagedPolicyCatalog catalog_;
  SystemRandom random_;
  KeyUsage usage_;
  AccessActivity activity_;
  store::MemoryStore store_;
  std::unique_ptr<store::State> state_;
  std::unique_ptr<iam::IamContext> iam_;
};

}  // namespace gatehouse::services::testing_support
