// The API's services as `serve` wires them: each service's context and what they share (key
// usage, access activity, the password hasher and throttle, the OpenID Connect key fetcher, the
// queue that completes CreateAccount requests), made in order, each using those before it.
// Lives as long as the server; not movable.
#pragma once

#include <functional>
#include <string>

#include "app/serve_options.h"
#include "audit/recorder.h"
#include "auth/password_hasher.h"
#include "auth/password_throttle.h"
#include "core/random.h"
#include "federation/oidc_keys.h"
#include "services/access_activity.h"
#include "services/dispatcher.h"
#include "services/iam/iam_context.h"
#include "services/iam/managed_policies.h"
#include "services/key_usage.h"
#include "services/organizations/account_creation_queue.h"
#include "services/organizations/organizations_context.h"
#include "services/stored_throttle_counts.h"
#include "services/sts/session_key_ring.h"
#include "services/sts/sts_context.h"
#include "store/directory.h"

namespace gatehouse::app {

// The API's services and what they share, made in order (each may use those before it):
// IAM's context with the password hasher and throttle, STS's with the OpenID Connect key
// fetcher, Organizations' with the queue that completes CreateAccount requests.
class ServiceStack {
 public:
  ServiceStack(const ServeOptions& options, const std::string& public_url, store::State& state,
               const services::iam::ManagedPolicyCatalog& catalog, const std::string& master_key,
               Random& random, services::sts::SessionKeyRing& session_keys,
               std::function<std::string()> base_url);

  // Registers every operation on `dispatcher`, which records who used which key and service,
  // and starts completing CreateAccount requests, those a previous run left unfinished first.
  void Register(services::Dispatcher& dispatcher, audit::Recorder& audit_recorder,
                int64_t account_creation_delay_ms);

  services::KeyUsage usage;
  services::AccessActivity activity;
  // argon2id runs on its own small pool, never on the connections' threads; password guesses
  // (console sign-in, ChangePassword) share one throttle, its counts in the store.
  auth::PasswordHasher password_hasher;
  services::StoredThrottleCounts throttle_counts;
  auth::PasswordThrottle password_throttle;
  services::iam::IamContext iam;
  federation::OidcKeyFetcher oidc_keys;
  services::sts::StsContext sts;
  services::organizations::OrganizationsContext organizations;
  services::organizations::AccountCreationQueue account_creations;
};

}  // namespace gatehouse::app
